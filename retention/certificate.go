package retention

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"slices"
	"time"
)

// CertificateFormat is the format of a [Certificate] in JSON.
const CertificateFormat = "kuji-erasure-certificate/v1"

// Certificate is a certificate of erasure (消去証明書) for the ward, in the
// spirit of the certificate of sanitisation of NIST SP 800-88 Rev. 1: who
// erased what (event, data classes, record counts, the IDs' range and
// digest), how (crypto-erase, deletion, compaction), with which tool, how
// it was verified, when, and for whom. [Erasure.Certificate] issues it
// from a complete erasure.
//
// It renders as text in Japanese and English ([Certificate.WriteText]),
// which is what is signed ([Certificate.ClearSign]), and as stable JSON
// ([Certificate.JSON], [ParseCertificate]).
//
// PerformedBy.Name is personal data: the certificate states it, but fmt
// verbs and slog print a certificate without it.
type Certificate struct {
	// Format is [CertificateFormat].
	Format string `json:"format"`
	// ID is the certificate's ID, the erasure's ID.
	ID     string    `json:"id"`
	Issued time.Time `json:"issued"`
	// Ward is the ward the certificate is for.
	Ward        string `json:"ward"`
	Event       string `json:"event"`
	EventName   string `json:"event_name"`
	PerformedBy Person `json:"performed_by"`
	Method      Method `json:"method"`
	Tool        Tool   `json:"tool"`
	// Started and Finished bound the erasure, from the first run's start to
	// the verification that completed it.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Classes are the data classes erased, each with its verification
	// (ClassErasure.Verified).
	Classes []ClassErasure `json:"classes"`
}

// Method is how the data was sanitised.
type Method struct {
	// Category is the NIST SP 800-88 category: "purge" (crypto-erase is a
	// purge technique).
	Category string `json:"category"`
	// Techniques are applied in order: "crypto-erase" (the class's data
	// key destroyed), "delete" (rows and sealed blobs deleted), "compact"
	// (storage of deleted rows reclaimed).
	Techniques []string `json:"techniques"`
	// Cipher is the cipher the erased data was sealed with, whose key was
	// destroyed: "AES-256-GCM".
	Cipher string `json:"cipher"`
	// Verification is how the result was checked: "read-back" (the key
	// store and the store were read back after compaction).
	Verification string `json:"verification"`
}

// method is the sanitisation method of this version.
func method() Method {
	return Method{
		Category:     "purge",
		Techniques:   []string{"crypto-erase", "delete", "compact"},
		Cipher:       "AES-256-GCM",
		Verification: "read-back",
	}
}

func (m Method) equal(o Method) bool {
	return m.Category == o.Category && slices.Equal(m.Techniques, o.Techniques) &&
		m.Cipher == o.Cipher && m.Verification == o.Verification
}

// Certificate issues the certificate of a complete erasure at issued. It
// returns an error wrapping [ErrIncomplete] if er has not finished.
func (er *Erasure) Certificate(issued time.Time) (*Certificate, error) {
	if !er.Complete() {
		return nil, ErrIncomplete
	}
	c := &Certificate{
		Format:      CertificateFormat,
		ID:          er.ID,
		Issued:      issued,
		Ward:        er.Ward,
		Event:       er.Event,
		EventName:   er.EventName,
		PerformedBy: er.PerformedBy,
		Method:      method(),
		Tool:        er.Tool,
		Started:     er.Started,
		Finished:    er.Finished,
		Classes:     slices.Clone(er.Classes),
	}
	c.normalise()
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// normalise puts every time in JST, so the JSON is the same however the
// certificate was made or read.
func (c *Certificate) normalise() {
	for _, t := range []*time.Time{&c.Issued, &c.Started, &c.Finished} {
		*t = t.In(jst)
	}
	for i := range c.Classes {
		cl := &c.Classes[i]
		for _, t := range []*time.Time{&cl.Deadline.At, &cl.Inventoried, &cl.KeyDestroyed, &cl.Verified} {
			if !t.IsZero() {
				*t = t.In(jst)
			}
		}
	}
}

// validate checks that c holds nothing but identifiers, codes, counts,
// times and short single-line texts, so that whatever renders it cannot
// be made to print something else.
func (c *Certificate) validate() error {
	var errs Errors
	add := func(class, field string, index int, reason Reason) {
		if reason != "" {
			errs = append(errs, &Error{Class: safeClass(class), Field: field, Index: index, Reason: reason})
		}
	}
	if c.Format != CertificateFormat {
		add("", "format", -1, ReasonBadFormat)
	}
	req := Request{ID: c.ID, Event: c.Event, EventName: c.EventName, Ward: c.Ward, PerformedBy: c.PerformedBy, Tool: c.Tool}
	errs = append(errs, req.problems()...)
	if !c.Method.equal(method()) {
		add("", "method", -1, ReasonBadFormat)
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"issued", c.Issued}, {"started", c.Started}, {"finished", c.Finished}} {
		if f.t.IsZero() {
			add("", f.name, -1, ReasonMissing)
		}
	}
	if len(c.Classes) == 0 {
		add("", "classes", -1, ReasonMissing)
	}
	seen := map[string]bool{}
	for i, cl := range c.Classes {
		for _, e := range cl.Rule.problems(i) {
			e.Field = "rule." + e.Field
			errs = append(errs, e)
		}
		if cl.Class != cl.Rule.Class {
			add(cl.Class, "class", i, ReasonNotClass)
		}
		if seen[cl.Class] {
			add(cl.Class, "class", i, ReasonDuplicateClass)
		}
		seen[cl.Class] = true
		if cl.IDKind != IDReceipt && cl.IDKind != IDRecord {
			add(cl.Class, "id_kind", i, ReasonMalformed)
		}
		if cl.Records < 0 {
			add(cl.Class, "records", i, ReasonNegativeCount)
		}
		if cl.RowsDeleted < 0 {
			add(cl.Class, "rows_deleted", i, ReasonNegativeCount)
		}
		if cl.Records > 0 {
			add(cl.Class, "first_id", i, checkID(cl.FirstID))
			add(cl.Class, "last_id", i, checkID(cl.LastID))
		} else if cl.FirstID != "" || cl.LastID != "" {
			add(cl.Class, "first_id", i, ReasonMalformed)
		}
		for _, f := range []struct {
			name string
			t    time.Time
		}{{"deadline", cl.Deadline.At}, {"inventoried", cl.Inventoried}, {"key_destroyed", cl.KeyDestroyed}, {"verified", cl.Verified}} {
			if f.t.IsZero() {
				add(cl.Class, f.name, i, ReasonMissing)
			}
		}
	}
	return errs.orNil()
}

// JSON returns the certificate as indented JSON with a final newline. The
// encoding is stable: fields in a fixed order, times in RFC 3339 in JST,
// digests in lower-case hexadecimal; [ParseCertificate] reads it back and
// JSON gives the same bytes again.
func (c *Certificate) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Digest returns the SHA-256 digest of [Certificate.JSON]: what the audit
// entry of the certificate records, and what the signed text states.
func (c *Certificate) Digest() (Digest, error) {
	data, err := c.JSON()
	if err != nil {
		return Digest{}, err
	}
	return sha256.Sum256(data), nil
}

// maxCertificate bounds what ParseCertificate reads.
const maxCertificate = 1 << 20

// ParseCertificate reads a certificate written by [Certificate.JSON] (any
// white space, unknown members refused) and checks every field; it
// returns an [Errors] or an [*Error] if the document is malformed, of
// another format, or holds anything but identifiers, codes, counts, times
// and short texts.
func ParseCertificate(data []byte) (*Certificate, error) {
	if len(data) > maxCertificate {
		return nil, &Error{Field: "certificate", Index: -1, Reason: ReasonTooMany}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Certificate
	if err := dec.Decode(&c); err != nil {
		return nil, &Error{Field: "certificate", Index: -1, Reason: ReasonMalformed}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Field: "certificate", Index: -1, Reason: ReasonMalformed}
	}
	if c.Format != CertificateFormat {
		return nil, &Error{Field: "format", Index: -1, Reason: ReasonBadFormat}
	}
	c.normalise()
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Records returns the number of records erased over all classes.
func (c *Certificate) Records() int64 {
	var n int64
	for _, cl := range c.Classes {
		n += cl.Records
	}
	return n
}
