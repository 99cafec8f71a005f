package applicant

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
)

// MinSecretLen is the shortest blind-index secret accepted, in bytes.
const MinSecretLen = 32

// IndexKind says what a [BlindIndex] was computed over.
type IndexKind string

// The kinds of blind index.
const (
	// KindIdentity keys are duplicate-identity keys: unique within an
	// event, so one person cannot hold two chances.
	KindIdentity IndexKind = "identity"
	// KindName, KindNameKana and KindPhone are reception-desk search keys
	// (not unique).
	KindName     IndexKind = "name"
	KindNameKana IndexKind = "name_kana"
	KindPhone    IndexKind = "phone"
)

// BlindIndex is a keyed blind index: an HMAC-SHA256 of normalised values, to
// be stored in an indexed column (unique for [KindIdentity], plain for
// search keys) in place of the values. Without the secret the MAC reveals
// nothing and cannot be confirmed by guessing.
//
// The MAC is HMAC-SHA256(secret, m) where m is the concatenation of
// length-prefixed strings (4-byte big-endian length, then the UTF-8 bytes):
//
//	"kuji/applicant blind index v1", kind, event ID, rule name ("" for
//	search keys), then for each field in byte order of its key: the field
//	key and its normalised value.
//
// Normalised values:
//
//	name, companion.name            nameKey: NFKC, variation selectors dropped,
//	                                variant kanji folded, dash after kana → ー,
//	                                other dashes and separators dropped, case folded
//	name_kana, companion.name_kana  kanaKey: as name, plus hiragana → katakana and
//	                                small kana → large
//	phone                           the national number as digits ("09012345678")
//	email                           the address in lower case
//	birth_date                      YYYY-MM-DD
//	age, companion.age              decimal years; "infant" for an infant given
//	                                without an age
//
// For a companion, an identity rule's name, name_kana and age are the
// companion's own values, under the representative field keys, so a person
// who is a companion in one application and the representative of another
// gets the same key in both.
type BlindIndex struct {
	Kind IndexKind `json:"kind"`
	// Rule is the identity rule's name; empty for search keys.
	Rule string `json:"rule,omitempty"`
	// Person is 0 for the representative, i for the i-th companion.
	Person int `json:"person"`
	// MAC is the 32-byte HMAC.
	MAC []byte `json:"mac"`
}

const blindDomain = "kuji/applicant blind index v1"

type keyPart struct {
	field Field
	value string
}

func blindMAC(secret []byte, kind IndexKind, event, rule string, parts []keyPart) []byte {
	slices.SortFunc(parts, func(a, b keyPart) int { return strings.Compare(string(a.field), string(b.field)) })
	m := hmac.New(sha256.New, secret)
	var n [4]byte
	put := func(s string) {
		binary.BigEndian.PutUint32(n[:], uint32(len(s)))
		m.Write(n[:])
		m.Write([]byte(s))
	}
	put(blindDomain)
	put(string(kind))
	put(event)
	put(rule)
	for _, p := range parts {
		put(string(p.field))
		put(p.value)
	}
	return m.Sum(nil)
}

// personKey is one person's normalised values for one identity rule.
type personKey struct {
	person int
	rule   string
	parts  []keyPart
}

func (k personKey) String() string {
	var b strings.Builder
	b.WriteString(k.rule)
	for _, p := range k.parts {
		b.WriteByte(0)
		b.WriteString(string(p.field))
		b.WriteByte(0)
		b.WriteString(p.value)
	}
	return b.String()
}

// identityValue returns the normalised value of field f of the
// representative (person 0) or of a companion, and false when absent.
func (c *compiled) identityValue(a *Application, person int, f Field) (string, bool) {
	if person > 0 {
		cp := a.Companions[person-1]
		cf, ok := companionField(f)
		if !ok || !c.collects(cf) {
			return "", false
		}
		switch f {
		case FieldName:
			return nonEmpty(nameKey(cp.Name))
		case FieldNameKana:
			return nonEmpty(kanaKey(cp.NameKana))
		case FieldAge:
			if cp.Age != nil {
				return strconv.Itoa(*cp.Age), true
			}
			if cp.Infant {
				return "infant", true
			}
		}
		return "", false
	}
	p := &a.Representative
	switch f {
	case FieldName:
		return nonEmpty(nameKey(p.Name))
	case FieldNameKana:
		return nonEmpty(kanaKey(p.NameKana))
	case FieldPhone:
		_, k, r := parsePhone(p.Phone)
		return k, r == "" && k != ""
	case FieldEmail:
		_, k, r := parseEmail(p.Email)
		return k, r == "" && k != ""
	case FieldBirthDate:
		return nonEmpty(p.BirthDate)
	case FieldAge:
		if p.Age != nil {
			return strconv.Itoa(*p.Age), true
		}
	}
	return "", false
}

func nonEmpty(s string) (string, bool) { return s, s != "" }

// personKeys lists every (person, rule) key of a, in person order.
func (c *compiled) personKeys(a *Application) []personKey {
	var out []personKey
	for person := 0; person <= len(a.Companions); person++ {
	rules:
		for _, rule := range c.s.Identity {
			k := personKey{person: person, rule: rule.Name, parts: make([]keyPart, 0, len(rule.Fields))}
			for _, f := range rule.Fields {
				v, ok := c.identityValue(a, person, f)
				if !ok {
					continue rules
				}
				k.parts = append(k.parts, keyPart{field: f, value: v})
			}
			slices.SortFunc(k.parts, func(a, b keyPart) int { return strings.Compare(string(a.field), string(b.field)) })
			out = append(out, k)
		}
	}
	return out
}

// duplicatePersons reports a person listed twice in one group: two people
// of the group with the same key under any identity rule.
func (c *compiled) duplicatePersons(a *Application) Errors {
	var errs Errors
	seen := map[string]int{}
	flagged := map[int]bool{}
	for _, k := range c.personKeys(a) {
		s := k.String()
		if first, ok := seen[s]; ok && first != k.person && !flagged[k.person] {
			flagged[k.person] = true
			f := FieldCompanionName
			if k.person == 0 {
				f = FieldName
			}
			errs = append(errs, newError(f, k.person, ReasonDuplicatePerson))
			continue
		}
		seen[s] = k.person
	}
	return errs
}

// IdentityKeys returns the duplicate-identity keys of every person of the
// application (representative and companions) under every identity rule
// they have all the fields of. A store keeps them in a column unique within
// the event, so the same person, however written (full-width digits,
// another dash, half-width kana, a variant kanji), cannot apply twice.
// Secret is the event's blind-index secret from the key store, at least
// [MinSecretLen] bytes.
func (s *Schema) IdentityKeys(a *Application, secret []byte) ([]BlindIndex, error) {
	c, err := s.compile()
	if err != nil {
		return nil, err
	}
	if len(secret) < MinSecretLen {
		return nil, ErrWeakSecret
	}
	var out []BlindIndex
	seen := map[string]bool{}
	for _, k := range c.personKeys(a) {
		mac := blindMAC(secret, KindIdentity, s.Event, k.rule, k.parts)
		if seen[string(mac)] {
			continue
		}
		seen[string(mac)] = true
		out = append(out, BlindIndex{Kind: KindIdentity, Rule: k.rule, Person: k.person, MAC: mac})
	}
	return out, nil
}

// SearchKeys returns the reception-desk search keys of an application: the
// name and name in kana of the representative and of each companion, and
// the representative's phone number, for the fields the event collects.
// [Schema.SearchKey] computes the key of what the desk types in.
func (s *Schema) SearchKeys(a *Application, secret []byte) ([]BlindIndex, error) {
	c, err := s.compile()
	if err != nil {
		return nil, err
	}
	if len(secret) < MinSecretLen {
		return nil, ErrWeakSecret
	}
	var out []BlindIndex
	seen := map[string]bool{}
	add := func(kind IndexKind, person int, f Field, v string) {
		if v == "" {
			return
		}
		mac := blindMAC(secret, kind, s.Event, "", []keyPart{{field: f, value: v}})
		if seen[string(kind)+string(mac)] {
			return
		}
		seen[string(kind)+string(mac)] = true
		out = append(out, BlindIndex{Kind: kind, Person: person, MAC: mac})
	}
	add(KindName, 0, FieldName, nameKey(a.Representative.Name))
	add(KindNameKana, 0, FieldNameKana, kanaKey(a.Representative.NameKana))
	if _, k, r := parsePhone(a.Representative.Phone); r == "" {
		add(KindPhone, 0, FieldPhone, k)
	}
	if c.collects(FieldCompanionName) {
		for i, cp := range a.Companions {
			add(KindName, i+1, FieldName, nameKey(cp.Name))
			add(KindNameKana, i+1, FieldNameKana, kanaKey(cp.NameKana))
		}
	}
	return out, nil
}

// SearchKey returns the search key of a value typed in at the reception
// desk (a name, a name in kana, or a phone number), normalised exactly as
// [Schema.SearchKeys] normalises stored values. A query that cannot match
// (empty, or not a phone number for KindPhone) is an *[Error].
func (s *Schema) SearchKey(kind IndexKind, query string, secret []byte) (BlindIndex, error) {
	if _, err := s.compile(); err != nil {
		return BlindIndex{}, err
	}
	if len(secret) < MinSecretLen {
		return BlindIndex{}, ErrWeakSecret
	}
	d, bad := display(query)
	var f Field
	var v string
	switch kind {
	case KindName:
		f, v = FieldName, nameKey(d)
	case KindNameKana:
		f, v = FieldNameKana, kanaKey(d)
		if !checkKana(d) {
			return BlindIndex{}, newError(f, 0, ReasonKanaOnly)
		}
	case KindPhone:
		f = FieldPhone
		var r Reason
		if _, v, r = parsePhone(d); r != "" {
			return BlindIndex{}, newError(f, 0, r)
		}
	default:
		return BlindIndex{}, newError("", 0, ReasonUnknownOption)
	}
	if bad != "" {
		return BlindIndex{}, newError(f, 0, bad)
	}
	if v == "" {
		return BlindIndex{}, newError(f, 0, ReasonRequired)
	}
	return BlindIndex{Kind: kind, MAC: blindMAC(secret, kind, s.Event, "", []keyPart{{field: f, value: v}})}, nil
}
