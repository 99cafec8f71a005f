package audit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kuji-go/kuji/internal/kerr"
)

var (
	// ErrNotPermitted: the actor is not designated for this event and purpose
	// at this time. [Authorize] returns it wrapped in a [*DeniedError].
	ErrNotPermitted = kerr.ErrNotPermitted
	// ErrVerification: a log, a checkpoint or a proof does not verify.
	// Every [*VerifyError] wraps it, so callers tell tampering apart from
	// storage failures with errors.Is.
	ErrVerification = errors.New("kuji/audit: verification failed")
	// ErrNotStored: a leaf or hash index asked of a [Storage] is not stored.
	// Storage implementations wrap it.
	ErrNotStored = errors.New("kuji/audit: not stored")
)

// Reason says what is wrong with an entry or a designation.
type Reason string

// Reasons for an [*EntryError] or a [*DesignationError].
const (
	ReasonMissing        Reason = "missing"         // a required field is empty
	ReasonNotIdentifier  Reason = "not-identifier"  // not an ASCII identifier: may be a personal value
	ReasonLooksPersonal  Reason = "looks-personal"  // digits only: could be a phone number, postal code or date
	ReasonNotCode        Reason = "not-code"        // not a lower-case code (purposes, reason codes, data classes)
	ReasonNotCategory    Reason = "not-category"    // not a dotted field category such as user.contact.phone
	ReasonNotFingerprint Reason = "not-fingerprint" // not 40 or 64 upper-case hexadecimal digits
	ReasonUnknownValue   Reason = "unknown-value"   // not one of the package's constants
	ReasonNotAllowed     Reason = "not-allowed"     // set where this kind of record must leave it empty
	ReasonTooMany        Reason = "too-many"        // a list is longer than the package allows
	ReasonNegative       Reason = "negative"        // a count is below zero
	ReasonBadPeriod      Reason = "bad-period"      // the validity period ends before it begins
	ReasonDuplicate      Reason = "duplicate"       // the designation ID is already used
	ReasonOverlap        Reason = "overlap"         // two responsible persons would be in office at once
	ReasonAlreadyRevoked Reason = "already-revoked" // the designation was revoked before
	ReasonMismatch       Reason = "mismatch"        // the designation is for another event than the entry
	ReasonMalformed      Reason = "malformed"       // stored bytes are not an entry
	ReasonNotCanonical   Reason = "not-canonical"   // stored bytes decode but are not the canonical encoding
	ReasonVersion        Reason = "unsupported-version"
)

var reasonText = map[Reason][2]string{ // English, Japanese
	ReasonMissing:        {"is required", "は必須です"},
	ReasonNotIdentifier:  {"is not an identifier (ASCII letters, digits and . _ : - only, at most 128 characters); personal values are never logged", "が識別子ではありません（英数字と . _ : - のみ、128文字以内）。個人の値は記録できません"},
	ReasonLooksPersonal:  {"has digits and separators only, like a phone number, postal code or date; give identifiers a letter prefix", "が数字と区切り記号のみで、電話番号・郵便番号・日付と区別できません。識別子には英字の接頭辞を付けてください"},
	ReasonNotCode:        {"is not a code (lower-case ASCII letters, digits and . _ -, at most 64 characters)", "がコードではありません（英小文字・数字と . _ - のみ、64文字以内）"},
	ReasonNotCategory:    {"is not a field category (dotted lower-case words such as user.contact.phone)", "が項目カテゴリではありません（user.contact.phone のような英小文字のドット区切り）"},
	ReasonNotFingerprint: {"is not a key fingerprint (40 or 64 upper-case hexadecimal digits)", "が鍵フィンガープリントではありません（大文字の16進数40桁または64桁）"},
	ReasonUnknownValue:   {"is not one of the defined values", "が定義された値ではありません"},
	ReasonNotAllowed:     {"must be empty here", "はここでは空でなければなりません"},
	ReasonTooMany:        {"has too many items", "の件数が上限を超えています"},
	ReasonNegative:       {"is negative", "が負の値です"},
	ReasonBadPeriod:      {"ends before it begins", "の終了が開始より前です"},
	ReasonDuplicate:      {"is already used", "は既に使われています"},
	ReasonOverlap:        {"overlaps another responsible person's period", "が他の取扱責任者の期間と重なっています"},
	ReasonAlreadyRevoked: {"was already revoked", "は既に取り消されています"},
	ReasonMismatch:       {"names another event", "が別のイベントを指しています"},
	ReasonMalformed:      {"is not a well-formed entry", "が正しい形式の記録ではありません"},
	ReasonNotCanonical:   {"is not in canonical form", "が正準形式ではありません"},
	ReasonVersion:        {"has an unsupported format version", "の形式バージョンに対応していません"},
}

func reasonMessage(r Reason, ja bool) string {
	t, ok := reasonText[r]
	if !ok {
		return string(r)
	}
	if ja {
		return t[1]
	}
	return t[0]
}

// fieldName renders a field and, for lists, the element's position.
func fieldName(field string, index int) string {
	if index >= 0 {
		return fmt.Sprintf("%s[%d]", field, index)
	}
	return field
}

// EntryError is one problem with an [Entry]. The message names the field,
// never its value.
type EntryError struct {
	// Entry is the entry's position in the batch given to [Log.Append] or
	// [Entry.Encode] (0 for a single entry), or its leaf index when the
	// entry was read back from the log; -1 when unknown ([DecodeEntry]).
	Entry int64
	// Field is the entry field concerned, as in the encoding: "actor",
	// "subjects", "details.fingerprints", ...; empty when the problem is
	// with the entry as a whole (malformed bytes).
	Field string
	// Index is the element's position when Field is a list; otherwise -1.
	Index  int
	Reason Reason
}

// Code returns the machine-readable reason.
func (e *EntryError) Code() string { return string(e.Reason) }

// English describes the problem in English.
func (e *EntryError) English() string {
	subject := "entry"
	if e.Entry >= 0 {
		subject = fmt.Sprintf("entry %d", e.Entry)
	}
	if e.Field != "" {
		subject += ": " + fieldName(e.Field, e.Index)
	}
	return subject + " " + reasonMessage(e.Reason, false)
}

// Japanese describes the problem in Japanese.
func (e *EntryError) Japanese() string {
	subject := "監査記録"
	if e.Entry >= 0 {
		subject = fmt.Sprintf("監査記録 %d", e.Entry)
	}
	if e.Field != "" {
		subject += " の項目 " + fieldName(e.Field, e.Index)
	}
	return subject + " " + reasonMessage(e.Reason, true)
}

func (e *EntryError) Error() string { return "kuji/audit: " + e.Code() + ": " + e.English() }

// DesignationError is one problem with a [Designation]. The message names
// the designation by its ID and the field, never the display name.
type DesignationError struct {
	// Designation is the designation's ID (as given; it may itself be the
	// field at fault).
	Designation string
	// Field is the designation field concerned: "actor", "purposes", ...;
	// empty when the problem is with the document as a whole.
	Field string
	// Index is the element's position when Field is a list; otherwise -1.
	Index  int
	Reason Reason
}

// Code returns the machine-readable reason.
func (e *DesignationError) Code() string { return string(e.Reason) }

// English describes the problem in English.
func (e *DesignationError) English() string {
	subject := "designation " + safeID(e.Designation)
	if e.Field != "" {
		subject += ": " + fieldName(e.Field, e.Index)
	}
	return subject + " " + reasonMessage(e.Reason, false)
}

// Japanese describes the problem in Japanese.
func (e *DesignationError) Japanese() string {
	subject := "指定 " + safeID(e.Designation)
	if e.Field != "" {
		subject += " の項目 " + fieldName(e.Field, e.Index)
	}
	return subject + " " + reasonMessage(e.Reason, true)
}

func (e *DesignationError) Error() string { return "kuji/audit: " + e.Code() + ": " + e.English() }

// safeID returns id if it is a valid identifier and a placeholder
// otherwise, so that a personal value passed as an ID never reaches an
// error message.
func safeID(id string) string {
	if checkID(id) == "" {
		return id
	}
	return "(invalid id)"
}

// safeCode returns s if it is a valid code and a placeholder otherwise.
func safeCode(s string) string {
	if checkCode(s) == "" {
		return s
	}
	return "(invalid)"
}

func safeCodes(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = safeCode(s)
	}
	return out
}

// ErrorList holds every problem found at once; errors.As finds each
// [*EntryError] or [*DesignationError] in it. Its order is the order of the
// input.
type ErrorList []error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "kuji/audit: no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "kuji/audit: %d problems: ", len(l))
	for i, err := range l {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(strings.TrimPrefix(err.Error(), "kuji/audit: "))
	}
	return b.String()
}

// Unwrap returns the problems.
func (l ErrorList) Unwrap() []error { return l }

// orNil returns nil for an empty list, so callers never see a non-nil
// error interface holding no problems.
func (l ErrorList) orNil() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
