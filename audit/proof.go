package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Formats of the portable proof files.
const (
	InclusionProofFormat   = "kuji-audit-inclusion-proof/v1"
	ConsistencyProofFormat = "kuji-audit-consistency-proof/v1"
)

// InclusionProof is a portable proof, as JSON, that an entry is in the log
// a signed checkpoint describes. The ward keeps it next to the document it
// concerns (an erasure certificate, an export) and checks it with
// [InclusionProof.Verify] and the log's public key alone, without access to
// the log.
type InclusionProof struct {
	// Format is [InclusionProofFormat].
	Format string `json:"format"`
	// Checkpoint is the signed checkpoint note, verbatim.
	Checkpoint string `json:"checkpoint"`
	// Index is the entry's position in the log.
	Index int64 `json:"index"`
	// Entry is the entry's leaf encoding. It is JSON, embedded as is, so
	// the file can be read; white space added around or inside it (by a
	// pretty-printer) is ignored.
	Entry json.RawMessage `json:"entry"`
	// Hashes is the RFC 6962 audit path, in base64.
	Hashes []tlog.Hash `json:"hashes"`
}

// ConsistencyProof is a portable proof, as JSON, that the log described by
// the signed checkpoint New contains, unchanged, every entry of the older
// checkpoint Old: nothing the ward saw was rewritten. Check it with
// [ConsistencyProof.Verify] and the log's public key alone.
type ConsistencyProof struct {
	// Format is [ConsistencyProofFormat].
	Format string `json:"format"`
	// Old and New are the signed checkpoint notes, verbatim.
	Old string `json:"old"`
	New string `json:"new"`
	// Hashes is the RFC 6962 consistency proof, in base64.
	Hashes []tlog.Hash `json:"hashes"`
}

// ProveInclusion returns the proof that entry n is in the tree described by
// signed, a checkpoint of this log (its signature is not checked here; the
// proof's reader checks it). The log must still match the checkpoint and
// entry n its stored hash; otherwise ProveInclusion returns the
// [*VerifyError] saying what no longer matches.
func (l *Log) ProveInclusion(ctx context.Context, n int64, signed []byte) (*InclusionProof, error) {
	cp, err := unverifiedCheckpoint(signed)
	if err != nil {
		return nil, err
	}
	if err := l.matches(ctx, cp); err != nil {
		return nil, err
	}
	if n < 0 || n >= cp.Size {
		return nil, &VerifyError{Entry: n, Through: n, Reason: ReasonSizeMismatch}
	}
	var leaf []byte
	err = l.s.ReadLeaves(ctx, n, n+1, func(_ int64, data []byte) error {
		leaf = bytes.Clone(data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if leaf == nil {
		return nil, &VerifyError{Entry: n, Through: n, Reason: ReasonEntryMissing}
	}
	hashes, err := tlog.ProveRecord(cp.Size, n, hashReader{ctx, l.s})
	if err != nil {
		return nil, err
	}
	if err := VerifyInclusion(leaf, n, hashes, cp); err != nil {
		// The stored hashes still give the checkpoint's root, so it is the
		// entry's bytes that changed.
		return nil, &VerifyError{Entry: n, Through: n, Reason: ReasonEntryChanged}
	}
	return &InclusionProof{
		Format:     InclusionProofFormat,
		Checkpoint: string(signed),
		Index:      n,
		Entry:      leaf,
		Hashes:     nonNil(hashes),
	}, nil
}

// ProveConsistency returns the proof that the tree described by the signed
// checkpoint newer contains the tree described by older, both checkpoints
// of this log (signatures are not checked here; the proof's reader checks
// them). The log must still match both.
func (l *Log) ProveConsistency(ctx context.Context, older, newer []byte) (*ConsistencyProof, error) {
	oldCP, err := unverifiedCheckpoint(older)
	if err != nil {
		return nil, err
	}
	newCP, err := unverifiedCheckpoint(newer)
	if err != nil {
		return nil, err
	}
	if oldCP.Size > newCP.Size {
		return nil, &VerifyError{Entry: -1, Through: -1, Reason: ReasonSizeMismatch}
	}
	for _, cp := range []Checkpoint{oldCP, newCP} {
		if err := l.matches(ctx, cp); err != nil {
			return nil, err
		}
	}
	var hashes tlog.TreeProof
	if oldCP.Size > 0 {
		hashes, err = tlog.ProveTree(newCP.Size, oldCP.Size, hashReader{ctx, l.s})
		if err != nil {
			return nil, err
		}
	}
	return &ConsistencyProof{
		Format: ConsistencyProofFormat,
		Old:    string(older),
		New:    string(newer),
		Hashes: nonNil(hashes),
	}, nil
}

// matches checks that cp is a tree head of this log as it is stored now.
func (l *Log) matches(ctx context.Context, cp Checkpoint) error {
	if cp.Origin != l.origin {
		return &VerifyError{Entry: -1, Through: -1, Reason: ReasonOriginMismatch}
	}
	size, err := l.s.Size(ctx)
	if err != nil {
		return err
	}
	if cp.Size > size {
		return &VerifyError{Entry: -1, Through: -1, Reason: ReasonSizeMismatch}
	}
	now, err := l.checkpointAt(ctx, cp.Size)
	if err != nil {
		return err
	}
	if now.Hash != cp.Hash {
		return &VerifyError{Entry: -1, Through: -1, Reason: ReasonRootMismatch}
	}
	return nil
}

// Verify checks p with the log's public key v alone and returns the entry
// and the checkpoint it is included in. Check the checkpoint's Origin to
// know which log (which event) the entry belongs to.
func (p *InclusionProof) Verify(v note.Verifier) (Entry, Checkpoint, error) {
	if p.Format != InclusionProofFormat {
		return Entry{}, Checkpoint{}, &VerifyError{Entry: -1, Through: -1, Reason: ReasonMalformedProof}
	}
	cp, err := OpenCheckpoint([]byte(p.Checkpoint), v)
	if err != nil {
		return Entry{}, Checkpoint{}, err
	}
	var leaf bytes.Buffer
	if err := json.Compact(&leaf, p.Entry); err != nil {
		return Entry{}, Checkpoint{}, &VerifyError{Entry: -1, Through: -1, Reason: ReasonMalformedProof}
	}
	if err := VerifyInclusion(leaf.Bytes(), p.Index, p.Hashes, cp); err != nil {
		return Entry{}, Checkpoint{}, err
	}
	e, err := decodeEntry(leaf.Bytes(), p.Index)
	if err != nil {
		return Entry{}, Checkpoint{}, err
	}
	return e, cp, nil
}

// Verify checks p with the log's public key v alone and returns the two
// checkpoints it links.
func (p *ConsistencyProof) Verify(v note.Verifier) (older, newer Checkpoint, err error) {
	if p.Format != ConsistencyProofFormat {
		return Checkpoint{}, Checkpoint{}, &VerifyError{Entry: -1, Through: -1, Reason: ReasonMalformedProof}
	}
	if older, err = OpenCheckpoint([]byte(p.Old), v); err != nil {
		return Checkpoint{}, Checkpoint{}, err
	}
	if newer, err = OpenCheckpoint([]byte(p.New), v); err != nil {
		return Checkpoint{}, Checkpoint{}, err
	}
	if err := VerifyConsistency(older, newer, p.Hashes); err != nil {
		return Checkpoint{}, Checkpoint{}, err
	}
	return older, newer, nil
}

// VerifyInclusion checks that leaf, the encoding of entry n, is in the
// tree described by cp, using the audit path proof. cp must come from
// [OpenCheckpoint]. It needs no access to the log.
func VerifyInclusion(leaf []byte, n int64, proof tlog.RecordProof, cp Checkpoint) error {
	if n < 0 || n >= cp.Size {
		return &VerifyError{Entry: n, Through: n, Reason: ReasonSizeMismatch}
	}
	if tlog.CheckRecord(proof, cp.Size, cp.Hash, n, tlog.RecordHash(leaf)) != nil {
		return &VerifyError{Entry: n, Through: n, Reason: ReasonProofFailed}
	}
	return nil
}

// VerifyConsistency checks that the tree described by newer contains the
// tree described by older, using proof. Both checkpoints must come from
// [OpenCheckpoint]. It needs no access to the log.
func VerifyConsistency(older, newer Checkpoint, proof tlog.TreeProof) error {
	if older.Origin != newer.Origin {
		return &VerifyError{Entry: -1, Through: -1, Reason: ReasonOriginMismatch}
	}
	if older.Size < 0 || older.Size > newer.Size {
		return &VerifyError{Entry: -1, Through: -1, Reason: ReasonSizeMismatch}
	}
	ok := older.Size == 0 && older.Hash == emptyRoot && len(proof) == 0 ||
		older.Size > 0 && tlog.CheckTree(proof, newer.Size, newer.Hash, older.Size, older.Hash) == nil
	if !ok {
		return &VerifyError{Entry: -1, Through: -1, Reason: ReasonProofFailed}
	}
	return nil
}

// unverifiedCheckpoint parses a signed checkpoint without checking its
// signatures: the log proves against the checkpoint it was given, and
// whoever reads the proof checks the signature.
func unverifiedCheckpoint(signed []byte) (Checkpoint, error) {
	_, err := note.Open(signed, note.VerifierList())
	var unverified *note.UnverifiedNoteError
	if !errors.As(err, &unverified) {
		return Checkpoint{}, &VerifyError{Entry: -1, Through: -1, Reason: ReasonMalformedCheckpoint}
	}
	return ParseCheckpoint(unverified.Note.Text)
}

func nonNil(h []tlog.Hash) []tlog.Hash {
	if h == nil {
		return []tlog.Hash{}
	}
	return h
}
