package kuji

import (
	"context"
	"time"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
)

// Designate adds a handler (取扱者) — or, acting as the responsible person,
// another designation the audit package allows — for the event. Only the
// event's responsible person may designate; the change is audited and takes
// effect on the next call.
func (o *Office) Designate(ctx context.Context, acc Access, d audit.Designation) error {
	c := call{op: "Designate", access: acc, action: audit.ActionDesignate, states: dataStatesAndDraft(), lifecycle: true}
	return o.do(ctx, c, func(t *txn) error {
		ds, err := o.designations(ctx, t.tx)
		if err != nil {
			return err
		}
		if d.Event == "" {
			d.Event = o.id
		}
		if d.ID == "" {
			id, err := applicant.NewID(t.now, o.rand)
			if err != nil {
				return err
			}
			d.ID = id.String()
		}
		e, err := audit.Designate(ds, d, acc.Actor, audit.RoleResponsible, t.now)
		if err != nil {
			return err
		}
		doc, err := o.sealDesignation(ctx, d)
		if err != nil {
			return err
		}
		t.entry = e
		return t.tx.PutDesignation(ctx, doc)
	})
}

// Revoke revokes a designation from now on, as the responsible person; the
// change is audited and takes effect on the next call.
func (o *Office) Revoke(ctx context.Context, acc Access, designationID string) error {
	c := call{op: "Revoke", access: acc, action: audit.ActionRevoke, states: dataStatesAndDraft(), lifecycle: true}
	return o.do(ctx, c, func(t *txn) error {
		ds, err := o.designations(ctx, t.tx)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.ID != designationID {
				continue
			}
			revoked, e, err := audit.Revoke(d, acc.Actor, audit.RoleResponsible, t.now)
			if err != nil {
				return err
			}
			doc, err := o.sealDesignation(ctx, revoked)
			if err != nil {
				return err
			}
			t.entry = e
			return t.tx.PutDesignation(ctx, doc)
		}
		return &Error{Op: "Revoke", Reason: ReasonNotFound}
	})
}

func dataStatesAndDraft() []State {
	return append([]State{StateDraft}, append(dataStates, StatePurged)...)
}

// Designations returns the event's designations (display names included:
// they are for the ward's records, not for logs).
func (o *Office) Designations(ctx context.Context) ([]audit.Designation, error) {
	var out []audit.Designation
	err := o.store.View(ctx, func(tx adapters.ReadTx) error {
		var err error
		out, err = o.designations(ctx, tx)
		return err
	})
	return out, asOpError("Designations", err)
}

// Checkpoint signs the audit log's current tree head with the log key,
// keeps it in the store, and returns it: the ward keeps these signed notes,
// against which [Office.VerifyLog] and inclusion proofs are checked.
func (o *Office) Checkpoint(ctx context.Context) ([]byte, error) {
	var signed []byte
	err := o.store.Update(ctx, func(tx adapters.Tx) error {
		s := tx.AuditLog(o.cfg.origin())
		l, err := audit.NewLog(o.cfg.origin(), s)
		if err != nil {
			return err
		}
		var cp audit.Checkpoint
		signed, cp, err = l.Sign(ctx, o.logKey)
		if err != nil {
			return err
		}
		return s.SaveCheckpoint(ctx, cp.Size, signed)
	})
	return signed, asOpError("Checkpoint", err)
}

// ProveInclusion returns the proof that audit entry n is in the tree the
// signed checkpoint describes; the ward checks it with the log's public key
// alone.
func (o *Office) ProveInclusion(ctx context.Context, n int64, checkpoint []byte) (*audit.InclusionProof, error) {
	var p *audit.InclusionProof
	err := o.withLog(ctx, func(l *audit.Log) error {
		var err error
		p, err = l.ProveInclusion(ctx, n, checkpoint)
		return err
	})
	return p, err
}

// ProveConsistency returns the proof that the log described by the newer
// signed checkpoint extends the one described by the older: nothing was
// rewritten in between.
func (o *Office) ProveConsistency(ctx context.Context, older, newer []byte) (*audit.ConsistencyProof, error) {
	var p *audit.ConsistencyProof
	err := o.withLog(ctx, func(l *audit.Log) error {
		var err error
		p, err = l.ProveConsistency(ctx, older, newer)
		return err
	})
	return p, err
}

// VerifyLog checks the whole audit log against a checkpoint (opened with
// audit.OpenCheckpoint and the ward's verifier key): it recomputes every
// entry and names the first that no longer matches.
func (o *Office) VerifyLog(ctx context.Context, cp audit.Checkpoint) (audit.VerifyResult, error) {
	var res audit.VerifyResult
	err := o.withLog(ctx, func(l *audit.Log) error {
		var err error
		res, err = l.Verify(ctx, cp)
		return err
	})
	return res, err
}

// HandlingReport returns the handling-status report (業務に関する報告) of the
// period [from, until): accesses to the event's personal data by actor,
// purpose and action, with every denied attempt.
func (o *Office) HandlingReport(ctx context.Context, from, until time.Time) (*audit.Report, error) {
	var r *audit.Report
	err := o.withLog(ctx, func(l *audit.Log) error {
		var err error
		r, err = l.Report(ctx, o.id, from, until)
		return err
	})
	return r, err
}

// AuditEntries calls fn with every audit entry of the event, in order.
func (o *Office) AuditEntries(ctx context.Context, fn func(n int64, e audit.Entry) error) error {
	return o.withLog(ctx, func(l *audit.Log) error {
		size, err := l.Size(ctx)
		if err != nil {
			return err
		}
		return l.Entries(ctx, 0, size, fn)
	})
}

func (o *Office) withLog(ctx context.Context, fn func(*audit.Log) error) error {
	return o.store.View(ctx, func(tx adapters.ReadTx) error {
		l, err := audit.NewLog(o.cfg.origin(), tx.AuditLog(o.cfg.origin()))
		if err != nil {
			return err
		}
		return fn(l)
	})
}
