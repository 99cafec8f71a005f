package csvio

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/internal/kerr"
)

// Sentinel errors callers branch on with [errors.Is]. Every *[Error] whose
// reason belongs to a family matches its sentinel.
var (
	// ErrNotPermitted: a purpose view refused a field the export needs. It
	// is the same value as every other kuji package's ErrNotPermitted.
	ErrNotPermitted = kerr.ErrNotPermitted
	// ErrUnmappable: a character that the export's encoding cannot hold
	// (CP932 has no 〜 U+301C, − U+2212, 𠮷, emoji, ...). Export in UTF-8,
	// or give the ward's substitution table ([Options.Substitutions]).
	ErrUnmappable = errors.New("kuji/csvio: character not representable in CP932")
	// ErrLimit: an import stopped at one of its limits ([ImportOptions]):
	// too many rows, a record too long, or too many problems.
	ErrLimit = errors.New("kuji/csvio: import limit exceeded")
)

// Reason is the machine-readable cause of an [Error].
type Reason string

// Reasons an export fails.
const (
	ReasonUnmappable    Reason = "unmappable_character" // a character CP932 cannot hold; [Error.Char] names it
	ReasonInvalidUTF8   Reason = "invalid_utf8"         // a cell given to the writer is not valid UTF-8
	ReasonSubstitution  Reason = "substitution"         // a substitution table entry the writer cannot use
	ReasonNotPermitted  Reason = "not_permitted"        // the purpose view refused a field; wraps the view's error
	ReasonPurpose       Reason = "purpose"              // a view for another purpose than the writer's
	ReasonTooManyValues Reason = "too_many_values"      // more companions or preferences than the export has columns
	ReasonNoColumns     Reason = "no_columns"           // the purpose may use no field of an application
	ReasonNoResult      Reason = "no_result"            // a postal list row without a lottery result
)

// Reasons an import fails. The file-level ones (encoding of the whole
// file, syntax, header, limits) stop the import; the others concern one row.
const (
	ReasonEncoding        Reason = "encoding"         // bytes that do not decode in the chosen encoding (or user-defined characters, 外字)
	ReasonSyntax          Reason = "csv_syntax"       // broken quoting
	ReasonEmpty           Reason = "empty"            // no header row
	ReasonUnknownColumn   Reason = "unknown_column"   // a heading that names no field of the event
	ReasonUnnamedColumn   Reason = "unnamed_column"   // a value in a column without a heading
	ReasonDuplicateColumn Reason = "duplicate_column" // two columns for the same field
	ReasonMissingColumn   Reason = "missing_column"   // a required field (or a gap in numbered columns) has no column
	ReasonNotCollected    Reason = "not_collected"    // a column for a field the event does not collect
	ReasonDerived         Reason = "derived"          // a column for a field kuji computes (group size, lottery result)
	ReasonColumnRange     Reason = "column_range"     // a numbered column beyond the event's limit (第4希望 when 3 are allowed)
	ReasonFieldCount      Reason = "field_count"      // a row with more or fewer cells than the header
	ReasonCellTooLong     Reason = "cell_too_long"    // a cell over [ImportOptions.MaxCellLen]
	ReasonLineTooLong     Reason = "line_too_long"    // a record over [ImportOptions.MaxLineLen]
	ReasonTooManyRows     Reason = "too_many_rows"    // more rows than [ImportOptions.MaxRows]
	ReasonTooManyErrors   Reason = "too_many_errors"  // more problems than [ImportOptions.MaxErrors]
	ReasonInvalid         Reason = "invalid"          // the row fails the event's validation; wraps the *applicant.Error
)

// Error is one problem with one cell, row or file. It names the row, the
// column and the field, never the value: not the cell, not an unknown
// heading (a file without its header row would put an applicant's name
// there). A character's code point is named (U+301C), which is not
// personal data on its own.
type Error struct {
	// Row is the 1-based row of the file: the line the record starts on,
	// which is the spreadsheet's row unless a cell holds a line break (the
	// header is row 1 unless blank lines precede it). It is 0 for problems
	// with the whole file or the writer's options.
	Row int
	// Column is the 1-based column number (1 is column A); 0 when the
	// problem concerns the whole row.
	Column int
	// Field is the field the column holds, when known.
	Field applicant.Field
	// Index is the 1-based companion or preference rank of a repeated
	// field's column, or 0.
	Index int
	// Reason is the machine-readable cause.
	Reason Reason
	// Char is the offending character of ReasonUnmappable and
	// ReasonSubstitution, or 0.
	Char rune

	labelJA, labelEN string
	cause            error
}

// Code returns the reason code, e.g. "unmappable_character".
func (e *Error) Code() string { return string(e.Reason) }

// Error returns the English message prefixed by the package and the code.
func (e *Error) Error() string { return "kuji/csvio: " + e.Code() + ": " + e.English() }

// Unwrap returns the underlying *applicant.Error of ReasonInvalid and
// ReasonNotPermitted, so [errors.As] finds the validation reason.
func (e *Error) Unwrap() error { return e.cause }

// Is matches [ErrUnmappable], [ErrLimit] and [ErrNotPermitted] by reason.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnmappable:
		return e.Reason == ReasonUnmappable
	case ErrLimit:
		return e.Reason == ReasonTooManyRows || e.Reason == ReasonLineTooLong || e.Reason == ReasonTooManyErrors
	case ErrNotPermitted:
		return e.Reason == ReasonNotPermitted
	}
	return false
}

// labels returns the column's label in Japanese and English.
func (e *Error) labels() (ja, en string) {
	if e.labelJA != "" {
		return e.labelJA, e.labelEN
	}
	if e.Field != "" {
		ja, en, _ := Column{Field: e.Field, Index: e.Index}.names(applicant.FieldInfo{})
		return ja, en
	}
	return "", ""
}

// English returns the English message.
func (e *Error) English() string {
	_, label := e.labels()
	var b strings.Builder
	if e.Row > 0 {
		b.WriteString("row ")
		b.WriteString(strconv.Itoa(e.Row))
	}
	if e.Column > 0 {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString("column ")
		b.WriteString(columnLetters(e.Column))
		if label != "" {
			b.WriteString(" (" + label + ")")
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if label == "" {
		label = "column"
	}
	b.WriteString(e.message(false, label))
	return b.String()
}

// Japanese returns the Japanese message.
func (e *Error) Japanese() string {
	label, _ := e.labels()
	var b strings.Builder
	if e.Row > 0 {
		b.WriteString(strconv.Itoa(e.Row))
		b.WriteString("行目")
	}
	if e.Column > 0 {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString(columnLetters(e.Column))
		b.WriteString("列")
		if label != "" {
			b.WriteString("（" + label + "）")
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if label == "" {
		label = "列"
	}
	b.WriteString(e.message(true, label))
	return b.String()
}

func (e *Error) message(ja bool, label string) string {
	var c interface{ English() string }
	var cj interface{ Japanese() string }
	if errors.As(e.cause, &c) && errors.As(e.cause, &cj) {
		if ja {
			return cj.Japanese()
		}
		return c.English()
	}
	m, ok := messages[e.Reason]
	if !ok {
		m = [2]string{"問題があります", "problem"}
	}
	s := m[1]
	if ja {
		s = m[0]
	}
	if strings.Contains(s, "%U") {
		return fmt.Sprintf(s, e.Char)
	}
	if strings.Contains(s, "%s") {
		return fmt.Sprintf(s, label)
	}
	return s
}

// messages holds each reason's Japanese and English text; %s is the
// column's label, %U the character.
var messages = map[Reason][2]string{
	ReasonUnmappable:    {"文字 %U はCP932（シフトJIS）で書き出せません（UTF-8で出力するか、区が認める置換表を指定してください）", "the character %U cannot be written in CP932 (export in UTF-8, or give a substitution the ward accepts)"},
	ReasonInvalidUTF8:   {"セルの内容が正しいUTF-8ではありません", "the cell is not valid UTF-8"},
	ReasonSubstitution:  {"置換表に使えない文字 %U が含まれています（置換元はASCII以外の文字、置換先はCP932で書ける制御文字以外の文字に限ります）", "the substitution table uses %U, which it may not (it replaces only non-ASCII characters, by characters CP932 holds other than control characters)"},
	ReasonPurpose:       {"書き出しと異なる利用目的のビューです", "the view is for another purpose than the export"},
	ReasonTooManyValues: {"%sの数が書き出す列数を超えています", "the %s has more values than the export has columns"},
	ReasonNoColumns:     {"この利用目的で書き出せる申込みの項目がありません", "the purpose may use no field of an application"},
	ReasonNoResult:      {"抽選結果がありません", "the lottery result is not set"},

	ReasonEncoding:        {"文字コードが正しくありません（UTF-8かCP932かの指定を確認してください。外字は読み込めません）", "the text does not decode in the chosen encoding (check UTF-8 or CP932; user-defined characters cannot be read)"},
	ReasonSyntax:          {"CSVの形式が正しくありません（引用符が閉じていないか、引用符で囲まれていないセルに引用符があります）", "the CSV is malformed (an unclosed quote, or a quote inside an unquoted cell)"},
	ReasonEmpty:           {"見出し行がありません", "the file has no header row"},
	ReasonUnknownColumn:   {"見出しがこのイベントのどの項目とも一致しません（見出しを直すか別名を設定してください）", "the heading names no field of this event (correct it, or configure an alias)"},
	ReasonUnnamedColumn:   {"見出しのない列に値が入力されています", "a value stands in a column without a heading"},
	ReasonDuplicateColumn: {"%sの列が重複しています", "the %s column appears more than once"},
	ReasonMissingColumn:   {"%sの列がありません", "the file has no %s column"},
	ReasonNotCollected:    {"このイベントは%sを収集していません", "this event does not collect the %s"},
	ReasonDerived:         {"%sは自動で計算される項目のため取り込めません（無視する列に指定してください）", "the %s is computed by kuji and cannot be imported (list it among the ignored columns)"},
	ReasonColumnRange:     {"%sはこのイベントの上限を超えています", "the %s is beyond what this event allows"},
	ReasonFieldCount:      {"セルの数が見出し行と一致しません", "the row does not have as many cells as the header"},
	ReasonCellTooLong:     {"セルの文字数が上限を超えています", "the cell is longer than the import allows"},
	ReasonLineTooLong:     {"1行の長さが上限を超えています", "the record is longer than the import allows"},
	ReasonTooManyRows:     {"行数が上限を超えています", "the file has more rows than the import allows"},
	ReasonTooManyErrors:   {"問題が多すぎるため取り込みを中止しました", "too many problems: the import stopped"},
}

// columnLetters returns the spreadsheet name of 1-based column n: A, ..., Z,
// AA, ...
func columnLetters(n int) string {
	var b []byte
	for ; n > 0; n = (n - 1) / 26 {
		b = append(b, byte('A'+(n-1)%26))
	}
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// Errors is every problem found at once, in file order. It is returned as
// an error only when it is not empty.
type Errors []*Error

// Error lists every problem.
func (es Errors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "kuji/csvio: %d problems: ", len(es))
	for i, e := range es {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Code())
		b.WriteString(": ")
		b.WriteString(e.English())
	}
	return b.String()
}

// Unwrap returns each problem, so [errors.As] finds an *[Error] and
// [errors.Is] matches the sentinels.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
