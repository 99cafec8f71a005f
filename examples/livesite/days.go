package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/examples/internal/demo"
	"github.com/kuji-go/kuji/internal/refevent"
)

// eventDays is step 7: 32 days of three slots. At each slot the check-in
// desk admits the groups holding seats (seeing only what check-in needs);
// walk-in groups leave a contact card, sealed in its own data class and
// readable only for infection tracing; a cluster is reported and the cards
// of one slot are read.
func (s *site) eventDays(ctx context.Context) error {
	s.clock.Set(tHold)
	s.step("7. Event days: check-in, walk-in contact cards, one tracing lookup")
	if err := s.o.Hold(ctx, boss); err != nil {
		return err
	}
	results, err := s.o.Results(ctx)
	if err != nil {
		return err
	}
	holders := map[string][]string{} // slot -> receipts holding seats
	for _, r := range results {
		if r.Outcome == applicant.Won {
			for _, sl := range r.Slots {
				holders[sl] = append(holders[sl], r.Receipt)
			}
		}
	}
	if err := s.showCheckInView(ctx, results); err != nil {
		return err
	}

	slots := s.o.Config().Slots
	walkIns := s.cfg.n / 10           // walk-in groups over the whole event
	cluster := slots[len(slots)/2].ID // a cluster is reported among this slot's visitors
	progress := demo.NewProgress(s.cfg.progress, "slots", len(slots), 12)
	start := time.Now()
	groups := 0
	for i, sl := range slots {
		s.clock.Set(slotStart(sl.ID))
		var coming []string
		for _, r := range holders[sl.ID] {
			if groups++; groups%12 == 0 {
				s.t.noShows++ // a group that does not come
				continue
			}
			coming = append(coming, r)
		}
		err := demo.Parallel(ctx, s.cfg.workers, len(coming), func(ctx context.Context, j int) error {
			_, err := s.o.CheckIn(ctx, checkIn, coming[j], sl.ID)
			return err
		})
		if err != nil {
			return err
		}
		s.t.checkedIn += len(coming)
		cards := (i+1)*walkIns/len(slots) - i*walkIns/len(slots)
		if sl.ID == cluster {
			cards = max(cards, 1)
		}
		for j := range cards {
			// Typed in from the paper card by a handler designated for
			// infection tracing.
			if _, err := s.o.RecordContactCard(ctx, tracer, sl.ID, s.people.Card(j), language.Japanese); err != nil {
				return err
			}
			s.t.cards++
		}
		if i >= 3 && slots[i-3].ID == cluster {
			if err := s.trace(ctx, cluster); err != nil {
				return err
			}
		}
		progress.Add(1)
	}
	s.timed("check-ins and contact cards (Office.CheckIn, RecordContactCard)", s.t.checkedIn+s.t.cards, start)
	s.printf("%s groups checked in over %d slots (%s did not come); %s walk-in contact cards recorded",
		demo.N(s.t.checkedIn), len(slots), demo.N(s.t.noShows), demo.N(s.t.cards))
	return nil
}

// showCheckInView shows the purpose limitation at the desk: the check-in
// view gives names, not phone numbers, and asking is refused and audited.
func (s *site) showCheckInView(ctx context.Context, results []kuji.Result) error {
	for _, r := range results {
		if r.Outcome != applicant.Won {
			continue
		}
		v, err := s.o.View(ctx, checkIn, r.Receipt)
		if err != nil {
			return err
		}
		var fields []string
		for _, f := range v.Fields() {
			fields = append(fields, string(f))
		}
		_, err = v.Text(ctx, applicant.FieldPhone)
		if !errors.Is(err, kuji.ErrNotPermitted) {
			return fmt.Errorf("the check-in view gave a phone number: %v", err)
		}
		s.printf("the check-in desk sees only %s;", strings.Join(fields, ", "))
		s.printf("  asking it for a phone number is refused (ErrNotPermitted) and audited")
		return nil
	}
	return nil
}

// trace reads the contact cards of one slot for infection tracing, after a
// handler of another purpose was refused.
func (s *site) trace(ctx context.Context, slot string) error {
	if _, err := s.o.ContactCards(ctx, checkIn, slot); !errors.Is(err, kuji.ErrNotPermitted) {
		return fmt.Errorf("a check-in handler read contact cards: %v", err)
	}
	cards, err := s.o.ContactCards(ctx, tracer, slot)
	if err != nil {
		return err
	}
	s.t.traced = len(cards)
	s.printf("%s: a cluster is reported among the visitors of slot %s", s.clock.Now().Format("2006-01-02"), slot)
	s.printf("  the check-in handler may not read the cards (refused, audited); the tracing handler reads %d,", len(cards))
	s.printf("  each read recorded in the audit log with the slot and the count, never a value")
	return nil
}

// slotStart is when a slot ("2021-07-24/2") begins.
func slotStart(id string) time.Time {
	date, n, _ := strings.Cut(id, "/")
	d, _ := time.ParseInLocation(time.DateOnly, date, refevent.JST)
	hour := map[string]int{"1": 11, "2": 15, "3": 19}[n]
	return d.Add(time.Duration(hour) * time.Hour)
}
