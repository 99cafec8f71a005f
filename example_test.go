package kuji_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/internal/refevent"
	"github.com/kuji-go/kuji/internal/seal"
	"github.com/kuji-go/kuji/lottery"
)

// A small live site, from the first application to the published,
// verified result list.
func Example() {
	ctx := context.Background()
	now := time.Date(2021, 6, 1, 9, 0, 0, 0, refevent.JST)
	skey, _, _ := audit.GenerateKey(rand.Reader, "kuji.example.jp/livesite")
	logKey, _ := note.NewSigner(skey)
	opts := kuji.Options{
		Store:  memory.OpenStore(nil), // adapters/sqlite in production
		Keys:   memory.NewKeyStore(),  // adapters/keydir in production
		KEK:    seal.NewKEK(),
		LogKey: logKey,
		Clock:  func() time.Time { return now },
	}
	ev := refevent.LiveSite(1, 4) // one day, three slots of four seats
	ev.LogOrigin = "kuji.example.jp/livesite"
	boss := kuji.Access{Actor: "resp-sato"}
	o, err := kuji.Create(ctx, ev, audit.Designation{
		Actor: "resp-sato", DisplayName: "佐藤", Role: audit.RoleResponsible,
		Organisation: audit.OrganisationContractor, Purposes: []string{"reception"},
		From: now, Until: now.AddDate(1, 0, 0), TrainedOn: now.AddDate(0, 0, -7),
	}, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = o.Open(ctx, boss)

	people := refevent.NewPeople(ev.Schema, 1)
	for range 8 {
		if _, err := o.Apply(ctx, people.Form(3), language.Japanese); err != nil {
			fmt.Println(err)
			return
		}
	}
	_ = o.Close(ctx, boss)
	c, _ := o.Commit(ctx, boss, []string{"Loto 6, draw 1600"}, nil)
	fmt.Println("entries committed:", c.Entries)
	rec, err := o.Draw(ctx, boss, lottery.SeedMaterial{Sources: []lottery.Source{
		{Name: "Loto 6, draw 1600", Values: []string{"3", "11", "19", "24", "31", "40"}},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verifies:", lottery.Verify(rec) == nil)
	results, _ := o.Results(ctx)
	for _, r := range results {
		fmt.Println(r.Receipt, r.Outcome, r.Slots)
	}
	// Output:
	// entries committed: 8
	// verifies: true
	// LS-0000013 waitlisted [2021-07-21/2 2021-07-21/3]
	// LS-0000021 waitlisted [2021-07-21/1]
	// LS-0000037 won [2021-07-21/2]
	// LS-0000045 won [2021-07-21/1]
	// LS-0000059 won [2021-07-21/2]
	// LS-0000068 won [2021-07-21/3]
	// LS-0000076 won [2021-07-21/3]
	// LS-0000084 won [2021-07-21/1]
}
