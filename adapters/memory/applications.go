package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/kuji-go/kuji/adapters"
)

func cloneApp(a adapters.Application, classes []string, all bool) adapters.Application {
	a.Prefs = slices.Clone(a.Prefs)
	sealed := a.Sealed
	a.Sealed = nil
	if all || len(classes) > 0 {
		a.Sealed = make(map[string][]byte)
		for c, b := range sealed {
			if all || slices.Contains(classes, c) {
				a.Sealed[c] = bytes.Clone(b)
			}
		}
	}
	ids := a.Identity
	a.Identity = make([][]byte, len(ids))
	for i, k := range ids {
		a.Identity[i] = bytes.Clone(k)
	}
	search := a.Search
	a.Search = make([]adapters.BlindKey, len(search))
	for i, k := range search {
		a.Search[i] = adapters.BlindKey{Kind: k.Kind, MAC: bytes.Clone(k.MAC)}
	}
	return a
}

func (t *tx) app(event, id string) (adapters.Application, error) {
	a, ok := t.s.apps[id]
	if !ok || a.Event != event {
		return adapters.Application{}, fmt.Errorf("kuji/memory: application: %w", adapters.ErrNotFound)
	}
	return a, nil
}

func (t *tx) Application(ctx context.Context, event, id string) (adapters.Application, error) {
	if err := t.check(ctx, false); err != nil {
		return adapters.Application{}, err
	}
	a, err := t.app(event, id)
	if err != nil {
		return a, err
	}
	return cloneApp(a, nil, true), nil
}

func (t *tx) ApplicationByReceipt(ctx context.Context, event, receipt string) (adapters.Application, error) {
	if err := t.check(ctx, false); err != nil {
		return adapters.Application{}, err
	}
	id, ok := t.s.byReceipt[key(event, receipt)]
	if !ok {
		return adapters.Application{}, fmt.Errorf("kuji/memory: application: %w", adapters.ErrNotFound)
	}
	return cloneApp(t.s.apps[id], nil, true), nil
}

func (t *tx) FindApplications(ctx context.Context, event string, k adapters.BlindKey) ([]string, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	var hits []adapters.Application
	for _, a := range t.s.apps {
		if a.Event != event {
			continue
		}
		for _, s := range a.Search {
			if s.Kind == k.Kind && bytes.Equal(s.MAC, k.MAC) {
				hits = append(hits, a)
				break
			}
		}
	}
	slices.SortFunc(hits, func(a, b adapters.Application) int { return cmp.Compare(a.Receipt, b.Receipt) })
	ids := make([]string, len(hits))
	for i, a := range hits {
		ids[i] = a.ID
	}
	return ids, nil
}

func (t *tx) HasIdentity(ctx context.Context, event string, mac []byte) (bool, error) {
	if err := t.check(ctx, false); err != nil {
		return false, err
	}
	_, ok := t.s.identity[key(event, string(mac))]
	return ok, nil
}

func (t *tx) ListApplications(ctx context.Context, event string, f adapters.ApplicationFilter, fn func(adapters.Application) error) error {
	if err := t.check(ctx, false); err != nil {
		return err
	}
	var list []adapters.Application
	for _, a := range t.s.apps {
		if a.Event == event && (len(f.Status) == 0 || slices.Contains(f.Status, a.Status)) {
			list = append(list, a)
		}
	}
	slices.SortFunc(list, func(a, b adapters.Application) int { return cmp.Compare(a.Receipt, b.Receipt) })
	for _, a := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(cloneApp(a, f.Classes, false)); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) ListSealed(ctx context.Context, event, class string, fn func(string) error) error {
	if err := t.check(ctx, false); err != nil {
		return err
	}
	var receipts []string
	for _, a := range t.s.apps {
		if _, ok := a.Sealed[class]; ok && a.Event == event {
			receipts = append(receipts, a.Receipt)
		}
	}
	slices.Sort(receipts)
	for _, r := range receipts {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) InsertApplication(ctx context.Context, a adapters.Application) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if _, ok := t.s.events[a.Event]; !ok {
		return fmt.Errorf("kuji/memory: event: %w", adapters.ErrNotFound)
	}
	if _, ok := t.s.apps[a.ID]; ok {
		return fmt.Errorf("kuji/memory: application ID taken: %w", adapters.ErrDuplicate)
	}
	rk := key(a.Event, a.Receipt)
	if _, ok := t.s.byReceipt[rk]; ok {
		return fmt.Errorf("kuji/memory: receipt number taken: %w", adapters.ErrDuplicate)
	}
	seen := map[string]bool{}
	for _, mac := range a.Identity {
		ik := key(a.Event, string(mac))
		if _, ok := t.s.identity[ik]; ok || seen[ik] {
			return fmt.Errorf("kuji/memory: identity key taken: %w", adapters.ErrDuplicate)
		}
		seen[ik] = true
	}
	consent := a.Consent
	a = cloneApp(a, nil, true)
	a.Consent = nil
	setUndo(t, t.s.apps, a.ID)
	t.s.apps[a.ID] = a
	setUndo(t, t.s.byReceipt, rk)
	t.s.byReceipt[rk] = a.ID
	for _, mac := range a.Identity {
		ik := key(a.Event, string(mac))
		setUndo(t, t.s.identity, ik)
		t.s.identity[ik] = a.ID
	}
	if consent != nil {
		return t.PutConsent(ctx, *consent)
	}
	return nil
}

func (t *tx) SetStatus(ctx context.Context, event, id, from, to string) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	a, err := t.app(event, id)
	if err != nil {
		return err
	}
	if a.Status != from {
		return fmt.Errorf("kuji/memory: application status is not %q: %w", from, adapters.ErrConflict)
	}
	setUndo(t, t.s.apps, id)
	a.Status = to
	t.s.apps[id] = a
	return nil
}

func (t *tx) DeleteApplication(ctx context.Context, event, id string) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	a, err := t.app(event, id)
	if err != nil {
		return err
	}
	t.deleteApp(a)
	return nil
}

// deleteApp removes the application and everything keyed to it.
func (t *tx) deleteApp(a adapters.Application) {
	setUndo(t, t.s.apps, a.ID)
	delete(t.s.apps, a.ID)
	rk := key(a.Event, a.Receipt)
	setUndo(t, t.s.byReceipt, rk)
	delete(t.s.byReceipt, rk)
	for _, mac := range a.Identity {
		ik := key(a.Event, string(mac))
		setUndo(t, t.s.identity, ik)
		delete(t.s.identity, ik)
	}
	ck := key(a.Event, a.ID)
	setUndo(t, t.s.consents, ck)
	delete(t.s.consents, ck)
	for k, m := range t.s.messages {
		if m.Event == a.Event && m.Application == a.ID {
			setUndo(t, t.s.messages, k)
			delete(t.s.messages, k)
		}
	}
	old := t.s.checkins
	t.s.checkins = slices.DeleteFunc(slices.Clone(old), func(c adapters.CheckIn) bool {
		return c.Event == a.Event && c.Application == a.ID
	})
	t.undo = append(t.undo, func() { t.s.checkins = old })
}

// --- consent ---

func (t *tx) Consent(ctx context.Context, event, application string) (adapters.Consent, error) {
	if err := t.check(ctx, false); err != nil {
		return adapters.Consent{}, err
	}
	c, ok := t.s.consents[key(event, application)]
	if !ok {
		return adapters.Consent{}, fmt.Errorf("kuji/memory: consent: %w", adapters.ErrNotFound)
	}
	c.Data = bytes.Clone(c.Data)
	return c, nil
}

func (t *tx) PutConsent(ctx context.Context, c adapters.Consent) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if _, err := t.app(c.Event, c.Application); err != nil {
		return err
	}
	k := key(c.Event, c.Application)
	setUndo(t, t.s.consents, k)
	c.Data = bytes.Clone(c.Data)
	t.s.consents[k] = c
	return nil
}

// --- purge ---

func (t *tx) PurgeClass(ctx context.Context, event, class string) (int64, error) {
	if err := t.check(ctx, true); err != nil {
		return 0, err
	}
	var n int64
	for _, id := range slices.Sorted(maps.Keys(t.s.apps)) {
		a := t.s.apps[id]
		if a.Event != event {
			continue
		}
		if _, ok := a.Sealed[class]; !ok {
			continue
		}
		setUndo(t, t.s.apps, id)
		a.Sealed = maps.Clone(a.Sealed)
		delete(a.Sealed, class)
		t.s.apps[id] = a
		n++
	}
	old := t.s.cards
	kept := slices.DeleteFunc(slices.Clone(old), func(c adapters.ContactCard) bool {
		return c.Event == event && c.Class == class
	})
	n += int64(len(old) - len(kept))
	t.s.cards = kept
	t.undo = append(t.undo, func() { t.s.cards = old })
	return n, nil
}

func (t *tx) PurgeApplications(ctx context.Context, event string) (int64, error) {
	if err := t.check(ctx, true); err != nil {
		return 0, err
	}
	var n int64
	for _, id := range slices.Sorted(maps.Keys(t.s.apps)) {
		if a := t.s.apps[id]; a.Event == event {
			t.deleteApp(a)
			n++
		}
	}
	return n, nil
}
