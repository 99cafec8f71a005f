package main

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/examples/internal/demo"
	"github.com/kuji-go/kuji/lottery"
)

// draw is step 3: close the registration, commit to the draw's input and to
// the sources of its seed before they are known, draw with the revealed
// values, verify, and publish the record and the result list.
func (s *site) draw(ctx context.Context) error {
	s.clock.Set(tClose)
	s.step("3. Close, commit, draw")
	if err := s.o.Close(ctx, boss); err != nil {
		return err
	}

	// The commitment: the digest of every entry (receipt number, group
	// size, preferences, weight — nothing personal), the public source the
	// seed will come from, and the hash of the operator's secret.
	s.clock.Set(tCommit)
	secret := make(lottery.Secret, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	sc := secret.Commitment()
	c, err := s.o.Commit(ctx, boss, []string{seedSource}, &sc)
	if err != nil {
		return err
	}
	if err := s.writeJSON("commitment (published before the draw)", s.path("public", "commitment.json"), c); err != nil {
		return err
	}
	s.printf("commitment published %s: %s entries", c.At.Format("2006-01-02 15:04"), demo.N(c.Entries))
	s.printf("  input digest      %s", c.InputDigest)
	s.printf("  announced source  %s", seedSource)
	s.printf("  secret commitment %s (SHA-256 of the operator's secret)", sc)

	// The draw, once the source's values are public.
	s.clock.Set(tDraw)
	seed := lottery.SeedMaterial{
		Sources: []lottery.Source{{Name: seedSource, Values: lotoNumbers(s.cfg.seed)}},
		Secret:  secret,
	}
	start := time.Now()
	rec, err := s.o.Draw(ctx, boss, seed)
	if err != nil {
		return err
	}
	s.timed("draw, verified (Office.Draw)", len(rec.Order), start)
	start = time.Now()
	if err := lottery.Verify(rec); err != nil {
		return fmt.Errorf("the draw record does not verify: %w", err)
	}
	verified := time.Since(start)
	s.record = rec
	if err := s.writeJSON("draw record (re-verify: go run ./examples/verifydraw)", s.path("public", "draw-record.json"), rec); err != nil {
		return err
	}
	s.printf("drawn %s with the revealed values %s and secret", s.clock.Now().Format("2006-01-02 15:04"),
		strings.Join(seed.Sources[0].Values, " "))
	s.printf("  seed              %s", rec.Seed)
	s.printf("  result digest     %s", rec.ResultDigest)
	s.printf("  lottery.Verify    OK (re-ran the whole draw in %s)", verified.Round(time.Millisecond))

	results, err := s.o.Results(ctx)
	if err != nil {
		return err
	}
	for _, r := range results {
		switch r.Outcome {
		case applicant.Won:
			s.t.won++
		case applicant.Waitlisted:
			s.t.waitlisted++
		default:
			s.t.lost++
		}
	}
	s.t.entries = len(results)
	if err := s.writeResults(s.path("public", "results.csv"), results); err != nil {
		return err
	}
	s.printf("results: %s won, %s waitlisted, %s lost (published by receipt number only)",
		demo.N(s.t.won), demo.N(s.t.waitlisted), demo.N(s.t.lost))
	return nil
}

// lotoNumbers simulates the announced public draw: six numbers of 1..43.
func lotoNumbers(seed uint64) []string {
	r := mrand.New(mrand.NewPCG(seed, 1))
	var out []string
	for _, i := range r.Perm(43)[:6] {
		out = append(out, strconv.Itoa(i+1))
	}
	slices.SortFunc(out, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y })
	return out
}

// writeResults writes the published result list: receipt number, result
// and the slots won (or waited on). It holds no personal data.
func (s *site) writeResults(path string, results []kuji.Result) error {
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.Write([]string{"receipt", "result", "slots"}); err != nil {
		return err
	}
	for _, r := range results {
		if err := w.Write([]string{r.Receipt, string(r.Outcome), strings.Join(r.Slots, " ")}); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	s.file("result list (receipt numbers only)", path)
	return demo.WriteFile(path, []byte(b.String()))
}

func (s *site) writeJSON(what, path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.file(what, path)
	return demo.WriteFile(path, data)
}
