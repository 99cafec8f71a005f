package audit

import (
	"encoding/base64"
	"errors"
	"io"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a log's tree head: the log's origin, its size in entries
// and the RFC 6962 root hash of those entries. Signed, it is a C2SP
// tlog-checkpoint (https://c2sp.org/tlog-checkpoint):
//
//	kuji.example.jp/shinjuku/citywalk-2026
//	1204
//	n0x0C9JQAqsSpz5mCwjHLnaVH/Jr9mUjBgs1W4BrLjE=
//
//	— kuji.example.jp/shinjuku/citywalk-2026 Az3grl...
type Checkpoint struct {
	Origin string
	Size   int64
	Hash   tlog.Hash
}

// Text returns the checkpoint's note text: origin, size and base64 root
// hash, each on a line ending in a newline.
func (c Checkpoint) Text() string {
	return c.Origin + "\n" + strconv.FormatInt(c.Size, 10) + "\n" + c.Hash.String() + "\n"
}

// ParseCheckpoint parses a checkpoint's note text (not a signed note; see
// [OpenCheckpoint]). It is strict about the three lines C2SP requires (a
// size in decimal without leading zeros, a hash in padded standard base64)
// and ignores any extension lines after them. A malformed text gives a
// [*VerifyError] with [ReasonMalformedCheckpoint].
func ParseCheckpoint(text string) (Checkpoint, error) {
	malformed := &VerifyError{Entry: -1, Through: -1, Reason: ReasonMalformedCheckpoint}
	lines := strings.SplitAfter(text, "\n")
	// A well-formed text ends in "\n", so the last element is "".
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return Checkpoint{}, malformed
	}
	for _, l := range lines[:len(lines)-1] {
		if l == "\n" { // C2SP: lines are non-empty
			return Checkpoint{}, malformed
		}
	}
	origin := strings.TrimSuffix(lines[0], "\n")
	size := strings.TrimSuffix(lines[1], "\n")
	hash := strings.TrimSuffix(lines[2], "\n")
	if !validOrigin(origin) {
		return Checkpoint{}, malformed
	}
	n, err := strconv.ParseInt(size, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != size {
		return Checkpoint{}, malformed
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(hash)
	if err != nil || len(raw) != tlog.HashSize {
		return Checkpoint{}, malformed
	}
	c := Checkpoint{Origin: origin, Size: n}
	copy(c.Hash[:], raw)
	return c, nil
}

// SignCheckpoint signs c with s and returns the signed note. The key's name
// should be the checkpoint's origin (C2SP recommends it); [GenerateKey]
// makes such keys.
func SignCheckpoint(c Checkpoint, s note.Signer) ([]byte, error) {
	if !validOrigin(c.Origin) {
		return nil, ErrInvalidOrigin
	}
	if c.Size < 0 {
		return nil, errOutOfRange
	}
	return note.Sign(&note.Note{Text: c.Text()}, s)
}

// OpenCheckpoint verifies a signed checkpoint with the public key v and
// parses it. Only v's signature counts; others are ignored. A checkpoint
// not signed by v, or whose text is malformed, gives a [*VerifyError]
// ([ReasonBadSignature], [ReasonMalformedCheckpoint]).
func OpenCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		if errors.As(err, &unverified) || errors.As(err, &invalid) {
			return Checkpoint{}, &VerifyError{Entry: -1, Through: -1, Reason: ReasonBadSignature}
		}
		return Checkpoint{}, &VerifyError{Entry: -1, Through: -1, Reason: ReasonMalformedCheckpoint}
	}
	return ParseCheckpoint(n.Text)
}

// GenerateKey returns a new Ed25519 checkpoint signing key and its public
// verifier key, in the encodings of golang.org/x/mod/sumdb/note
// ("PRIVATE+KEY+name+hash+data" and "name+hash+data"). Use the log's
// origin as name. The contractor keeps skey secret (note.NewSigner reads
// it); the ward keeps vkey (note.NewVerifier reads it) to check every
// checkpoint and proof without trusting the contractor's systems.
func GenerateKey(rand io.Reader, name string) (skey, vkey string, err error) {
	if !validOrigin(name) {
		return "", "", ErrInvalidOrigin
	}
	return note.GenerateKey(rand, name)
}

// validOrigin accepts what can be both a checkpoint origin and a note key
// name: printable ASCII without spaces or '+', 1 to 255 bytes.
func validOrigin(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || c == '+' {
			return false
		}
	}
	return true
}
