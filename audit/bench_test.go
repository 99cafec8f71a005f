package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/audit"
)

// benchEntry is a typical view entry: two receipt numbers, two field
// categories; about 240 bytes encoded.
func benchEntry(i int) audit.Entry {
	return audit.Entry{
		Time:       day0.Add(time.Duration(i) * time.Millisecond),
		Actor:      "staff-017",
		Role:       audit.RoleHandler,
		Purpose:    "reception",
		Action:     audit.ActionView,
		Event:      testEvent,
		Subjects:   []string{fmt.Sprintf("CW-%07d-1", i), fmt.Sprintf("CW-%07d-2", i)},
		Categories: []string{"user.name", "user.contact.phone"},
		Outcome:    audit.OutcomeAllowed,
	}
}

// BenchmarkAppend appends one entry per call, as the Office does (one
// entry per operation), to the in-memory storage: the cost of validation,
// encoding and hashing without a database.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	log := newTestLog(b, &memoryStorage{})
	entries := make([]audit.Entry, 1024)
	for i := range entries {
		entries[i] = benchEntry(i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := log.Append(ctx, entries[i%len(entries)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

const verifyBenchSize = 1_000_000

// millionEntries is the 1,000,000-entry log BenchmarkVerify checks, built
// once per test binary because building it takes longer than verifying it.
var millionEntries = sync.OnceValues(func() (*memoryStorage, error) {
	ctx := context.Background()
	s := &memoryStorage{}
	log, err := audit.NewLog(testOrigin, s)
	if err != nil {
		return nil, err
	}
	batch := make([]audit.Entry, 1000)
	for n := 0; n < verifyBenchSize; n += len(batch) {
		for i := range batch {
			batch[i] = benchEntry(n + i)
		}
		if _, err := log.Append(ctx, batch...); err != nil {
			return nil, err
		}
	}
	return s, nil
})

// BenchmarkVerify checks a log of 1,000,000 entries against its
// checkpoint: every entry is hashed and every stored hash compared. The
// budget is 2 s per verification.
func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	s, err := millionEntries()
	require.NoError(b, err)
	log := newTestLog(b, s)
	cp, err := log.Checkpoint(ctx)
	require.NoError(b, err)
	var bytes int64
	for _, leaf := range s.leaves {
		bytes += int64(len(leaf))
	}
	b.SetBytes(bytes)
	b.ReportAllocs()
	for b.Loop() {
		res, err := log.Verify(ctx, cp)
		if err != nil || res.Size != verifyBenchSize {
			b.Fatal(res, err)
		}
	}
	b.ReportMetric(float64(verifyBenchSize)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
