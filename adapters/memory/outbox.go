package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kuji-go/kuji/adapters"
)

// --- outbox ---

func (t *tx) Message(ctx context.Context, k string) (adapters.Message, error) {
	if err := t.check(ctx, false); err != nil {
		return adapters.Message{}, err
	}
	m, ok := t.s.messages[k]
	if !ok {
		return adapters.Message{}, fmt.Errorf("kuji/memory: message: %w", adapters.ErrNotFound)
	}
	return m, nil
}

func (t *tx) ListMessages(ctx context.Context, event string, f adapters.MessageFilter, fn func(adapters.Message) error) error {
	if err := t.check(ctx, false); err != nil {
		return err
	}
	var list []adapters.Message
	for _, m := range t.s.messages {
		if m.Event == event && (len(f.Status) == 0 || slices.Contains(f.Status, m.Status)) {
			list = append(list, m)
		}
	}
	slices.SortFunc(list, func(a, b adapters.Message) int { return cmp.Compare(a.Key, b.Key) })
	for _, m := range list {
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) EnqueueMessage(ctx context.Context, m adapters.Message) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if _, ok := t.s.messages[m.Key]; ok {
		return fmt.Errorf("kuji/memory: message key taken: %w", adapters.ErrDuplicate)
	}
	if _, err := t.app(m.Event, m.Application); err != nil {
		return err
	}
	setUndo(t, t.s.messages, m.Key)
	m.Status, m.ClaimedBy, m.LeaseUntil, m.Attempts = adapters.MessagePending, "", time.Time{}, 0
	t.s.messages[m.Key] = m
	return nil
}

func (t *tx) ClaimMessages(ctx context.Context, event, worker string, now time.Time, lease time.Duration, limit int) ([]adapters.Message, error) {
	if err := t.check(ctx, true); err != nil {
		return nil, err
	}
	var due []adapters.Message
	for _, m := range t.s.messages {
		if m.Event != event {
			continue
		}
		if (m.Status == adapters.MessagePending && !m.NextAttempt.After(now)) ||
			(m.Status == adapters.MessageClaimed && !m.LeaseUntil.After(now)) {
			due = append(due, m)
		}
	}
	slices.SortFunc(due, func(a, b adapters.Message) int {
		return cmp.Or(a.NextAttempt.Compare(b.NextAttempt), cmp.Compare(a.Key, b.Key))
	})
	if len(due) > limit {
		due = due[:max(limit, 0)]
	}
	for i, m := range due {
		setUndo(t, t.s.messages, m.Key)
		m.Status, m.ClaimedBy, m.LeaseUntil, m.Updated = adapters.MessageClaimed, worker, now.Add(lease), now
		m.Attempts++
		t.s.messages[m.Key] = m
		due[i] = m
	}
	return due, nil
}

func (t *tx) CompleteMessage(ctx context.Context, k, worker, status, reason string, next, now time.Time) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	m, ok := t.s.messages[k]
	if !ok {
		return fmt.Errorf("kuji/memory: message: %w", adapters.ErrNotFound)
	}
	if m.Status != adapters.MessageClaimed || m.ClaimedBy != worker {
		return fmt.Errorf("kuji/memory: message not claimed by this worker: %w", adapters.ErrConflict)
	}
	switch status {
	case adapters.MessageSent, adapters.MessageFailed, adapters.MessageBounced, adapters.MessagePending:
	default:
		return fmt.Errorf("kuji/memory: unknown message status %q", status)
	}
	setUndo(t, t.s.messages, k)
	m.Status, m.Reason, m.NextAttempt, m.Updated = status, reason, next, now
	m.ClaimedBy, m.LeaseUntil = "", time.Time{}
	t.s.messages[k] = m
	return nil
}

// --- check-ins ---

func (t *tx) ListCheckIns(ctx context.Context, event string, fn func(adapters.CheckIn) error) error {
	if err := t.check(ctx, false); err != nil {
		return err
	}
	var list []adapters.CheckIn
	for _, c := range t.s.checkins {
		if c.Event == event {
			list = append(list, c)
		}
	}
	slices.SortStableFunc(list, func(a, b adapters.CheckIn) int { return a.At.Compare(b.At) })
	for _, c := range list {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) InsertCheckIn(ctx context.Context, c adapters.CheckIn) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if _, err := t.app(c.Event, c.Application); err != nil {
		return err
	}
	for _, x := range t.s.checkins {
		if x.Event == c.Event && x.Application == c.Application && x.Slot == c.Slot {
			return fmt.Errorf("kuji/memory: already checked in: %w", adapters.ErrDuplicate)
		}
	}
	n := len(t.s.checkins)
	t.s.checkins = append(t.s.checkins, c)
	t.undo = append(t.undo, func() { t.s.checkins = t.s.checkins[:n] })
	return nil
}

// --- contact cards ---

func (t *tx) ListContactCards(ctx context.Context, event, slot string, fn func(adapters.ContactCard) error) error {
	if err := t.check(ctx, false); err != nil {
		return err
	}
	var list []adapters.ContactCard
	for _, c := range t.s.cards {
		if c.Event == event && (slot == "" || c.Slot == slot) {
			c.Sealed, c.Consent = bytes.Clone(c.Sealed), bytes.Clone(c.Consent)
			list = append(list, c)
		}
	}
	slices.SortStableFunc(list, func(a, b adapters.ContactCard) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	for _, c := range list {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) InsertContactCard(ctx context.Context, c adapters.ContactCard) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if _, ok := t.s.events[c.Event]; !ok {
		return fmt.Errorf("kuji/memory: event: %w", adapters.ErrNotFound)
	}
	for _, x := range t.s.cards {
		if x.ID == c.ID {
			return fmt.Errorf("kuji/memory: contact card ID taken: %w", adapters.ErrDuplicate)
		}
	}
	c.Sealed, c.Consent = bytes.Clone(c.Sealed), bytes.Clone(c.Consent)
	n := len(t.s.cards)
	t.s.cards = append(t.s.cards, c)
	t.undo = append(t.undo, func() { t.s.cards = t.s.cards[:n] })
	return nil
}
