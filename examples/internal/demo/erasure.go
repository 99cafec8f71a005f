package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/retention"
)

// Certificate names the files of one erasure certificate.
type Certificate struct {
	Text    string // the certificate in Japanese, as plain text
	Signed  string // the clear-signed text: gpg --verify reads it
	Bundle  string // certificate, signed text and audit inclusion proof, as JSON
	Records int64  // records erased
	Classes []string
}

// WriteCertificate writes the certificate of a purge to base+".txt",
// base+".asc" and base+".json", then checks them as the ward would: the
// signature against the contractor's public key and the bundle's audit
// inclusion proof against the log's public key alone.
func WriteCertificate(base string, p *kuji.Purged, keys *Keys, now func() time.Time) (*Certificate, error) {
	text, err := p.Certificate.Text(retention.Japanese)
	if err != nil {
		return nil, err
	}
	bundle, err := json.MarshalIndent(p.Bundle, "", "  ")
	if err != nil {
		return nil, err
	}
	c := &Certificate{Text: base + ".txt", Signed: base + ".asc", Bundle: base + ".json", Records: p.Certificate.Records()}
	for _, ce := range p.Certificate.Classes {
		c.Classes = append(c.Classes, ce.Class)
	}
	for path, data := range map[string][]byte{c.Text: text, c.Signed: p.Signed, c.Bundle: bundle} {
		if err := WriteFile(path, data); err != nil {
			return nil, err
		}
	}
	_, sig, err := pgp.VerifyClearSigned(bytes.NewReader(p.Signed), []*pgp.Key{keys.Contractor.Public()}, &pgp.Options{Now: now})
	if err != nil {
		return nil, fmt.Errorf("the certificate's signature does not verify: %w", err)
	}
	if sig.Signer != keys.Contractor.Fingerprint() {
		return nil, fmt.Errorf("the certificate is signed by %s, not the contractor", sig.Signer)
	}
	var back retention.Bundle
	if err := json.Unmarshal(bundle, &back); err != nil {
		return nil, err
	}
	if _, err := back.Verify(keys.LogVerifier); err != nil {
		return nil, fmt.Errorf("the certificate's audit proof does not verify: %w", err)
	}
	return c, nil
}
