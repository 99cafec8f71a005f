package applicant

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kuji-go/kuji/internal/kerr"
)

// Sentinel errors callers branch on with [errors.Is].
var (
	// ErrNotPermitted: a purpose view was asked for a field its purpose may
	// not use, or for a purpose the schema does not declare. It is the same
	// value as every other kuji package's ErrNotPermitted.
	ErrNotPermitted = kerr.ErrNotPermitted
	// ErrInvalidSchema: the schema itself is wrong (a field no purpose
	// justifies, a forbidden category without approval, ...). Every *Error
	// whose reason starts with "schema_" matches it.
	ErrInvalidSchema = errors.New("kuji/applicant: invalid schema")
	// ErrIneligible: the application breaks one of the event's eligibility
	// rules ([Eligibility]).
	ErrIneligible = errors.New("kuji/applicant: not eligible")
	// ErrWeakSecret: a blind-index secret shorter than [MinSecretLen] bytes.
	ErrWeakSecret = errors.New("kuji/applicant: blind-index secret shorter than 32 bytes")
)

// Error is one problem with one field (of the representative, of one
// companion, or of the schema). It never carries the offending value.
type Error struct {
	// Field is the field concerned; empty for problems with the whole record.
	Field Field
	// Companion is the 1-based index of the companion concerned, or 0.
	Companion int
	// Reason is the machine-readable cause.
	Reason Reason

	// label overrides the catalogue label (events' own fields).
	labelJA, labelEN string
}

func newError(f Field, companion int, r Reason) *Error {
	return &Error{Field: f, Companion: companion, Reason: r}
}

// Code returns the reason code, e.g. "phone_length".
func (e *Error) Code() string { return string(e.Reason) }

func (e *Error) labels() (ja, en string) {
	if e.labelJA != "" {
		return e.labelJA, e.labelEN
	}
	if fi, ok := Lookup(e.Field); ok {
		return fi.Japanese, fi.English
	}
	if e.Field == "" {
		return "申込み", "application"
	}
	return string(e.Field), string(e.Field)
}

// English returns the English message.
func (e *Error) English() string {
	_, en := e.labels()
	m := messageFor(e.Reason)
	s := fmt.Sprintf(m.en, en)
	if e.Companion > 0 {
		s = fmt.Sprintf("companion %d: %s", e.Companion, s)
	}
	return s
}

// Japanese returns the Japanese message.
func (e *Error) Japanese() string {
	ja, _ := e.labels()
	m := messageFor(e.Reason)
	s := fmt.Sprintf(m.ja, ja)
	if e.Companion > 0 {
		s = fmt.Sprintf("同行者%d: %s", e.Companion, s)
	}
	return s
}

// Error returns the English message prefixed by the package and the code.
func (e *Error) Error() string {
	return "kuji/applicant: " + string(e.Reason) + ": " + e.English()
}

// Is matches the sentinel of the reason's family: [ErrNotPermitted],
// [ErrInvalidSchema] or [ErrIneligible].
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotPermitted:
		return e.Reason == ReasonNotPermitted || e.Reason == ReasonUndeclaredPurpose
	case ErrInvalidSchema:
		return strings.HasPrefix(string(e.Reason), "schema_")
	case ErrIneligible:
		return messageFor(e.Reason).eligibility
	}
	return false
}

// Errors is every problem found at once, in field order. It is returned as
// an error only when it is not empty.
type Errors []*Error

// Error lists every problem.
func (es Errors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "kuji/applicant: %d problems: ", len(es))
	for i, e := range es {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(string(e.Reason))
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

// err returns es as an error, or nil when empty.
func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
