package kuji

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/lottery"
)

// Commitment is what the Office publishes once applications are closed and
// before the seed is known: the digest of the draw's exact input, and the
// sources of randomness the seed will come from.
type Commitment struct {
	// InputDigest is SHA-256 of the draw input's canonical encoding
	// (lottery/SPEC.md): anyone can recompute it from the published record.
	InputDigest lottery.Digest `json:"input_digest"`
	// Entries is how many applications take part.
	Entries int `json:"entries"`
	// Sources names the public sources announced in advance (e.g. "Loto 6,
	// draw 1900"); their values are revealed at the draw.
	Sources []string `json:"sources,omitempty"`
	// SecretCommitment is SHA-256 of the operator's secret, if one is used;
	// the secret is revealed at the draw.
	SecretCommitment *lottery.Digest `json:"secret_commitment,omitempty"`
	At               time.Time       `json:"at"`
}

// drawDoc is the store's draw record for an event: the committed input
// until the draw, the draw record after it.
type drawDoc struct {
	Format string          `json:"format"`
	Input  *lottery.Input  `json:"input,omitempty"`
	Record *lottery.Record `json:"record,omitempty"`
}

const drawDocFormat = "kuji-draw/v1"

// Open starts accepting applications (draft → open).
func (o *Office) Open(ctx context.Context, acc Access) error {
	return o.step(ctx, "Open", acc, StateDraft, StateOpen, nil)
}

// Close stops accepting applications (open → closed).
func (o *Office) Close(ctx context.Context, acc Access) error {
	return o.step(ctx, "Close", acc, StateOpen, StateClosed, func(t *txn) error {
		n, err := o.count(ctx, t.tx, nil)
		t.entry.Details.Count = n
		return err
	})
}

// Commit fixes the draw's input — every application, pseudonymous — and
// publishes its digest together with the sources of randomness announced
// for the seed (closed → committed). Publish the commitment before the
// sources' values exist.
func (o *Office) Commit(ctx context.Context, acc Access, sources []string, secretCommitment *lottery.Digest) (*Commitment, error) {
	var out *Commitment
	if len(sources) == 0 && secretCommitment == nil {
		return nil, &Error{Op: "Commit", Reason: ReasonNoSeed}
	}
	err := o.step(ctx, "Commit", acc, StateClosed, StateCommitted, func(t *txn) error {
		in := lottery.Input{Config: o.cfg.Lottery, Slots: o.cfg.lotterySlots()}
		err := t.tx.ListApplications(ctx, o.id, adapters.ApplicationFilter{Status: []string{statusApplied}},
			func(a adapters.Application) error {
				in.Entries = append(in.Entries, lottery.Entry{ID: a.Receipt, Size: a.Size, Prefs: a.Prefs,
					Weight: a.Weight, Tier: a.Tier, Category: a.Category})
				return nil
			})
		if err != nil {
			return err
		}
		d, err := in.Digest()
		if err != nil {
			return err
		}
		out = &Commitment{InputDigest: d, Entries: len(in.Entries), Sources: slices.Clone(sources),
			SecretCommitment: secretCommitment, At: t.now}
		doc, err := json.Marshal(drawDoc{Format: drawDocFormat, Input: &in})
		if err != nil {
			return err
		}
		if err := t.tx.PutDrawRecord(ctx, o.id, doc); err != nil {
			return err
		}
		t.rec.Commitment = out
		t.entry.Details.Count = int64(len(in.Entries))
		t.entry.Details.SHA256 = audit.Digest(d)
		return nil
	})
	return out, err
}

// Draw runs the lottery over the committed input with the revealed seed
// material (committed → drawn): the public sources' values, named as
// announced, and the secret matching its commitment. It verifies the record
// it made, stores it, and records each application's result.
func (o *Office) Draw(ctx context.Context, acc Access, seed lottery.SeedMaterial) (*lottery.Record, error) {
	var out *lottery.Record
	err := o.do(ctx, call{op: "Draw", access: acc, action: audit.ActionDraw, states: []State{StateCommitted},
		lifecycle: true, to: StateDrawn}, func(t *txn) error {
		seed, err := checkReveal(t.rec.Commitment, seed)
		if err != nil {
			return err
		}
		c := t.rec.Commitment
		doc, err := o.readDraw(ctx, t.tx)
		if err != nil {
			return err
		}
		if doc.Input == nil || c == nil {
			return &Error{Op: "Draw", Reason: ReasonCommitment}
		}
		if d, err := doc.Input.Digest(); err != nil || d != c.InputDigest {
			return &Error{Op: "Draw", Reason: ReasonCommitment, Err: err}
		}
		rec, err := lottery.Draw(*doc.Input, seed)
		if err != nil {
			return err
		}
		if err := lottery.Verify(rec); err != nil {
			return fmt.Errorf("kuji: the draw does not verify: %w", err)
		}
		// Applications withdrawn since the commitment give their seats up
		// at once, promoting from the waitlists.
		live := map[string]adapters.Application{}
		err = t.tx.ListApplications(ctx, o.id, adapters.ApplicationFilter{}, func(a adapters.Application) error {
			live[a.Receipt] = a
			return nil
		})
		if err != nil {
			return err
		}
		if err := releaseWithdrawn(rec, live); err != nil {
			return err
		}
		// The caller gets its own copy: the stored one goes to the cache.
		if out, err = copyRecord(rec); err != nil {
			return err
		}
		if err := o.putDraw(t, rec); err != nil {
			return err
		}
		idx, err := o.index(ctx, t.tx, t.rec)
		if err != nil {
			return err
		}
		for receipt, a := range live {
			if err := t.tx.SetStatus(ctx, o.id, a.ID, a.Status, idx.outcome(receipt)); err != nil {
				return err
			}
		}
		t.entry.Details.Count = int64(len(rec.Order))
		t.entry.Details.SHA256 = audit.Digest(rec.ResultDigest)
		return nil
	})
	return out, err
}

// checkReveal checks the revealed seed material against the commitment
// and returns it bound to the committed secret commitment.
func checkReveal(c *Commitment, seed lottery.SeedMaterial) (lottery.SeedMaterial, error) {
	if c == nil {
		return seed, &Error{Op: "Draw", Reason: ReasonCommitment}
	}
	names := make([]string, len(seed.Sources))
	for i, s := range seed.Sources {
		names[i] = s.Name
	}
	if !slices.Equal(names, c.Sources) {
		return seed, &Error{Op: "Draw", Reason: ReasonReveal, Err: errors.New("the revealed sources are not the announced ones")}
	}
	switch {
	case c.SecretCommitment == nil && seed.Secret != nil:
		return seed, &Error{Op: "Draw", Reason: ReasonReveal, Err: errors.New("a secret was revealed but none was committed")}
	case c.SecretCommitment != nil:
		if err := lottery.VerifyReveal(*c.SecretCommitment, seed.Secret); err != nil {
			return seed, &Error{Op: "Draw", Reason: ReasonReveal, Err: err}
		}
		seed.SecretCommitment = c.SecretCommitment
	}
	return seed, nil
}

// releaseWithdrawn cancels every seat held by an entry whose application
// no longer exists, until none is (a promotion may land on one too).
func releaseWithdrawn(rec *lottery.Record, live map[string]adapters.Application) error {
	for {
		wins, err := rec.Current()
		if err != nil {
			return err
		}
		done := true
		for _, w := range wins {
			if _, ok := live[w.Entry]; !ok {
				if _, err := rec.Cancel(w.Entry, w.Slot); err != nil {
					return err
				}
				done = false
				break
			}
		}
		if done {
			return nil
		}
	}
}

func (o *Office) readDraw(ctx context.Context, tx adapters.ReadTx) (*drawDoc, error) {
	data, err := tx.DrawRecord(ctx, o.id)
	if err != nil {
		return nil, err
	}
	var doc drawDoc
	if err := json.Unmarshal(data, &doc); err != nil || doc.Format != drawDocFormat {
		return nil, fmt.Errorf("kuji: draw record: %w", adapters.ErrCorrupt)
	}
	return &doc, nil
}

// putDraw stores a (changed) draw record and notes its digest in the
// event record. The record is kept in the cache for the next edit: the
// caller must not change or hand it out afterwards. The digest names the version: cached indexes are keyed by
// it, so an index built inside a transaction that rolled back can never be
// mistaken for a committed record's.
func (o *Office) putDraw(t *txn, rec *lottery.Record) error {
	doc, err := json.Marshal(drawDoc{Format: drawDocFormat, Record: rec})
	if err != nil {
		return err
	}
	if err := t.tx.PutDrawRecord(t.ctx, o.id, doc); err != nil {
		return err
	}
	t.rec.DrawDigest = digestOf(doc)
	t.dirty = true
	return o.keepDraw(t.rec.DrawDigest, rec)
}

func digestOf(b []byte) string {
	d := sha256.Sum256(b)
	return hex.EncodeToString(d[:])
}

// drawIndex is an immutable digest of a draw record: who holds which
// seats now and who waits where. It is cached per record version and is
// safe for concurrent use.
type drawIndex struct {
	digest   string
	seats    map[string][]string // receipt -> slots held now
	waiting  map[string][]string // receipt -> slots waitlisted on
	promoted map[string][]string // receipt -> slots won by promotion
}

func indexDraw(rec *lottery.Record) (*drawIndex, error) {
	wins, err := rec.Current()
	if err != nil {
		return nil, err
	}
	idx := &drawIndex{seats: map[string][]string{}, waiting: map[string][]string{}, promoted: map[string][]string{}}
	for _, w := range wins {
		idx.seats[w.Entry] = append(idx.seats[w.Entry], w.Slot)
		if w.Round == 0 {
			idx.promoted[w.Entry] = append(idx.promoted[w.Entry], w.Slot)
		}
	}
	for _, wl := range rec.Waitlists {
		for _, e := range wl.Entries {
			if !slices.Contains(idx.seats[e], wl.Slot) {
				idx.waiting[e] = append(idx.waiting[e], wl.Slot)
			}
		}
	}
	return idx, nil
}

func (x *drawIndex) outcome(receipt string) string {
	switch {
	case len(x.seats[receipt]) > 0:
		return statusWon
	case len(x.waiting[receipt]) > 0:
		return statusWaitlisted
	}
	return statusLost
}

// drawCache is the newest draw record an Office has seen, by the SHA-256
// of its stored JSON: the index (immutable, shared by readers) and the
// parsed record, which one seat edit at a time takes out to change. Keying
// by content makes a stale entry impossible: an entry made inside a
// transaction that then rolled back still describes exactly the record
// with that digest, whatever else is committed.
type drawCache struct {
	digest string
	idx    *drawIndex
	rec    *lottery.Record // nil once taken by an edit
}

// index returns the index of the event's current draw record, parsing the
// stored record only when it changed.
func (o *Office) index(ctx context.Context, tx adapters.ReadTx, rec *record) (*drawIndex, error) {
	if rec.DrawDigest == "" {
		return nil, &Error{Op: "Draw", Reason: ReasonState}
	}
	o.mu.Lock()
	c := o.draw
	o.mu.Unlock()
	if c.digest == rec.DrawDigest {
		return c.idx, nil
	}
	_, idx, err := o.parseDraw(ctx, tx, rec.DrawDigest)
	return idx, err
}

// parseDraw reads and indexes the stored draw record and caches both.
func (o *Office) parseDraw(ctx context.Context, tx adapters.ReadTx, digest string) (*lottery.Record, *drawIndex, error) {
	doc, err := o.readDraw(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	if doc.Record == nil {
		return nil, nil, fmt.Errorf("kuji: draw record missing: %w", adapters.ErrCorrupt)
	}
	idx, err := indexDraw(doc.Record)
	if err != nil {
		return nil, nil, err
	}
	idx.digest = digest
	o.mu.Lock()
	o.draw = drawCache{digest: digest, idx: idx}
	o.mu.Unlock()
	return doc.Record, idx, nil
}

// takeDraw returns the current draw record for changing, and its index:
// the cached record if no other edit holds it, else a fresh parse.
func (o *Office) takeDraw(ctx context.Context, tx adapters.ReadTx, digest string) (*lottery.Record, *drawIndex, error) {
	o.mu.Lock()
	c := o.draw
	if c.digest == digest && c.rec != nil {
		o.draw.rec = nil
		o.mu.Unlock()
		return c.rec, c.idx, nil
	}
	o.mu.Unlock()
	return o.parseDraw(ctx, tx, digest)
}

// keepDraw caches a record just stored under digest, with its index; the
// caller must not change rec afterwards.
func (o *Office) keepDraw(digest string, rec *lottery.Record) error {
	idx, err := indexDraw(rec)
	if err != nil {
		return err
	}
	idx.digest = digest
	o.mu.Lock()
	o.draw = drawCache{digest: digest, idx: idx, rec: rec}
	o.mu.Unlock()
	return nil
}

// Result is one application's published result: pseudonymous, by receipt
// number.
type Result struct {
	Receipt string            `json:"receipt"`
	Outcome applicant.Outcome `json:"outcome"`
	Slots   []string          `json:"slots,omitempty"` // slots held (won) or waited on (waitlisted)
}

// Results returns the result list to publish, by receipt number, from the
// draw on. It holds no personal data.
func (o *Office) Results(ctx context.Context) ([]Result, error) {
	var out []Result
	err := o.store.View(ctx, func(tx adapters.ReadTx) error {
		ev, _, err := o.readRecord(ctx, tx)
		if err != nil {
			return err
		}
		if State(ev.State).index() < StateDrawn.index() {
			return &Error{Op: "Results", Reason: ReasonState, State: State(ev.State)}
		}
		doc, err := o.readDraw(ctx, tx)
		if err != nil {
			return err
		}
		idx, err := indexDraw(doc.Record)
		if err != nil {
			return err
		}
		for _, r := range doc.Record.Order {
			res := Result{Receipt: r.Entry, Outcome: applicant.Outcome(idx.outcome(r.Entry))}
			switch res.Outcome {
			case applicant.Won:
				res.Slots = idx.seats[r.Entry]
			case applicant.Waitlisted:
				res.Slots = idx.waiting[r.Entry]
			}
			out = append(out, res)
		}
		slices.SortFunc(out, func(a, b Result) int { return strings.Compare(a.Receipt, b.Receipt) })
		return nil
	})
	return out, asOpError("Results", err)
}

// DrawRecord returns the event's draw record, to publish: anyone can check
// it with lottery.Verify (examples/verifydraw).
func (o *Office) DrawRecord(ctx context.Context) (*lottery.Record, error) {
	var out *lottery.Record
	err := o.store.View(ctx, func(tx adapters.ReadTx) error {
		doc, err := o.readDraw(ctx, tx)
		if err != nil {
			return err
		}
		if doc.Record == nil {
			return &Error{Op: "DrawRecord", Reason: ReasonState}
		}
		out = doc.Record
		return nil
	})
	return out, asOpError("DrawRecord", err)
}

// count counts the event's applications in the given statuses (all if
// none).
func (o *Office) count(ctx context.Context, tx adapters.ReadTx, status []string) (int64, error) {
	var n int64
	err := tx.ListApplications(ctx, o.id, adapters.ApplicationFilter{Status: status}, func(adapters.Application) error {
		n++
		return nil
	})
	return n, err
}

// copyRecord returns an independent copy of a draw record.
func copyRecord(rec *lottery.Record) (*lottery.Record, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	var out lottery.Record
	return &out, json.Unmarshal(b, &out)
}
