// Package storetest is the conformance suite every [adapters.Store] must
// pass, in the manner of gocloud.dev's drivertest and testing/fstest.
//
// A store's own tests call [RunConformanceTests] with a [HarnessMaker] that
// builds a fresh, empty store; an integrator's adapter for their existing
// ward database calls it the same way:
//
//	func TestConformance(t *testing.T) {
//		storetest.RunConformanceTests(t, func(ctx context.Context, t *testing.T) (storetest.Harness, error) {
//			return newHarness(ctx, t)
//		})
//	}
//
// Each case says what it checks. Optional abilities of a harness are
// separate interfaces detected by type assertion ([SecondOpener]); the cases
// that need them run only where the harness provides them and say so.
//
// Key stores have their own suite, [RunKeyStoreTests].
package storetest

import (
	"context"
	"testing"

	"github.com/kuji-go/kuji/adapters"
)

// Harness gives the suite one fresh store and a view of its raw storage.
type Harness interface {
	// Store returns the store under test. It is empty when the harness is
	// made.
	Store() adapters.Store
	// Raw returns every byte the store has written to its storage (the
	// database files, a dump of every table, ...), so the suite can check
	// that no personal value is stored in the clear and that deleted data
	// is physically gone. It may compact or checkpoint first if the store
	// would do so after a purge.
	Raw(ctx context.Context) ([]byte, error)
	// Close releases the harness and its store.
	Close() error
}

// SecondOpener is implemented by harnesses whose storage can be opened a
// second time, as a second application server on the same database would:
// the suite races two stores on one database.
type SecondOpener interface {
	OpenSecond(ctx context.Context) (adapters.Store, error)
}

// HarnessMaker makes a fresh harness for one test case.
type HarnessMaker func(ctx context.Context, t *testing.T) (Harness, error)

type testCase struct {
	name string
	run  func(t *testing.T, h Harness)
}

// RunConformanceTests runs every conformance case, each on a fresh harness.
func RunConformanceTests(t *testing.T, newHarness HarnessMaker) {
	t.Helper()
	for _, c := range append(conformanceCases(), auditCases()...) {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			h, err := newHarness(ctx, t)
			if err != nil {
				t.Fatalf("making harness: %v", err)
			}
			t.Cleanup(func() {
				if err := h.Close(); err != nil {
					t.Errorf("closing harness: %v", err)
				}
			})
			c.run(t, h)
		})
	}
}
