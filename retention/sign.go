package retention

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"

	"golang.org/x/mod/sumdb/note"

	"github.com/kuji-go/kuji/audit"
)

// ClearSigner clear-signs a text, as gpg --clearsign does. Its method has
// the shape of adapters/pgp.ClearSign with the signing key and options
// bound; [ClearSignFunc] adapts that function:
//
//	signer := retention.ClearSignFunc(func(dst io.Writer, text io.Reader) error {
//		return pgp.ClearSign(dst, text, contractorKey, opts)
//	})
type ClearSigner interface {
	ClearSign(dst io.Writer, text io.Reader) error
}

// ClearSignFunc adapts a function to [ClearSigner].
type ClearSignFunc func(dst io.Writer, text io.Reader) error

// ClearSign calls f.
func (f ClearSignFunc) ClearSign(dst io.Writer, text io.Reader) error { return f(dst, text) }

// ClearSign returns the certificate's text in lang ([Certificate.Text])
// clear-signed by s. The ward verifies it with gpg --verify and, through
// the digest on its last line, the JSON with it.
func (c *Certificate) ClearSign(s ClearSigner, lang Lang) ([]byte, error) {
	text, err := c.Text(lang)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := s.ClearSign(&out, bytes.NewReader(text)); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// AuditEntry returns the audit entry that records the issue of c
// ([audit.ActionCertify]), by the responsible person who performed the
// erasure, at c.Issued. Details.SHA256 is [Certificate.Digest], which ties
// an inclusion proof of the entry to this certificate ([Bundle.Verify]);
// fingerprints are the OpenPGP fingerprints of the signing keys, if any.
func (c *Certificate) AuditEntry(fingerprints ...string) (audit.Entry, error) {
	digest, err := c.Digest()
	if err != nil {
		return audit.Entry{}, err
	}
	names := make([]string, len(c.Classes))
	for i, cl := range c.Classes {
		names[i] = cl.Class
	}
	return audit.Entry{
		Time:     c.Issued,
		Actor:    c.PerformedBy.Actor,
		Role:     audit.RoleResponsible,
		Action:   audit.ActionCertify,
		Event:    c.Event,
		Subjects: []string{c.ID},
		Outcome:  audit.OutcomeAllowed,
		Details: audit.Details{
			Count:        c.Records(),
			SHA256:       audit.Digest(digest),
			Fingerprints: slices.Clone(fingerprints),
			DataClasses:  names,
		},
	}, nil
}

// AuditEntry returns the audit entry that records er's last run
// ([audit.ActionPurge]): allowed once complete, failed (with the failed
// step as the reason, e.g. "erasure-delete") otherwise. Subjects is the
// erasure's ID; Details give the records inventoried and the classes.
func (er *Erasure) AuditEntry() audit.Entry {
	e := audit.Entry{
		Time:     er.Finished,
		Actor:    er.PerformedBy.Actor,
		Role:     audit.RoleResponsible,
		Action:   audit.ActionPurge,
		Event:    er.Event,
		Subjects: []string{er.ID},
		Outcome:  audit.OutcomeAllowed,
		Details:  audit.Details{DataClasses: er.classNames()},
	}
	for _, c := range er.Classes {
		e.Details.Count += c.Records
	}
	if !er.Complete() {
		e.Outcome = audit.OutcomeFailed
		if er.Failure != nil {
			e.Time = er.Failure.At
			e.Reason = "erasure-" + string(er.Failure.Step)
		}
	}
	return e
}

// BundleFormat is the format of a [Bundle] in JSON.
const BundleFormat = "kuji-erasure-bundle/v1"

// Bundle is what the ward keeps of an erasure: the certificate, its
// clear-signed text, and the inclusion proof of its audit entry in the
// event's audit log, as one JSON file.
//
// In JSON it is an object with "format" ([BundleFormat]), "certificate"
// (as [Certificate.JSON] has it), "signed" and "proof".
type Bundle struct {
	Certificate *Certificate
	// Signed is the clear-signed text ([Certificate.ClearSign]); verify it
	// with gpg --verify.
	Signed string
	// Proof is the inclusion proof of the certificate's audit entry
	// ([Certificate.AuditEntry]) in a signed checkpoint of the log.
	Proof *audit.InclusionProof
}

// Verify checks the bundle's inclusion proof with the audit log's public
// key v alone, and that the entry it proves is the issue of this
// certificate: action certify-erasure, same event, the certificate's ID as
// subject and its digest. It returns the checkpoint the entry is included
// in. It does not check the OpenPGP signature (gpg --verify does).
func (b Bundle) Verify(v note.Verifier) (audit.Checkpoint, error) {
	if b.Certificate == nil || b.Proof == nil {
		return audit.Checkpoint{}, &Error{Field: "bundle", Index: -1, Reason: ReasonMalformed}
	}
	entry, cp, err := b.Proof.Verify(v)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	digest, err := b.Certificate.Digest()
	if err != nil {
		return audit.Checkpoint{}, err
	}
	if entry.Action != audit.ActionCertify || entry.Event != b.Certificate.Event ||
		!slices.Equal(entry.Subjects, []string{b.Certificate.ID}) ||
		entry.Details.SHA256 != audit.Digest(digest) {
		return audit.Checkpoint{}, ErrProofMismatch
	}
	return cp, nil
}

// NewBundle returns the bundle of c, its clear-signed text and the
// inclusion proof of its audit entry (either may be nil).
func NewBundle(c *Certificate, signed []byte, proof *audit.InclusionProof) *Bundle {
	return &Bundle{Certificate: c, Signed: string(signed), Proof: proof}
}

// MarshalJSON encodes b with its format.
func (b Bundle) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Format      string                `json:"format"`
		Certificate *Certificate          `json:"certificate"`
		Signed      string                `json:"signed,omitempty"`
		Proof       *audit.InclusionProof `json:"proof,omitempty"`
	}{BundleFormat, b.Certificate, b.Signed, b.Proof})
}

// UnmarshalJSON decodes b and checks its certificate as
// [ParseCertificate] does.
func (b *Bundle) UnmarshalJSON(data []byte) error {
	var raw struct {
		Format      string                `json:"format"`
		Certificate json.RawMessage       `json:"certificate"`
		Signed      string                `json:"signed"`
		Proof       *audit.InclusionProof `json:"proof"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return &Error{Field: "bundle", Index: -1, Reason: ReasonMalformed}
	}
	if raw.Format != BundleFormat {
		return &Error{Field: "format", Index: -1, Reason: ReasonBadFormat}
	}
	c, err := ParseCertificate(raw.Certificate)
	if err != nil {
		return err
	}
	*b = Bundle{Certificate: c, Signed: raw.Signed, Proof: raw.Proof}
	return nil
}
