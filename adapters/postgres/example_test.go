package postgres_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/postgres"
)

// Two application servers open the same database and schema; each runs
// its operations in transactions.
func ExampleOpen() {
	ctx := context.Background()
	dsn := os.Getenv("KUJI_POSTGRES_DSN") // e.g. postgres://kuji@db.internal/wardapps?pool_max_conns=32
	store, err := postgres.Open(ctx, dsn, &postgres.Options{Schema: "kuji"})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	var receipt int64
	err = store.Update(ctx, func(tx adapters.Tx) error {
		var err error
		receipt, err = tx.NextReceipt(ctx, "citywalk-2026")
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("receipt number", receipt)
}
