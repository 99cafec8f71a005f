package demo

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/audit"
)

// Audit is what the ward receives at its inspection, and what checking it
// found.
type Audit struct {
	Checkpoint audit.Checkpoint // the signed tree head, verified
	Entries    int64            // entries in the log, all verified
	Took       time.Duration    // verifying the log
	Rows       int              // rows of the handling-status report
	Denied     []audit.Entry    // refused attempts, in log order
	// ByAction counts entries by action: allowed, and refused or failed.
	ByAction map[audit.Action][2]int
	// Files written: the signed checkpoint, the report as CSV and as text.
	CheckpointFile, ReportCSV, ReportText string
}

// AuditEvent signs a checkpoint of the event's audit log, verifies the
// whole log against it with the ward's copy of the log's public key, and
// writes under wardDir the checkpoint and the handling-status report
// (業務に関する報告) of [from, until), with the roster of designated staff.
func AuditEvent(ctx context.Context, o *kuji.Office, keys *Keys, wardDir string, from, until time.Time) (*Audit, error) {
	a := &Audit{ByAction: map[audit.Action][2]int{},
		CheckpointFile: filepath.Join(wardDir, "checkpoint.txt"),
		ReportCSV:      filepath.Join(wardDir, "handling-report.csv"),
		ReportText:     filepath.Join(wardDir, "handling-report.txt"),
	}
	signed, err := o.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	if err := WriteFile(a.CheckpointFile, signed); err != nil {
		return nil, err
	}
	if a.Checkpoint, err = audit.OpenCheckpoint(signed, keys.LogVerifier); err != nil {
		return nil, err
	}
	start := time.Now()
	res, err := o.VerifyLog(ctx, a.Checkpoint)
	if err != nil {
		return nil, err
	}
	a.Took, a.Entries = time.Since(start), res.Size
	err = o.AuditEntries(ctx, func(_ int64, e audit.Entry) error {
		c := a.ByAction[e.Action]
		if e.Outcome == audit.OutcomeAllowed {
			c[0]++
		} else {
			c[1]++
		}
		a.ByAction[e.Action] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep, err := o.HandlingReport(ctx, from, until)
	if err != nil {
		return nil, err
	}
	designations, err := o.Designations(ctx)
	if err != nil {
		return nil, err
	}
	var csv, text strings.Builder
	if err := rep.WriteCSV(&csv, audit.Japanese); err != nil {
		return nil, err
	}
	if err := rep.WriteText(&text, audit.Japanese, designations); err != nil {
		return nil, err
	}
	if err := WriteFile(a.ReportCSV, []byte(csv.String())); err != nil {
		return nil, err
	}
	if err := WriteFile(a.ReportText, []byte(text.String())); err != nil {
		return nil, err
	}
	a.Rows, a.Denied = len(rep.Rows()), rep.Denied()
	return a, nil
}

// Accesses summarises ByAction for the actions on personal data, as
// "view 1/1, check-in 551/0, ..." (allowed/refused or failed).
func (a *Audit) Accesses() string {
	var parts []string
	for _, act := range []audit.Action{audit.ActionView, audit.ActionCheckIn, audit.ActionNotify, audit.ActionExport,
		audit.ActionImport, audit.ActionContactRecord, audit.ActionContactLookup, audit.ActionPurge} {
		if c := a.ByAction[act]; c != [2]int{} {
			parts = append(parts, string(act)+" "+N(c[0])+"/"+N(c[1]))
		}
	}
	return strings.Join(parts, ", ")
}
