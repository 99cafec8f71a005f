package lottery

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"slices"
	"strings"
)

// Source is one public source of randomness announced before the draw, for
// example the winning numbers of a named public lottery draw or a
// randomness beacon round. Values are the published numbers as
// non-negative decimal integers (a beacon's hex output is converted to
// decimal first); their order does not matter, as in RFC 3797.
type Source struct {
	// Name says what was announced, e.g. "Loto 6, draw 1900"; it is kept
	// in the record for people, and is not part of the key string.
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// KeyString canonicalises sources as RFC 3797 section 4 does: within each
// source the values, without leading zeros, are sorted in ascending
// numeric order and each is followed by "."; each source ends with "/";
// sources keep the order in which they were announced. For example the
// sources {9319}, {2 5 12 8 10}, {9 18 26 34 41 45} give
// "9319./2.5.8.10.12./9.18.26.34.41.45./".
//
// Only integer values are accepted: express a decimal value in its
// smallest unit (e.g. an index of 1234.56 as 123456).
func KeyString(sources []Source) (string, error) {
	var b strings.Builder
	var ps problems
	for k, src := range sources {
		field := "sources[" + itoa(k) + "]"
		if len(src.Values) == 0 {
			ps.add(secConfig, k, &InputError{Field: field, Reason: ReasonEmptySource})
			continue
		}
		vals := make([]string, 0, len(src.Values))
		for j, v := range src.Values {
			c, ok := canonicalInteger(v)
			if !ok {
				ps.add(secConfig, k, &InputError{Field: field + ".values[" + itoa(j) + "]", Reason: ReasonBadSourceValue, Value: clip(v)})
				continue
			}
			vals = append(vals, c)
		}
		slices.SortFunc(vals, func(x, y string) int {
			if len(x) != len(y) {
				return len(x) - len(y)
			}
			return strings.Compare(x, y)
		})
		for _, v := range vals {
			b.WriteString(v)
			b.WriteByte('.')
		}
		b.WriteByte('/')
	}
	if err := ps.err(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// canonicalInteger strips leading zeros from a string of ASCII digits.
func canonicalInteger(v string) (string, bool) {
	if v == "" || len(v) > MaxIDBytes {
		return "", false
	}
	for k := 0; k < len(v); k++ {
		if v[k] < '0' || v[k] > '9' {
			return "", false
		}
	}
	v = strings.TrimLeft(v, "0")
	if v == "" {
		v = "0"
	}
	return v, true
}

// clip keeps a rejected value short enough to quote in a message.
func clip(v string) string {
	if len(v) > 40 {
		return v[:40] + "…"
	}
	return v
}

// Secret is the operator's commit-reveal secret: its SHA-256 ([Secret.Commitment])
// is published before the draw and the secret itself afterwards. It is
// written as hex in JSON.
type Secret []byte

// Secret lengths: shorter secrets could be found from their commitment by
// trying every value, which would let anyone predict the draw early.
const (
	MinSecretBytes = 16
	MaxSecretBytes = 1024
)

// Commitment returns SHA-256(secret), the value to publish before the draw.
func (s Secret) Commitment() Digest { return sha256.Sum256(s) }

// String returns the secret as lowercase hex.
func (s Secret) String() string { return hex.EncodeToString(s) }

// MarshalText writes the secret as lowercase hex.
func (s Secret) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(s)), nil }

// UnmarshalText reads hex.
func (s *Secret) UnmarshalText(text []byte) error {
	b, err := hex.DecodeString(string(text))
	if err != nil {
		// The text is not quoted: it may be most of a secret not yet revealed.
		return &InputError{Field: "secret", Reason: ReasonBadHex, Value: "…", Want: "hex"}
	}
	*s = b
	return nil
}

// VerifyReveal reports whether secret is the one committed to: nil if
// SHA-256(secret) equals commitment, else an error matching
// [ErrSecretMismatch].
func VerifyReveal(commitment Digest, secret []byte) error {
	got := sha256.Sum256(secret)
	if subtle.ConstantTimeCompare(got[:], commitment[:]) != 1 {
		return &InputError{Field: "secret", Reason: ReasonSecretMismatch}
	}
	return nil
}

// SeedMaterial is what the seed is derived from: public sources announced
// in advance, a revealed commit-reveal secret, or both. The seed is also
// bound to the input digest, so the same sources and secret give unrelated
// seeds for any other input.
type SeedMaterial struct {
	Sources []Source `json:"sources,omitempty"`
	// SecretCommitment is the SHA-256 of Secret published before the draw;
	// it is required whenever Secret is set.
	SecretCommitment *Digest `json:"secret_commitment,omitempty"`
	Secret           Secret  `json:"secret,omitempty"`
}

// check validates the material and returns its RFC 3797 key string.
func (m *SeedMaterial) check() (string, error) {
	var ps problems
	keyString, err := KeyString(m.Sources)
	if err != nil {
		ps = append(ps, asProblems(err)...)
	}
	switch {
	case len(m.Secret) > 0 && m.SecretCommitment == nil:
		ps.add(secConfig, 0, &InputError{Field: "secret_commitment", Reason: ReasonIncompleteRecord})
	case len(m.Secret) == 0 && m.SecretCommitment != nil:
		ps.add(secConfig, 0, &InputError{Field: "secret", Reason: ReasonIncompleteRecord})
	case len(m.Sources) == 0 && len(m.Secret) == 0:
		ps.add(secConfig, 0, &InputError{Field: "seed", Reason: ReasonNoRandomness})
	case len(m.Secret) > 0 && (len(m.Secret) < MinSecretBytes || len(m.Secret) > MaxSecretBytes):
		ps.add(secConfig, 0, &InputError{Field: "secret", Reason: ReasonSecretTooShort, Value: itoa(len(m.Secret)), Want: rangeText(MinSecretBytes, MaxSecretBytes)})
	case len(m.Secret) > 0:
		if err := VerifyReveal(*m.SecretCommitment, m.Secret); err != nil {
			ps = append(ps, asProblems(err)...)
		}
	}
	if err := ps.err(); err != nil {
		return "", err
	}
	return keyString, nil
}

func asProblems(err error) problems {
	var ps problems
	switch e := err.(type) {
	case *InvalidInputError:
		for _, p := range e.Problems {
			ps.add(secConfig, 0, p)
		}
	case *InputError:
		ps.add(secConfig, 0, e)
	}
	return ps
}

// deriveSeed is SPEC.md "Seed": SHA-256 over the seed tag, the input
// digest, the key string and the secret, each length-prefixed.
func deriveSeed(input Digest, keyString string, secret []byte) Digest {
	e := newEncoder(tagSeed, 64+len(keyString)+len(secret))
	e.raw(string(input[:]))
	e.str(keyString)
	e.bytes(secret)
	return e.sum()
}
