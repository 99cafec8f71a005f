package csvio

import (
	"errors"

	"github.com/kuji-go/kuji/applicant"
)

// ViewWriter writes purpose views of applications as rows: one column per
// field the purpose may use, in catalogue order, repeated fields expanded
// (第1希望, 第2希望, ...; 同行者1氏名, 同行者1年齢, 同行者2氏名, ...). The
// Office hands it the views it has authorised and audited; the ViewWriter
// asks each view for every column, so a view that refuses a field is an
// error matching [ErrNotPermitted], never a blank cell.
//
// Values are the views' display forms: ages and group sizes in decimal,
// sex, participant category and lottery result as their codes (female,
// resident, won), infant as true or false — the forms [Import] and
// [applicant.Schema.Validate] read back. Contact cards are not
// applications and are not written by a ViewWriter.
//
// Any error — a refused field, a view for another purpose, more companions
// than the columns hold, a character the encoding cannot hold — fails the
// underlying [Writer], so an export never continues with a row missing.
type ViewWriter struct {
	w       *Writer
	purpose applicant.Purpose
	cols    []Column
	labels  [][2]string // Japanese and English label of each column
	counts  map[applicant.Field]int
	row     []string
	lists   map[applicant.Field][]string
}

// NewViewWriter writes the header row of purpose p's columns in schema s
// (in the [Options.Header] style of w) and returns a ViewWriter for the
// rows. An invalid schema or an undeclared purpose is the
// *applicant.Error the schema reports; a purpose that may use no field of
// an application is ReasonNoColumns.
func NewViewWriter(w *Writer, s *applicant.Schema, p applicant.Purpose) (*ViewWriter, error) {
	if w.err != nil {
		return nil, w.err
	}
	probe, err := s.View(p, &applicant.Application{})
	if err != nil {
		return nil, err
	}
	cols := layout(s, probe.Fields())
	if len(cols) == 0 {
		err := &Error{Reason: ReasonNoColumns}
		w.fail(err)
		return nil, err
	}
	vw := &ViewWriter{
		w: w, purpose: p, cols: cols,
		labels: make([][2]string, len(cols)),
		counts: map[applicant.Field]int{},
		row:    make([]string, len(cols)),
		lists:  map[applicant.Field][]string{},
	}
	for i, c := range cols {
		info, _ := fieldInfo(s, c.Field)
		ja, en, _ := c.names(info)
		vw.labels[i] = [2]string{ja, en}
		vw.row[i] = c.header(info, w.header)
		if c.Index > vw.counts[c.Field] {
			vw.counts[c.Field] = c.Index
		}
	}
	if err := w.write(vw.row, vw.describe); err != nil {
		return nil, err
	}
	return vw, nil
}

// Columns returns the columns, in order.
func (vw *ViewWriter) Columns() []Column {
	return append([]Column(nil), vw.cols...)
}

// describe labels an error with its column's field.
func (vw *ViewWriter) describe(e *Error) {
	if e.Column < 1 || e.Column > len(vw.cols) {
		return
	}
	c := vw.cols[e.Column-1]
	e.Field, e.Index = c.Field, c.Index
	e.labelJA, e.labelEN = vw.labels[e.Column-1][0], vw.labels[e.Column-1][1]
}

// Write writes the row of view v.
func (vw *ViewWriter) Write(v *applicant.View) error {
	if vw.w.err != nil {
		return vw.w.err
	}
	row := vw.w.rows + 1
	if v == nil || v.Purpose() != vw.purpose {
		return vw.fail(&Error{Row: row, Reason: ReasonPurpose})
	}
	clear(vw.lists)
	for i, c := range vw.cols {
		if !repeatedField(c.Field) {
			text, err := v.Text(c.Field)
			if err != nil {
				return vw.fail(viewError(row, i+1, err))
			}
			vw.row[i] = text
			continue
		}
		values, ok := vw.lists[c.Field]
		if !ok {
			var err error
			if values, err = v.List(c.Field); err != nil {
				return vw.fail(viewError(row, i+1, err))
			}
			if len(values) > vw.counts[c.Field] {
				return vw.fail(&Error{Row: row, Field: c.Field, Reason: ReasonTooManyValues})
			}
			vw.lists[c.Field] = values
		}
		vw.row[i] = ""
		if c.Index <= len(values) {
			vw.row[i] = values[c.Index-1]
		}
	}
	return vw.w.write(vw.row, vw.describe)
}

// viewError turns a view's refusal into an *Error for the cell.
func viewError(row, col int, err error) *Error {
	e := &Error{Row: row, Column: col, Reason: ReasonNotPermitted, cause: err}
	if !errors.Is(err, ErrNotPermitted) {
		// A view of another kind of record (a contact card).
		e.Reason = ReasonPurpose
	}
	return e
}

func (vw *ViewWriter) fail(e *Error) error {
	vw.describe(e)
	if e.Column == 0 && e.Field != "" {
		ja, en, _ := Column{Field: e.Field}.names(applicant.FieldInfo{})
		e.labelJA, e.labelEN = ja, en
	}
	vw.w.fail(e)
	return e
}
