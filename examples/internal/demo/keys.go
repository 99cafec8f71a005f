package demo

import (
	"bytes"
	"crypto/rand"
	"path/filepath"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/internal/seal"
)

// Keys are the keys an event runs with, and who holds each.
type Keys struct {
	// Contractor is the contractor's OpenPGP key: it signs exports and
	// erasure certificates. Its public part is in ContractorPub.
	Contractor *pgp.Key
	// Ward is the ward's OpenPGP key: exports are encrypted to it. Its
	// secret part belongs to the ward; the example writes it to WardSecret
	// only so that the reader can decrypt the exports with gpg.
	Ward *pgp.Key
	// LogSigner signs the audit log's checkpoints (the contractor's);
	// LogVerifier checks them (the ward's copy is in LogPub).
	LogSigner   note.Signer
	LogVerifier note.Verifier
	// KEK is the key-encryption key the data keys are wrapped under, kept
	// in its own file KEKFile, away from the database and the key store.
	KEK []byte

	KEKFile, LogPub, ContractorPub, WardSecret string
}

// NewKeys makes the keys of an event whose audit log is named origin,
// dated created, and writes their files under dir: the KEK to
// secrets/kek.bin, and what the ward keeps (the log's public key, the
// contractor's public key, and for this demonstration the ward's secret
// key) under ward/.
func NewKeys(dir, origin string, created time.Time) (*Keys, error) {
	at := &pgp.KeyOptions{Now: func() time.Time { return created }}
	contractor, err := pgp.GenerateKey("Kuji Events Co., Ltd.", "contractor", "events@kuji.example.jp", at)
	if err != nil {
		return nil, err
	}
	ward, err := pgp.GenerateKey("Shinjuku City", "ward", "kojinjoho@city.example.jp", at)
	if err != nil {
		return nil, err
	}
	skey, vkey, err := audit.GenerateKey(rand.Reader, origin)
	if err != nil {
		return nil, err
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	k := &Keys{Contractor: contractor, Ward: ward, LogSigner: signer, LogVerifier: verifier, KEK: seal.NewKEK(),
		KEKFile:       filepath.Join(dir, "secrets", "kek.bin"),
		LogPub:        filepath.Join(dir, "ward", "audit-log.pub"),
		ContractorPub: filepath.Join(dir, "ward", "contractor.pub.asc"),
		WardSecret:    filepath.Join(dir, "ward", "ward.sec.asc"),
	}
	var pub, sec bytes.Buffer
	if err := contractor.WritePublic(&pub); err != nil {
		return nil, err
	}
	if err := ward.WritePrivate(&sec, nil); err != nil {
		return nil, err
	}
	for path, data := range map[string][]byte{
		k.KEKFile: k.KEK, k.LogPub: []byte(vkey + "\n"), k.ContractorPub: pub.Bytes(), k.WardSecret: sec.Bytes(),
	} {
		if err := WriteFile(path, data); err != nil {
			return nil, err
		}
	}
	return k, nil
}
