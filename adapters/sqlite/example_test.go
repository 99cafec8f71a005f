package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/sqlite"
)

func Example() {
	dir, err := os.MkdirTemp("", "kuji-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	st, err := sqlite.Open(filepath.Join(dir, "citywalk.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	ctx := context.Background()
	// One operation, one Update: it commits whole, durably, or not at all.
	err = st.Update(ctx, func(tx adapters.Tx) error {
		if err := tx.CreateEvent(ctx, adapters.Event{ID: "citywalk-2026", State: "open"}); err != nil {
			return err
		}
		n, err := tx.NextReceipt(ctx, "citywalk-2026")
		if err != nil {
			return err
		}
		return tx.InsertApplication(ctx, adapters.Application{
			ID: "0190f5e2-7c4b-7000-8000-000000000001", Event: "citywalk-2026",
			Receipt: fmt.Sprintf("CW-%05d", n), Channel: "web", Category: "resident",
			Size: 1, Prefs: []string{"10km"}, Weight: 1, Status: "applied",
			// Personal data arrives sealed by the core (internal/seal).
			Sealed: map[string][]byte{"application": []byte("…sealed blob…")},
		})
	})
	if err != nil {
		log.Fatal(err)
	}

	err = st.View(ctx, func(tx adapters.ReadTx) error {
		a, err := tx.ApplicationByReceipt(ctx, "citywalk-2026", "CW-00001")
		if err != nil {
			return err
		}
		fmt.Println(a.Receipt, a.Status, a.Prefs)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: CW-00001 applied [10km]
}
