package csvio

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Encoding is a file's character encoding.
type Encoding int

// The encodings.
const (
	// UTF8 is UTF-8. Exports start with a byte order mark, which Excel
	// needs to open the file as UTF-8; imports read files with or without
	// one.
	UTF8 Encoding = iota
	// CP932 is Windows-31J, the Shift_JIS that Japanese Windows and Excel
	// use. Exports are strict: a character CP932 cannot hold is an error,
	// never a "?" (see the package documentation for exactly what it
	// holds).
	CP932
)

// LineEnding is the end of each row of an export.
type LineEnding int

// The line endings.
const (
	// CRLF ends rows with CR LF, as RFC 4180, Excel and ward systems
	// expect.
	CRLF LineEnding = iota
	// LF ends rows with LF alone.
	LF
)

// Options configure an export. The zero value (and a nil *Options) is
// UTF-8 with a byte order mark, CRLF line endings and Japanese headings.
type Options struct {
	Encoding   Encoding
	LineEnding LineEnding
	// Header is the style of the header row [ViewWriter] and [PostalList]
	// write.
	Header HeaderStyle
	// Substitutions replace characters before CP932 encoding, when the
	// ward accepts it: for example 〜 U+301C → ～ U+FF5E, − U+2212 → －
	// U+FF0D, 𠮷 U+20BB7 → 吉. They apply to CP932 only, and only to
	// non-ASCII characters; a cell is quoted and neutralised as it reads
	// after substitution. Every replacement must be a character CP932
	// holds, other than a control character; [NewWriter] refuses any other
	// entry with ReasonSubstitution.
	Substitutions map[rune]rune
}

// flushSize is how many bytes the writer gathers before writing them out.
const flushSize = 32 << 10

// Writer writes CSV rows one at a time in the configured encoding,
// neutralising formulas, with memory independent of the number of rows.
// It is not safe for concurrent use.
//
// # Errors and partial output
//
// Each row is encoded whole before any of its bytes can leave the Writer:
// a row that cannot be encoded (a character CP932 does not hold, invalid
// UTF-8) is not written, and the Writer is then failed: every later Write
// and Flush returns the same error and nothing more reaches the underlying
// writer — not the bad row, not any later row, not even earlier rows still
// in the Writer's buffer. So an error surfaces before any byte of the bad
// row, or of a row after it, is written.
//
// Earlier rows may already have reached the underlying writer, though: a
// failed export is a truncated file that the caller must throw away. Export
// to a temporary file and rename it only once Flush has returned nil; for
// an encrypted export, do not Close the OpenPGP writer after an error: an
// OpenPGP message that is never closed carries neither its integrity code
// nor its signature, so no reader accepts it.
type Writer struct {
	w      io.Writer
	cp932  *cp932Table
	subst  map[rune]rune
	eol    string
	header HeaderStyle
	buf    []byte
	rows   int
	err    error
}

// NewWriter returns a Writer to w. With UTF-8 the byte order mark is the
// first thing written (at the first Flush, with the first rows).
func NewWriter(w io.Writer, opts *Options) (*Writer, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	cw := &Writer{w: w, eol: "\r\n", header: o.Header, buf: make([]byte, 0, flushSize+flushSize/4)}
	if o.Header < HeaderJapanese || o.Header > HeaderKeys {
		return nil, fmt.Errorf("kuji/csvio: unknown header style %d", o.Header)
	}
	switch o.LineEnding {
	case CRLF:
	case LF:
		cw.eol = "\n"
	default:
		return nil, fmt.Errorf("kuji/csvio: unknown line ending %d", o.LineEnding)
	}
	switch o.Encoding {
	case UTF8:
		cw.buf = append(cw.buf, "\uFEFF"...)
	case CP932:
		cw.cp932 = cp932()
		if err := checkSubstitutions(cw.cp932, o.Substitutions); err != nil {
			return nil, err
		}
		if len(o.Substitutions) > 0 {
			cw.subst = o.Substitutions
		}
	default:
		return nil, fmt.Errorf("kuji/csvio: unknown encoding %d", o.Encoding)
	}
	return cw, nil
}

func checkSubstitutions(t *cp932Table, subst map[rune]rune) error {
	var errs Errors
	for from, to := range subst {
		switch {
		case from < utf8.RuneSelf || !utf8.ValidRune(from):
			errs = append(errs, &Error{Reason: ReasonSubstitution, Char: from})
		case to < ' ' || to == 0x7f || !utf8.ValidRune(to) || !encodable(t, to):
			errs = append(errs, &Error{Reason: ReasonSubstitution, Char: to})
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Write writes one row. Each cell is neutralised against formula
// injection (see the package documentation), quoted when it holds a comma,
// a quote or a line break, and encoded; the row ends with the configured
// line ending. An unencodable cell is an *[Error] naming the row, the
// column and the character, never the cell; after it the Writer is failed
// (see [Writer]).
func (w *Writer) Write(cells []string) error {
	return w.write(cells, nil)
}

// write writes one row; describe, if not nil, labels an error's column.
func (w *Writer) write(cells []string, describe func(*Error)) error {
	if w.err != nil {
		return w.err
	}
	mark := len(w.buf)
	for i, c := range cells {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		if err := w.cell(c); err != nil {
			err.Row, err.Column = w.rows+1, i+1
			if describe != nil {
				describe(err)
			}
			w.buf = w.buf[:mark]
			w.fail(err)
			return err
		}
	}
	w.buf = append(w.buf, w.eol...)
	w.rows++
	if len(w.buf) >= flushSize {
		return w.flush()
	}
	return nil
}

// fail makes the Writer fail with err from now on, dropping whatever it
// still holds.
func (w *Writer) fail(err error) {
	w.err = err
	w.buf = nil
}

// cell appends one encoded cell to the buffer.
func (w *Writer) cell(s string) *Error {
	if w.subst != nil {
		s = w.substitute(s)
	}
	quote := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\r' || c == '\n' {
			quote = true
			break
		}
	}
	if quote {
		w.buf = append(w.buf, '"')
	}
	if needsGuard(s) {
		w.buf = append(w.buf, '\'')
	}
	if err := w.text(s, quote); err != nil {
		return err
	}
	if quote {
		w.buf = append(w.buf, '"')
	}
	return nil
}

// text appends s encoded, doubling quotes when quoted.
func (w *Writer) text(s string, quoted bool) *Error {
	if w.cp932 == nil {
		if !utf8.ValidString(s) {
			return &Error{Reason: ReasonInvalidUTF8}
		}
		if !quoted {
			w.buf = append(w.buf, s...)
			return nil
		}
		for i := 0; i < len(s); i++ {
			if s[i] == '"' {
				w.buf = append(w.buf, '"')
			}
			w.buf = append(w.buf, s[i])
		}
		return nil
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '"' && quoted {
				w.buf = append(w.buf, '"')
			}
			w.buf = append(w.buf, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return &Error{Reason: ReasonInvalidUTF8}
		}
		i += n
		switch {
		case r <= 0xFFFF && w.cp932[r] >= 0x100:
			code := w.cp932[r]
			w.buf = append(w.buf, byte(code>>8), byte(code))
		case r <= 0xFFFF && w.cp932[r] != 0:
			w.buf = append(w.buf, byte(w.cp932[r]))
		default:
			return &Error{Reason: ReasonUnmappable, Char: r}
		}
	}
	return nil
}

// substitute applies the substitution table to s, allocating only when a
// character is replaced. Invalid UTF-8 is left for text to report.
func (w *Writer) substitute(s string) string {
	for i, r := range s {
		if _, ok := w.subst[r]; !ok || r < utf8.RuneSelf {
			continue
		}
		var b strings.Builder
		b.Grow(len(s) + 8)
		b.WriteString(s[:i])
		for j := i; j < len(s); {
			r, n := utf8.DecodeRuneInString(s[j:])
			if to, ok := w.subst[r]; ok && r >= utf8.RuneSelf && n > 1 {
				b.WriteRune(to)
			} else {
				b.WriteString(s[j : j+n])
			}
			j += n
		}
		return b.String()
	}
	return s
}

// flush writes the buffer out.
func (w *Writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	if _, err := w.w.Write(w.buf); err != nil {
		w.fail(fmt.Errorf("kuji/csvio: writing: %w", err))
		return w.err
	}
	w.buf = w.buf[:0]
	return nil
}

// Flush writes out every row written so far (and, for UTF-8, the byte
// order mark). Call it once after the last row: the export is complete
// only when Flush returns nil. After an error it returns that error and
// writes nothing.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	return w.flush()
}

// Rows returns the number of rows written, the header included.
func (w *Writer) Rows() int { return w.rows }
