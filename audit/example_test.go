package audit_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/audit"
)

// memoryStorage is a minimal audit.Storage: leaves and hashes in slices,
// appends serialised by a mutex. The kuji stores do the same with tables
// and a transaction.
type memoryStorage struct {
	mu     sync.Mutex
	leaves [][]byte
	hashes []tlog.Hash
}

func (m *memoryStorage) Append(_ context.Context, leaves [][]byte, grow audit.GrowFunc) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := int64(len(m.leaves))
	first, hashes, err := grow(n, tlog.HashReaderFunc(m.readHashes))
	if err != nil {
		return 0, err // nothing stored
	}
	if first != int64(len(m.hashes)) {
		return 0, fmt.Errorf("hashes start at %d, not %d", first, len(m.hashes))
	}
	for _, data := range leaves {
		m.leaves = append(m.leaves, bytes.Clone(data))
	}
	m.hashes = append(m.hashes, hashes...)
	return n, nil
}

func (m *memoryStorage) Size(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return int64(len(m.leaves)), nil
}

func (m *memoryStorage) ReadHashes(_ context.Context, indexes []int64) ([]tlog.Hash, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.readHashes(indexes)
}

func (m *memoryStorage) readHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("hash %d: %w", x, audit.ErrNotStored)
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

func (m *memoryStorage) ReadLeaves(_ context.Context, start, end int64, fn func(int64, []byte) error) error {
	m.mu.Lock()
	leaves := m.leaves[:min(end, int64(len(m.leaves)))] // stored leaves never change
	m.mu.Unlock()
	for n := start; n < int64(len(leaves)); n++ {
		if err := fn(n, leaves[n]); err != nil {
			return err
		}
	}
	return nil
}

func Example() {
	ctx := context.Background()
	const origin = "kuji.example.jp/shinjuku/citywalk-2026"
	const event = "citywalk-2026"

	// The contractor signs checkpoints; the ward keeps the public key.
	skey, vkey, err := audit.GenerateKey(rand.Reader, origin)
	if err != nil {
		panic(err)
	}
	signer, _ := note.NewSigner(skey)
	wardKey, _ := note.NewVerifier(vkey)

	log, err := audit.NewLog(origin, &memoryStorage{})
	if err != nil {
		panic(err)
	}

	// Times are arguments: the package reads no clock.
	day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	designations := []audit.Designation{{
		ID: "dsg-0001", Event: event, Actor: "staff-017", DisplayName: "Reception desk 1",
		Role: audit.RoleHandler, Organisation: audit.OrganisationContractor,
		Purposes: []string{"reception"},
		From:     day, Until: day.AddDate(0, 3, 0), TrainedOn: day.AddDate(0, 0, -7),
	}}

	// An allowed view, and an attempt to use the data for another purpose.
	at := day.Add(9 * time.Hour)
	ok, _ := audit.Authorize(designations, "staff-017", event, "reception", at)
	no, err := audit.Authorize(designations, "staff-017", event, "statistics", at.Add(time.Minute))
	fmt.Println("denied:", errors.Is(err, audit.ErrNotPermitted), no.Reason)
	_, err = log.Append(ctx,
		ok.Entry(audit.ActionView, []string{"CW-000123-4"}, []string{"user.name", "user.contact.phone"}),
		no.Entry(audit.ActionExport, nil, nil))
	if err != nil {
		panic(err)
	}

	// A personal value passed by mistake is refused, not logged.
	wrong := ok.Entry(audit.ActionView, []string{"山田 太郎"}, nil)
	_, err = log.Append(ctx, wrong)
	var bad *audit.EntryError
	if errors.As(err, &bad) {
		fmt.Println("refused:", bad.Field, bad.Code())
	}

	// Sign a checkpoint and prove that the denied attempt (entry 1) is in it.
	signed, _, err := log.Sign(ctx, signer)
	if err != nil {
		panic(err)
	}
	proof, err := log.ProveInclusion(ctx, 1, signed)
	if err != nil {
		panic(err)
	}
	file, _ := json.Marshal(proof)

	// The ward checks the proof file with its public key alone.
	var kept audit.InclusionProof
	if err := json.Unmarshal(file, &kept); err != nil {
		panic(err)
	}
	e, cp, err := kept.Verify(wardKey)
	if err != nil {
		panic(err)
	}
	fmt.Println("proved:", e.Actor, e.Action, e.Outcome, e.Reason, "in a tree of", cp.Size)

	// At the inspection, the whole log is checked against the checkpoint.
	cp, err = audit.OpenCheckpoint(signed, wardKey)
	if err != nil {
		panic(err)
	}
	res, err := log.Verify(ctx, cp)
	fmt.Println("verified:", res.Size, "entries", err)
	// Output:
	// denied: true purpose-not-covered
	// refused: subjects not-identifier
	// proved: staff-017 export denied purpose-not-covered in a tree of 2
	// verified: 2 entries <nil>
}
