package kuji

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"golang.org/x/text/language"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/csvio"
	"github.com/kuji-go/kuji/adapters/pgp"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
)

// ExportOptions configure an encrypted export.
type ExportOptions struct {
	// Recipients are the keys the export is encrypted to; each must be one
	// of the event's designated recipients (Event.Recipients).
	Recipients []*pgp.Key
	// Armor writes ASCII armor instead of binary OpenPGP.
	Armor bool
	// CSV selects the encoding (UTF-8 with BOM by default, or strict
	// CP932), line endings and headings.
	CSV *csvio.Options
	// Results, if set, keeps only the applications with one of these
	// lottery results: the insurance list needs only the groups that won,
	// not everyone who applied.
	Results []applicant.Outcome
}

// Exported describes a finished export; it holds no personal value and is
// what the audit entry records.
type Exported struct {
	Rows int // applications written, the header not counted
	pgp.Result
}

// Export writes the access's purpose view of every application (the
// reception list, the insurance list, the return of all data to the ward)
// as CSV inside an OpenPGP message encrypted to the designated recipients
// and signed with the contractor's key, streaming to w. The export is
// authorised for the purpose and audited with the recipients' and signer's
// fingerprints, the row count and the SHA-256 of the ciphertext.
//
// On error w may hold a partial message that is not a valid OpenPGP
// message; discard it.
func (o *Office) Export(ctx context.Context, acc Access, w io.Writer, opts ExportOptions) (*Exported, error) {
	c := call{op: "Export", access: acc, action: audit.ActionExport, states: dataStates,
		purposes: o.purposesExcept(applicant.PurposeLottery, applicant.PurposeInfectionTracing)}
	return o.export(ctx, c, w, opts, func(t *txn, cw *csvio.Writer) error {
		vw, err := csvio.NewViewWriter(cw, o.cfg.Schema, acc.Purpose)
		if err != nil {
			return err
		}
		return o.eachView(t, acc, o.keepResults(opts.Results, nil), func(_ adapters.Application, v *applicant.View) error {
			t.rows++
			return vw.Write(v)
		})
	})
}

// PostalList writes the names and addresses of the postcard applicants
// with their results, for printing result postcards, encrypted and signed
// like [Office.Export]; for a handler designated for the notification
// purpose, from the draw on.
func (o *Office) PostalList(ctx context.Context, acc Access, w io.Writer, opts ExportOptions) (*Exported, error) {
	c := call{op: "PostalList", access: acc, action: audit.ActionExport,
		states: []State{StateDrawn, StateNotified, StateHeld, StateEnded}, purposes: []applicant.Purpose{applicant.PurposeNotification}}
	return o.export(ctx, c, w, opts, func(t *txn, cw *csvio.Writer) error {
		pl, err := csvio.NewPostalList(cw, o.cfg.Schema)
		if err != nil {
			return err
		}
		postcard := func(a adapters.Application) bool { return a.Channel == string(applicant.ChannelPostcard) }
		return o.eachView(t, acc, o.keepResults(opts.Results, postcard), func(a adapters.Application, v *applicant.View) error {
			t.rows++
			return pl.Write(applicant.ReceiptNumber(a.Receipt), v)
		})
	})
}

// export runs an authorised, audited, encrypted CSV export.
func (o *Office) export(ctx context.Context, c call, w io.Writer, opts ExportOptions, rows func(*txn, *csvio.Writer) error) (*Exported, error) {
	if o.signer == nil {
		return nil, &Error{Op: c.op, Reason: ReasonConfig, Err: errors.New("no OpenPGP signer in Options")}
	}
	if err := o.checkRecipients(c.op, opts.Recipients); err != nil {
		return nil, err
	}
	var out *Exported
	err := o.do(ctx, c, func(t *txn) error {
		enc, err := pgp.Encrypt(w, opts.Recipients, o.signer, &pgp.Options{Now: o.now, Armor: opts.Armor})
		if err != nil {
			return err
		}
		cw, err := csvio.NewWriter(enc, opts.CSV)
		if err != nil {
			return err
		}
		// On error the message is left unfinished: no valid OpenPGP
		// message (and no signature) results from a partial export.
		if err := rows(t, cw); err != nil {
			return err
		}
		if err := cw.Flush(); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
		res := enc.Result()
		out = &Exported{Rows: t.rows, Result: res}
		digest, err := audit.ParseDigest(res.SHA256)
		if err != nil {
			return err
		}
		t.entry.Categories = o.purposeCategories(c.access.Purpose)
		t.entry.Details = audit.Details{Count: int64(out.Rows), Bytes: res.Bytes, SHA256: digest,
			Fingerprints: append(slices.Clone(res.Recipients), res.Signer),
			DataClasses:  o.classNames(o.cfg.appClasses())}
		return nil
	})
	return out, err
}

// keepResults narrows keep (nil: every application) to the applications
// with one of the given results (none given: no narrowing).
func (o *Office) keepResults(results []applicant.Outcome, keep func(adapters.Application) bool) func(adapters.Application) bool {
	if len(results) == 0 {
		return keep
	}
	return func(a adapters.Application) bool {
		return (keep == nil || keep(a)) && slices.Contains(results, o.summary(a).Result)
	}
}

// checkRecipients refuses keys that are not the event's designated export
// recipients.
func (o *Office) checkRecipients(op string, keys []*pgp.Key) error {
	if len(keys) == 0 {
		return &Error{Op: op, Reason: ReasonRecipient, Err: pgp.ErrNoRecipients}
	}
	for _, k := range keys {
		if k == nil || !slices.Contains(o.cfg.Recipients, k.Fingerprint()) {
			fp := ""
			if k != nil {
				fp = k.Fingerprint()
			}
			return &Error{Op: op, Reason: ReasonRecipient, Err: fmt.Errorf("key %s is not a designated recipient", fp)}
		}
	}
	return nil
}

// eachView calls fn with the purpose view of every application keep
// accepts (all if nil), in receipt order.
func (o *Office) eachView(t *txn, acc Access, keep func(adapters.Application) bool, fn func(adapters.Application, *applicant.View) error) error {
	classes := o.classNames(o.cfg.appClasses())
	for _, c := range classes {
		if err := o.checkRetention(t, c); err != nil {
			return err
		}
	}
	return t.tx.ListApplications(t.ctx, o.id, adapters.ApplicationFilter{Classes: classes}, func(a adapters.Application) error {
		if keep != nil && !keep(a) {
			return nil
		}
		v, err := o.view(t, acc, a)
		if err != nil {
			return err
		}
		return fn(a, v.v)
	})
}

// purposeCategories lists the categories of the sealed fields a purpose
// may use.
func (o *Office) purposeCategories(p applicant.Purpose) []string {
	var out []string
	for _, f := range o.cfg.Schema.Fields {
		if !slices.Contains(f.Purposes, p) {
			continue
		}
		if info, ok := applicant.Lookup(f.Field); ok && info.Sealed && !info.OnCard {
			out = appendUnique(out, string(info.Category))
		}
	}
	return out
}

// ImportPostcards reads typed-in postcard applications from a CSV file
// (see csvio.Import for the headings, encodings and limits) and stores
// them like [Office.ApplyPostcards]: all or nothing by default; with
// opts.AcceptValid the valid rows are stored and the rest reported in the
// result. Row errors name the row, column and reason, never the value.
func (o *Office) ImportPostcards(ctx context.Context, acc Access, r io.Reader, opts *csvio.ImportOptions) ([]*Receipt, *csvio.Result, error) {
	res, err := csvio.Import(ctx, r, o.cfg.Schema, opts)
	if err != nil {
		return nil, res, err
	}
	preps := make([]*prepared, 0, len(res.Accepted))
	for _, imp := range res.Accepted {
		p, err := o.seal(ctx, imp.Application, language.Japanese)
		if err != nil {
			return nil, res, fmt.Errorf("row %d: %w", imp.Row, err)
		}
		preps = append(preps, p)
	}
	out, err := o.storePostcards(ctx, "ImportPostcards", acc, preps)
	return out, res, err
}
