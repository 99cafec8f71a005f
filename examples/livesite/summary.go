package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kuji-go/kuji/examples/internal/demo"
)

// summary is step 10: counts at each step, the fairness headline, timings,
// the final state, where every file is and how to check the results.
func (s *site) summary() error {
	t := &s.t
	fmt.Fprintf(s.out, "\n== 10. Summary\n")
	section := func(name string) { fmt.Fprintf(s.out, "%s\n", name) }
	line := func(label, format string, args ...any) {
		if label == "" {
			fmt.Fprintf(s.out, "  %s\n", fmt.Sprintf(format, args...))
			return
		}
		fmt.Fprintf(s.out, "  %-26s %s\n", label, fmt.Sprintf(format, args...))
	}
	invalid := 0
	var reasons []string
	for _, code := range slices.Sorted(maps.Keys(t.rejected)) {
		invalid += t.rejected[code]
		reasons = append(reasons, fmt.Sprintf("%s %d", code, t.rejected[code]))
	}
	section("Applications")
	line("stored", "%s (web %s, postcard %s)", demo.N(t.web+t.postcard), demo.N(t.web), demo.N(t.postcard))
	line("refused, same person", "%s (web %s, postcard %s)", demo.N(t.dupWeb+t.dupPostcard), demo.N(t.dupWeb), demo.N(t.dupPostcard))
	line("refused, invalid", "%s (%s)", demo.N(invalid), strings.Join(reasons, ", "))
	for _, code := range slices.Sorted(maps.Keys(t.rejectedText)) {
		line("", "%28s%s: %s", "", code, t.rejectedText[code])
	}
	line("disqualified on review", "%s (the same person in another group)", demo.N(t.disqualified))

	f := figures(s.record, s.postcards)
	section("Draw")
	line("entries", "%s", demo.N(t.entries))
	line("won", "%s (%s)", demo.N(t.won), demo.Pct(t.won, t.entries))
	line("waitlisted", "%s", demo.N(t.waitlisted))
	line("lost", "%s", demo.N(t.lost))
	line("seats taken", "%s of %s (%s)", demo.N(f.seats), demo.N(f.capacity), demo.Pct(f.seats, f.capacity))
	var bySize []string
	for _, k := range slices.Sorted(maps.Keys(f.bySize)) {
		bySize = append(bySize, fmt.Sprintf("%d: %s", k, demo.Pct(f.bySize[k].won, f.bySize[k].entries)))
	}
	line("win rate by group size", "%s", strings.Join(bySize, ", "))
	line("winners with 1st choice", "%s", demo.Pct(f.byRank[0], f.winners))

	section("Results and confirmations")
	line("result emails", "%s", demo.N(t.sent))
	line("postal list rows", "%s", demo.N(t.postal))
	line("confirmed", "%s", demo.N(t.confirmed))
	line("declined", "%s", demo.N(t.declined))
	line("lapsed", "%s", demo.N(t.lapsed))
	line("promoted", "%s", demo.N(t.promoted))
	line("promotion emails", "%s", demo.N(t.promotedSent))

	section("Event days")
	line("checked in", "%s (no-shows %s)", demo.N(t.checkedIn), demo.N(t.noShows))
	line("walk-in contact cards", "%s", demo.N(t.cards))
	line("cards read for tracing", "%d", t.traced)

	section("Erasure and audit")
	for i, c := range s.certs {
		line(fmt.Sprintf("certificate %d", i+1), "%s: %s records", strings.Join(c.Classes, ", "), demo.N(c.Records))
	}
	line("final state", "%s", t.state)
	line("audit log entries", "%s (verified against the signed checkpoint)", demo.N(t.auditEntries))
	line("refused attempts", "%d", t.denied)

	section("Timings (this machine)")
	for _, tm := range s.timings {
		rate := ""
		if tm.items > 0 && tm.took > 0 {
			rate = fmt.Sprintf(", %s/s", demo.N(int(float64(tm.items)/tm.took.Seconds())))
		}
		line("", "%-62s %7.2f s (%s items%s)", tm.what, tm.took.Seconds(), demo.N(tm.items), rate)
	}

	section("Files (in " + s.dir + ")")
	for _, f := range s.files {
		rel, err := filepath.Rel(s.dir, f.path)
		if err != nil {
			rel = f.path
		}
		line("", "%-34s %s", rel, f.what)
	}

	section("Check it yourself")
	line("", "go run ./examples/verifydraw %s", s.path("public", "draw-record.json"))
	line("", "go run ./examples/verifydraw %s", s.path("public", "draw-record-final.json"))
	line("", "export GNUPGHOME=$(mktemp -d)   # a throwaway keyring")
	line("", "gpg --import %s", s.keys.ContractorPub)
	for _, c := range s.certs {
		line("", "gpg --verify %s", c.Signed)
	}
	line("", "gpg --import %s   # the ward's key, for this demonstration only", s.keys.WardSecret)
	line("", "gpg --decrypt %s", s.path("ward", "postal-list.csv.gpg"))
	return nil
}
