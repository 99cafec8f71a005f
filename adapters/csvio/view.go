package csvio

import (
	"errors"
	"slices"

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
	row     []string
	// Repeated fields: each column's index into repeated (-1 for single
	// fields), each repeated field, its column count, and its values in the
	// current row once read.
	list     []int
	repeated []applicant.Field
	counts   []int
	values   [][]string
	loaded   []bool
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
		row:    make([]string, len(cols)),
		list:   make([]int, len(cols)),
	}
	for i, c := range cols {
		info, _ := fieldInfo(s, c.Field)
		ja, en, _ := c.names(info)
		vw.labels[i] = [2]string{ja, en}
		vw.row[i] = c.header(info, w.header)
		vw.list[i] = -1
		if !repeatedField(c.Field) {
			continue
		}
		j := slices.Index(vw.repeated, c.Field)
		if j < 0 {
			j = len(vw.repeated)
			vw.repeated = append(vw.repeated, c.Field)
			vw.counts = append(vw.counts, 0)
		}
		vw.list[i] = j
		vw.counts[j] = max(vw.counts[j], c.Index)
	}
	vw.values = make([][]string, len(vw.repeated))
	vw.loaded = make([]bool, len(vw.repeated))
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
	clear(vw.loaded)
	for i, c := range vw.cols {
		j := vw.list[i]
		if j < 0 {
			text, err := v.Text(c.Field)
			if err != nil {
				return vw.fail(viewError(row, i+1, err))
			}
			vw.row[i] = text
			continue
		}
		if !vw.loaded[j] {
			values, err := v.List(c.Field)
			if err != nil {
				return vw.fail(viewError(row, i+1, err))
			}
			if len(values) > vw.counts[j] {
				return vw.fail(&Error{Row: row, Field: c.Field, Reason: ReasonTooManyValues})
			}
			vw.values[j], vw.loaded[j] = values, true
		}
		vw.row[i] = ""
		if values := vw.values[j]; c.Index <= len(values) {
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
