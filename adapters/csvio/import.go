package csvio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kuji-go/kuji/applicant"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// ImportOptions configure [Import]. The zero value (and a nil
// *ImportOptions) reads UTF-8, all or nothing, with the default limits.
type ImportOptions struct {
	// Encoding is the file's encoding: UTF8 (a byte order mark is
	// skipped) or CP932.
	Encoding Encoding
	// AcceptValid returns the valid rows even when others are invalid,
	// reporting those in [Result.Rejected]. By default any invalid row
	// means no application is returned at all.
	AcceptValid bool
	// Aliases map extra headings to columns, e.g. "お名前" to
	// {Field: applicant.FieldName} or "同伴者1" to
	// {Field: applicant.FieldCompanionName, Index: 1}. Headings are
	// compared after NFKC, without white space and in lower case.
	Aliases map[string]Column
	// Ignore lists headings whose columns are skipped: a typist's "No.",
	// "備考", or the derived 人数 and 抽選結果 of an export read back.
	Ignore []string

	// MaxRows is the most data rows a file may have (0: 100,000).
	MaxRows int
	// MaxCellLen is the most characters a cell may hold (0: 1,000).
	MaxCellLen int
	// MaxLineLen is the most bytes the cells of one record (a line, or
	// several when a quoted cell holds line breaks) may hold together,
	// counted in UTF-8 after CP932 decoding (0: 64 KiB). The reader stops
	// a few KiB past it, so an endless line costs no more memory.
	MaxLineLen int
	// MaxErrors is the most problems reported before the import stops
	// (0: 1,000).
	MaxErrors int
}

// The default limits.
const (
	DefaultMaxRows    = 100_000
	DefaultMaxCellLen = 1_000
	DefaultMaxLineLen = 64 << 10
	DefaultMaxErrors  = 1_000
)

// Imported is one accepted row.
type Imported struct {
	// Row is the row of the file it came from (see [Error.Row]).
	Row int
	// Application is the validated application, without ID or receipt
	// number: the Office gives them when it stores it.
	Application *applicant.Application
}

// Result is what an import returns.
type Result struct {
	// Accepted are the valid rows, in file order.
	Accepted []Imported
	// Rejected lists the problems of the rows left out; it is empty
	// unless [ImportOptions.AcceptValid] is set.
	Rejected Errors
	// Rows is the number of data rows read, blank rows not counted.
	Rows int
}

// Import reads typed-in postcard applications from a CSV file and
// validates every row with s.Validate on [applicant.ChannelPostcard].
//
// The first non-blank row is the header. Each heading names a field by
// its Japanese label, English label or key, numbered for repeated fields:
// 第1希望 / preference 1 / preferences.1, 同行者1氏名 (or 同伴者1氏名) /
// companion 1 name / companion.name.1, and so on — exactly what
// [ViewWriter] writes in any [HeaderStyle] — or by an alias. Unknown and
// duplicate columns, columns for fields the event does not collect or
// that kuji computes, and missing required columns stop the import, all
// reported together. Rows whose every cell is blank are skipped (cells
// under ignored headings do not count), and ignored columns are not read
// at all. A cell
// that starts with the apostrophe kuji's exports add against formula
// injection has it removed (see the package documentation).
//
// Every problem of every row is collected, with its row, column and
// reason in Japanese and English, and never the value. By default the
// import is all or nothing: if any row is invalid, Import returns no
// result and the problems as [Errors]. With AcceptValid, it returns the
// valid rows and lists the problems of the others in Result.Rejected.
// Problems with the file itself (encoding of the header, broken quoting,
// the header, a limit) always return no result. Whenever the error is not
// nil, there is nothing to store.
func Import(ctx context.Context, r io.Reader, s *applicant.Schema, opts *ImportOptions) (*Result, error) {
	var o ImportOptions
	if opts != nil {
		o = *opts
	}
	if o.Encoding != UTF8 && o.Encoding != CP932 {
		return nil, fmt.Errorf("kuji/csvio: unknown encoding %d", o.Encoding)
	}
	o.MaxRows = positiveOr(o.MaxRows, DefaultMaxRows)
	o.MaxCellLen = positiveOr(o.MaxCellLen, DefaultMaxCellLen)
	o.MaxLineLen = positiveOr(o.MaxLineLen, DefaultMaxLineLen)
	o.MaxErrors = positiveOr(o.MaxErrors, DefaultMaxErrors)
	if err := s.Check(); err != nil {
		return nil, err
	}
	in, err := decodeInput(r, o.Encoding)
	if err != nil {
		return nil, err
	}
	im := &importer{s: s, o: &o, limit: &lineLimiter{r: in, max: int64(o.MaxLineLen)}}
	im.limit.reset(0)
	im.csv = csv.NewReader(im.limit)
	im.csv.FieldsPerRecord = -1
	im.csv.ReuseRecord = true
	return im.run(ctx)
}

func positiveOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// decodeInput skips a UTF-8 byte order mark, refuses files whose byte
// order mark contradicts the chosen encoding (UTF-16, or UTF-8 read as
// CP932), and decodes CP932 to UTF-8.
func decodeInput(r io.Reader, enc Encoding) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("kuji/csvio: reading: %w", err)
	}
	wrong := &Error{Row: 1, Reason: ReasonEncoding}
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, Errors{wrong}
	case bytes.HasPrefix(head, []byte("\uFEFF")):
		if enc == CP932 {
			return nil, Errors{wrong}
		}
		_, _ = br.Discard(3)
	}
	if enc == CP932 {
		return transform.NewReader(br, japanese.ShiftJIS.NewDecoder()), nil
	}
	return br, nil
}

// errLineTooLong is the lineLimiter's refusal.
var errLineTooLong = errors.New("kuji/csvio: record too long")

// lineLimiter stops the CSV reader from reading far past the start of the
// record it is on, so one endless line (or an endless quoted cell) cannot
// exhaust memory. The CSV reader reads ahead through a 4 KiB buffer, hence
// the slack; the exact limit is checked on each record read.
type lineLimiter struct {
	r     io.Reader
	max   int64
	n     int64 // bytes handed to the CSV reader
	limit int64 // offset the CSV reader may not read beyond
}

const readAhead = 4 << 10

func (l *lineLimiter) reset(offset int64) { l.limit = offset + l.max + readAhead }

func (l *lineLimiter) Read(p []byte) (int, error) {
	if l.n >= l.limit {
		return 0, errLineTooLong
	}
	if int64(len(p)) > l.limit-l.n {
		p = p[:l.limit-l.n]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

type importer struct {
	s     *applicant.Schema
	o     *ImportOptions
	csv   *csv.Reader
	limit *lineLimiter
	h     *header
	res   Result
	errs  Errors
	line  int // the last line of the last record read
}

// read returns the next record and the row it starts on, io.EOF at the end,
// or a fatal *Error.
func (im *importer) read() ([]string, int, error) {
	rec, err := im.csv.Read()
	switch {
	case err == nil:
	case err == io.EOF:
		return nil, 0, io.EOF
	case errors.Is(err, errLineTooLong):
		return nil, 0, &Error{Row: im.line + 1, Reason: ReasonLineTooLong}
	default:
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, 0, &Error{Row: pe.StartLine, Reason: ReasonSyntax}
		}
		return nil, 0, fmt.Errorf("kuji/csvio: reading: %w", err)
	}
	row, _ := im.csv.FieldPos(0)
	size := len(rec)
	for _, c := range rec {
		size += len(c)
	}
	if size > im.o.MaxLineLen {
		return nil, 0, &Error{Row: row, Reason: ReasonLineTooLong}
	}
	im.limit.reset(im.csv.InputOffset())
	last, _ := im.csv.FieldPos(len(rec) - 1)
	im.line = last + strings.Count(rec[len(rec)-1], "\n")
	return rec, row, nil
}

// blank reports a record with nothing but white space, ignoring the
// columns of ignored headings (a typist's pre-numbered "No." column makes
// no row).
func blank(rec []string, h *header) bool {
	for i, c := range rec {
		if h != nil && i < len(h.cols) && h.cols[i].kind == kindIgnored {
			continue
		}
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (im *importer) run(ctx context.Context) (*Result, error) {
	var rec []string
	var row int
	var err error
	for {
		if rec, row, err = im.read(); err != nil {
			if err == io.EOF {
				return nil, Errors{{Reason: ReasonEmpty}}
			}
			return nil, im.fatal(err)
		}
		if !blank(rec, nil) {
			break
		}
	}
	h, errs := mapHeader(im.s, row, rec, im.o)
	if errs != nil {
		if len(errs) > im.o.MaxErrors {
			errs = append(errs[:im.o.MaxErrors], &Error{Reason: ReasonTooManyErrors})
		}
		return nil, errs
	}
	im.h = h
	for n := 0; ; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rec, row, err := im.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, im.fatal(err)
		}
		if blank(rec, im.h) {
			continue
		}
		im.res.Rows++
		if im.res.Rows > im.o.MaxRows {
			return nil, im.fatal(&Error{Row: row, Reason: ReasonTooManyRows})
		}
		im.row(rec, row)
		if len(im.errs) > im.o.MaxErrors {
			im.errs = im.errs[:im.o.MaxErrors]
			return nil, im.fatal(&Error{Row: row, Reason: ReasonTooManyErrors})
		}
	}
	if len(im.errs) > 0 && !im.o.AcceptValid {
		return nil, im.errs
	}
	im.res.Rejected = im.errs
	return &im.res, nil
}

// fatal returns the problems found so far followed by err.
func (im *importer) fatal(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	return append(im.errs, e)
}

// row checks and validates one record, collecting its problems or
// accepting it.
func (im *importer) row(rec []string, row int) {
	before := len(im.errs)
	add := func(col int, r Reason) {
		e := &Error{Row: row, Column: col, Reason: r}
		if col > 0 && col <= len(im.h.cols) && im.h.cols[col-1].kind == kindField {
			c := im.h.cols[col-1].col
			e.Field, e.Index = c.Field, c.Index
			im.label(e)
		}
		im.errs = append(im.errs, e)
	}
	if len(rec) != len(im.h.cols) {
		add(0, ReasonFieldCount)
		return
	}
	for i, c := range rec {
		switch {
		case im.h.cols[i].kind == kindIgnored:
		case !decoded(c, im.o.Encoding):
			add(i+1, ReasonEncoding)
		case utf8.RuneCountInString(c) > im.o.MaxCellLen:
			add(i+1, ReasonCellTooLong)
		case im.h.cols[i].kind == kindUnnamed && strings.TrimSpace(c) != "":
			add(i+1, ReasonUnnamedColumn)
		}
	}
	if len(im.errs) > before {
		return
	}
	a, err := im.s.Validate(applicant.ChannelPostcard, im.form(rec))
	if err != nil {
		var es applicant.Errors
		if !errors.As(err, &es) {
			im.errs = append(im.errs, &Error{Row: row, Reason: ReasonInvalid, cause: err})
			return
		}
		for _, ae := range es {
			im.errs = append(im.errs, im.invalid(row, ae))
		}
		return
	}
	im.res.Accepted = append(im.res.Accepted, Imported{Row: row, Application: a})
}

// label sets an error's column label from the schema.
func (im *importer) label(e *Error) {
	c := Column{Field: e.Field, Index: e.Index}
	if info, ok := fieldInfo(im.s, c.Field); ok {
		e.labelJA, e.labelEN, _ = c.names(info)
	}
}

// invalid turns one validation problem into an *Error at its column.
func (im *importer) invalid(row int, ae *applicant.Error) *Error {
	e := &Error{Row: row, Field: ae.Field, Index: ae.Companion, Reason: ReasonInvalid, cause: ae}
	c := Column{Field: ae.Field, Index: ae.Companion}
	if ae.Field == applicant.FieldPreferences {
		c.Index, e.Index = 1, 0
	}
	if i, ok := im.h.index[c]; ok {
		e.Column = i + 1
		im.label(e)
	}
	return e
}

// form builds the application form of a record.
func (im *importer) form(rec []string) applicant.Form {
	var f applicant.Form
	if im.h.prefs > 0 {
		f.Preferences = make([]string, im.h.prefs)
	}
	if im.h.groups > 0 {
		f.Companions = make([]applicant.CompanionForm, im.h.groups)
	}
	if im.h.custom {
		f.Extra = map[applicant.Field]string{}
	}
	p := &f.Representative
	for i, m := range im.h.cols {
		if m.kind != kindField {
			continue
		}
		v := unguard(rec[i])
		switch c := m.col; c.Field {
		case applicant.FieldName:
			p.Name = v
		case applicant.FieldNameKana:
			p.NameKana = v
		case applicant.FieldAddress:
			p.Address = v
		case applicant.FieldPostalCode:
			p.PostalCode = v
		case applicant.FieldAge:
			p.Age = v
		case applicant.FieldBirthDate:
			p.BirthDate = v
		case applicant.FieldSex:
			p.Sex = v
		case applicant.FieldPhone:
			p.Phone = v
		case applicant.FieldEmail:
			p.Email = v
		case applicant.FieldParticipantCategory:
			f.Category = v
		case applicant.FieldCourse:
			f.Course = v
		case applicant.FieldPreferences:
			f.Preferences[c.Index-1] = v
		case applicant.FieldCompanionName:
			f.Companions[c.Index-1].Name = v
		case applicant.FieldCompanionNameKana:
			f.Companions[c.Index-1].NameKana = v
		case applicant.FieldCompanionAge:
			f.Companions[c.Index-1].Age = v
		case applicant.FieldCompanionInfant:
			f.Companions[c.Index-1].Infant = v
		default:
			f.Extra[c.Field] = v
		}
	}
	return f
}
