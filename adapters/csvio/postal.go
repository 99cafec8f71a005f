package csvio

import (
	"github.com/kuji-go/kuji/applicant"
)

// PostalList writes the list the contractor prints result postcards from:
// one row per applicant with the receipt number, postal code, address and
// name and, when the event's notification purpose may use it, the lottery
// result. It reads each applicant through the notification purpose's view
// ([applicant.PurposeNotification]).
//
// Which applicants get a postcard is the caller's choice: those who
// applied by postcard, and any whose result email bounced. Errors fail the
// underlying [Writer], as with [ViewWriter].
type PostalList struct {
	w      *Writer
	cols   []Column
	labels [][2]string
	result bool
	row    []string
}

// The postal list's columns: the receipt number, then the fields.
var postalFields = [...]applicant.Field{
	applicant.FieldPostalCode,
	applicant.FieldAddress,
	applicant.FieldName,
}

var receiptLabels = [3]string{"受付番号", "receipt number", "receipt"}

// NewPostalList writes the header row of schema s's postal list to w (in
// the [Options.Header] style of w) and returns the list. The notification
// purpose must be allowed to use the name, address and postal code;
// otherwise the error matches [ErrNotPermitted].
func NewPostalList(w *Writer, s *applicant.Schema) (*PostalList, error) {
	if w.err != nil {
		return nil, w.err
	}
	probe, err := s.View(applicant.PurposeNotification, &applicant.Application{})
	if err != nil {
		return nil, err
	}
	l := &PostalList{w: w}
	header := []string{receiptLabels[w.header]}
	l.labels = append(l.labels, [2]string{receiptLabels[0], receiptLabels[1]})
	l.cols = append(l.cols, Column{})
	fields := postalFields[:]
	if probe.Permits(applicant.FieldLotteryResult) {
		fields = append(fields, applicant.FieldLotteryResult)
		l.result = true
	}
	for i, f := range fields {
		c := Column{Field: f}
		ja, en, _ := c.names(applicant.FieldInfo{})
		l.cols = append(l.cols, c)
		l.labels = append(l.labels, [2]string{ja, en})
		header = append(header, c.header(applicant.FieldInfo{}, w.header))
		if _, err := probe.Text(f); err != nil {
			e := viewError(0, i+2, err)
			l.describe(e)
			w.fail(e)
			return nil, e
		}
	}
	l.row = make([]string, len(l.cols))
	if err := w.write(header, l.describe); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *PostalList) describe(e *Error) {
	if e.Column < 1 || e.Column > len(l.cols) {
		return
	}
	e.Field, e.Index = l.cols[e.Column-1].Field, 0
	e.labelJA, e.labelEN = l.labels[e.Column-1][0], l.labels[e.Column-1][1]
}

// resultText returns how the list shows an outcome: in Japanese under a
// Japanese header (当選, 落選, キャンセル待ち), as its code otherwise.
func (l *PostalList) resultText(o applicant.Outcome) string {
	if l.w.header != HeaderJapanese {
		return string(o)
	}
	switch o {
	case applicant.Won:
		return "当選"
	case applicant.Lost:
		return "落選"
	case applicant.Waitlisted:
		return "キャンセル待ち"
	}
	return string(o)
}

// Write writes one applicant: receipt is their receipt number (a pseudonym)
// and v their notification view. An applicant without a lottery result,
// when the list has a result column, is ReasonNoResult: a result postcard
// is not printed before the draw.
func (l *PostalList) Write(receipt applicant.ReceiptNumber, v *applicant.View) error {
	if l.w.err != nil {
		return l.w.err
	}
	row := l.w.rows + 1
	fail := func(e *Error) error {
		l.describe(e)
		l.w.fail(e)
		return e
	}
	if v == nil || v.Purpose() != applicant.PurposeNotification {
		return fail(&Error{Row: row, Reason: ReasonPurpose})
	}
	l.row[0] = string(receipt)
	for i := 1; i < len(l.cols); i++ {
		text, err := v.Text(l.cols[i].Field)
		if err != nil {
			return fail(viewError(row, i+1, err))
		}
		if l.cols[i].Field == applicant.FieldLotteryResult {
			if text == "" {
				return fail(&Error{Row: row, Column: i + 1, Reason: ReasonNoResult})
			}
			text = l.resultText(applicant.Outcome(text))
		}
		l.row[i] = text
	}
	return l.w.write(l.row, l.describe)
}
