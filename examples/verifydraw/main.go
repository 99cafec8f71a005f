// Command verifydraw re-verifies a published kuji draw record. Anyone can
// run it — an applicant, the ward, an auditor — with nothing but the record:
//
//	go run ./examples/verifydraw draw-record.json
//	curl -s https://city.example.jp/livesite/draw-record.json | go run ./examples/verifydraw -
//
// It re-runs the whole draw from the record's input and seed material
// (lottery.Verify): the input digest that was committed before the draw,
// the seed derived from the public sources and the revealed secret, every
// entry's key and place in the priority order, the wins, the waitlists, the
// result digest, and every cancellation and lapse since with the promotions
// it caused. It prints the digests, the seed and the counts and "OK", or the
// first difference it found and exits with status 1.
//
// Compare the input digest it prints with the commitment the office
// published before the draw, and the source values with the public result:
// those two checks are what makes the draw unpredictable in advance and
// unchangeable afterwards.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kuji-go/kuji/lottery"
)

func main() {
	if len(os.Args) != 2 || strings.HasPrefix(os.Args[1], "-") && os.Args[1] != "-" {
		fmt.Fprintln(os.Stderr, "usage: verifydraw draw-record.json   (- reads standard input)")
		os.Exit(2)
	}
	in := io.Reader(os.Stdin)
	if name := os.Args[1]; name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "verifydraw:", err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	if err := run(in, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "verifydraw:", err)
		os.Exit(1)
	}
}

// errNotVerified reports a record that does not verify; run has printed
// why.
var errNotVerified = errors.New("the draw record does not verify")

// run reads a draw record from in, verifies it and prints the outcome to
// out. It returns errNotVerified (wrapping the reason) if the record does
// not verify, or another error if it cannot be read.
func run(in io.Reader, out io.Writer) error {
	var rec lottery.Record
	if err := json.NewDecoder(in).Decode(&rec); err != nil {
		return fmt.Errorf("not a draw record: %w", err)
	}
	p := func(label, format string, args ...any) {
		fmt.Fprintf(out, "%-15s %s\n", label, fmt.Sprintf(format, args...))
	}
	p("format", "%s", rec.Format)
	p("input digest", "%s  (compare with the published commitment)", rec.InputDigest)
	for _, s := range rec.SeedMaterial.Sources {
		p("public source", "%s: %s", s.Name, strings.Join(s.Values, " "))
	}
	if c := rec.SeedMaterial.SecretCommitment; c != nil {
		revealed := "revealed"
		if len(rec.SeedMaterial.Secret) == 0 {
			revealed = "NOT revealed"
		}
		p("secret", "committed as %s, %s", c, revealed)
	}
	p("seed", "%s", rec.Seed)
	capacity := 0
	for _, s := range rec.Input.Slots {
		capacity += s.Capacity
	}
	p("entries", "%d in %d slots of %d seats in all", len(rec.Input.Entries), len(rec.Input.Slots), capacity)
	waiting := map[string]bool{}
	for _, w := range rec.Waitlists {
		for _, e := range w.Entries {
			waiting[e] = true
		}
	}
	p("drawn", "%d wins, %d entries on waitlists", len(rec.Wins), len(waiting))
	var cancels, lapses, promotions int
	for _, e := range rec.Events {
		if e.Kind == lottery.EventLapse {
			lapses++
		} else {
			cancels++
		}
		promotions += len(e.Promoted)
	}
	p("since the draw", "%d cancellations, %d lapses, %d promotions", cancels, lapses, promotions)
	p("result digest", "%s", rec.ResultDigest)

	err := lottery.Verify(&rec)
	if err == nil {
		fmt.Fprintln(out, "OK: the record is exactly what its input and seed material produce")
		return nil
	}
	fmt.Fprintln(out, "NOT OK: the record is not what its input and seed material produce")
	var m *lottery.MismatchError
	var bad interface {
		Code() string
		English() string
		Japanese() string
	}
	switch {
	case errors.As(err, &m):
		p("difference", "%s (%s)", m.Reason, m.Code())
		if m.Index >= 0 {
			p("position", "%d", m.Index)
		}
		if m.Entry != "" {
			p("entry", "%s", m.Entry)
		}
		if m.Slot != "" {
			p("slot", "%s", m.Slot)
		}
		p("recomputed", "%s", m.Want)
		p("record has", "%s", m.Got)
		p("", "%s", m.Japanese())
	case errors.As(err, &bad):
		p("invalid", "%s: %s", bad.Code(), bad.English())
		p("", "%s", bad.Japanese())
	default:
		p("error", "%v", err)
	}
	return fmt.Errorf("%w: %w", errNotVerified, err)
}
