// Package memory is an in-memory [adapters.Store] and [adapters.KeyStore]
// for tests and demos. It keeps nothing across restarts.
//
// Update transactions are serialised by one lock and undone on error;
// View transactions share a read lock. It passes the same conformance suite
// (adapters/storetest) as the SQLite and PostgreSQL stores.
package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/kuji-go/kuji/adapters"
)

// Options configures a Store. The zero value is ready to use.
type Options struct{}

// Store is an in-memory store.
type Store struct {
	mu     sync.RWMutex
	closed bool
	s      state
}

type state struct {
	events       map[string]adapters.Event
	receiptSeq   map[string]int64
	apps         map[string]adapters.Application // by ID
	byReceipt    map[string]string               // event\x00receipt -> ID
	identity     map[string]string               // event\x00mac -> ID
	consents     map[string]adapters.Consent     // event\x00application
	draws        map[string][]byte
	messages     map[string]adapters.Message
	checkins     []adapters.CheckIn
	cards        []adapters.ContactCard
	designations map[string]adapters.Designation // event\x00id
	erasures     []adapters.Erasure
	audit        map[string]*auditLog
}

// OpenStore returns an empty store.
func OpenStore(*Options) *Store {
	return &Store{s: state{
		events:       map[string]adapters.Event{},
		receiptSeq:   map[string]int64{},
		apps:         map[string]adapters.Application{},
		byReceipt:    map[string]string{},
		identity:     map[string]string{},
		consents:     map[string]adapters.Consent{},
		draws:        map[string][]byte{},
		messages:     map[string]adapters.Message{},
		designations: map[string]adapters.Designation{},
		audit:        map[string]*auditLog{},
	}}
}

var _ adapters.Store = (*Store)(nil)

// Update implements [adapters.Store].
func (m *Store) Update(ctx context.Context, fn func(adapters.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return adapters.ErrClosed
	}
	t := &tx{s: &m.s, write: true}
	defer func() { t.done = true }()
	err := fn(t)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		t.rollback()
		return err
	}
	return nil
}

// View implements [adapters.Store].
func (m *Store) View(ctx context.Context, fn func(adapters.ReadTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return adapters.ErrClosed
	}
	t := &tx{s: &m.s}
	defer func() { t.done = true }()
	return fn(t)
}

// Close implements [adapters.Store].
func (m *Store) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// Dump returns every byte the store holds, concatenated, so tests can check
// that no personal value is stored in the clear.
func (m *Store) Dump() []byte {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var b bytes.Buffer
	for _, e := range m.s.events {
		fmt.Fprintf(&b, "%s %s %s\n", e.ID, e.State, e.Data)
	}
	for _, a := range m.s.apps {
		fmt.Fprintf(&b, "%s %s %s %s %s %v %s\n", a.ID, a.Event, a.Receipt, a.Channel, a.Category, a.Prefs, a.Status)
		for c, s := range a.Sealed {
			fmt.Fprintf(&b, "%s %s\n", c, s)
		}
		for _, k := range a.Identity {
			b.Write(k)
		}
		for _, k := range a.Search {
			b.WriteString(k.Kind)
			b.Write(k.MAC)
		}
	}
	for _, c := range m.s.consents {
		b.Write(c.Data)
	}
	for _, d := range m.s.draws {
		b.Write(d)
	}
	for _, c := range m.s.cards {
		b.Write(c.Sealed)
	}
	for _, d := range m.s.designations {
		b.Write(d.Data)
	}
	for _, e := range m.s.erasures {
		b.Write(e.Data)
		b.Write(e.Signed)
	}
	for _, l := range m.s.audit {
		for _, leaf := range l.leaves {
			b.Write(leaf)
		}
		for _, cp := range l.checkpoints {
			b.Write(cp)
		}
	}
	return b.Bytes()
}

// tx is one transaction. Writes apply to the state at once and push an undo
// step; rollback runs the steps in reverse.
type tx struct {
	s     *state
	write bool
	done  bool
	undo  []func()
}

func (t *tx) check(ctx context.Context, write bool) error {
	if t.done {
		return fmt.Errorf("kuji/memory: transaction used after it ended: %w", adapters.ErrClosed)
	}
	if write && !t.write {
		return fmt.Errorf("kuji/memory: write in a read-only transaction: %w", adapters.ErrConflict)
	}
	return ctx.Err()
}

func (t *tx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

// setUndo records how to restore m[k] to what it is now.
func setUndo[K comparable, V any](t *tx, m map[K]V, k K) {
	old, had := m[k]
	t.undo = append(t.undo, func() {
		if had {
			m[k] = old
		} else {
			delete(m, k)
		}
	})
}

func key(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	b := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return string(b)
}

// --- events ---

func (t *tx) Event(ctx context.Context, id string) (adapters.Event, error) {
	if err := t.check(ctx, false); err != nil {
		return adapters.Event{}, err
	}
	e, ok := t.s.events[id]
	if !ok {
		return adapters.Event{}, fmt.Errorf("kuji/memory: event: %w", adapters.ErrNotFound)
	}
	e.Data = bytes.Clone(e.Data)
	return e, nil
}

func (t *tx) EventState(ctx context.Context, id string) (string, error) {
	if err := t.check(ctx, false); err != nil {
		return "", err
	}
	e, ok := t.s.events[id]
	if !ok {
		return "", fmt.Errorf("kuji/memory: event: %w", adapters.ErrNotFound)
	}
	return e.State, nil
}

func (t *tx) CreateEvent(ctx context.Context, ev adapters.Event) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	if _, ok := t.s.events[ev.ID]; ok {
		return fmt.Errorf("kuji/memory: event exists: %w", adapters.ErrDuplicate)
	}
	setUndo(t, t.s.events, ev.ID)
	ev.Version = 1
	ev.Data = bytes.Clone(ev.Data)
	t.s.events[ev.ID] = ev
	return nil
}

func (t *tx) UpdateEvent(ctx context.Context, ev adapters.Event) (int64, error) {
	if err := t.check(ctx, true); err != nil {
		return 0, err
	}
	cur, ok := t.s.events[ev.ID]
	if !ok {
		return 0, fmt.Errorf("kuji/memory: event: %w", adapters.ErrNotFound)
	}
	if cur.Version != ev.Version {
		return 0, fmt.Errorf("kuji/memory: event changed since version %d: %w", ev.Version, adapters.ErrConflict)
	}
	setUndo(t, t.s.events, ev.ID)
	cur.State, cur.Data, cur.Updated = ev.State, bytes.Clone(ev.Data), ev.Updated
	cur.Version++
	t.s.events[ev.ID] = cur
	return cur.Version, nil
}

func (t *tx) NextReceipt(ctx context.Context, event string) (int64, error) {
	if err := t.check(ctx, true); err != nil {
		return 0, err
	}
	if _, ok := t.s.events[event]; !ok {
		return 0, fmt.Errorf("kuji/memory: event: %w", adapters.ErrNotFound)
	}
	// Not undone on rollback: gaps are allowed, reuse is not.
	t.s.receiptSeq[event]++
	return t.s.receiptSeq[event], nil
}

// --- draw records ---

func (t *tx) DrawRecord(ctx context.Context, event string) ([]byte, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	d, ok := t.s.draws[event]
	if !ok {
		return nil, fmt.Errorf("kuji/memory: draw record: %w", adapters.ErrNotFound)
	}
	return bytes.Clone(d), nil
}

func (t *tx) PutDrawRecord(ctx context.Context, event string, record []byte) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	setUndo(t, t.s.draws, event)
	t.s.draws[event] = bytes.Clone(record)
	return nil
}

// --- designations ---

func (t *tx) Designations(ctx context.Context, event string) ([]adapters.Designation, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	var out []adapters.Designation
	for _, d := range t.s.designations {
		if d.Event == event {
			d.Data = bytes.Clone(d.Data)
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b adapters.Designation) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func (t *tx) PutDesignation(ctx context.Context, d adapters.Designation) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	k := key(d.Event, d.ID)
	setUndo(t, t.s.designations, k)
	d.Data = bytes.Clone(d.Data)
	t.s.designations[k] = d
	return nil
}

// --- erasures ---

func (t *tx) Erasures(ctx context.Context, event string) ([]adapters.Erasure, error) {
	if err := t.check(ctx, false); err != nil {
		return nil, err
	}
	var out []adapters.Erasure
	for _, e := range t.s.erasures {
		if e.Event == event {
			e.Data, e.Signed = bytes.Clone(e.Data), bytes.Clone(e.Signed)
			out = append(out, e)
		}
	}
	return out, nil
}

func (t *tx) InsertErasure(ctx context.Context, e adapters.Erasure) error {
	if err := t.check(ctx, true); err != nil {
		return err
	}
	for _, x := range t.s.erasures {
		if x.ID == e.ID {
			return fmt.Errorf("kuji/memory: erasure record exists: %w", adapters.ErrDuplicate)
		}
	}
	e.Data, e.Signed = bytes.Clone(e.Data), bytes.Clone(e.Signed)
	n := len(t.s.erasures)
	t.s.erasures = append(t.s.erasures, e)
	t.undo = append(t.undo, func() { t.s.erasures = t.s.erasures[:n] })
	return nil
}
