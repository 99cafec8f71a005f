package retention

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kuji-go/kuji/internal/kerr"
)

// Sentinel errors callers branch on with [errors.Is].
var (
	// ErrRetentionExpired: the data class is past its retention deadline;
	// its records are served to no one, even before the purge has run.
	// Every [*ExpiredError] matches it. It is the same value as the root
	// package's ErrRetentionExpired.
	ErrRetentionExpired = kerr.ErrRetentionExpired
	// ErrNoRule: the policy has no rule for the data class. Data without a
	// retention rule is not served either: [Policy.Check] fails closed.
	ErrNoRule = errors.New("kuji/retention: no retention rule for the data class")
	// ErrInvalid: a policy, request, certificate or aggregate was rejected.
	// Every [*Error] matches it.
	ErrInvalid = errors.New("kuji/retention: invalid input")
	// ErrNotErased: the read-back after an erasure found the data key still
	// present or records still stored.
	ErrNotErased = errors.New("kuji/retention: erasure not verified")
	// ErrIncomplete: a certificate was asked of an erasure that has not
	// finished (see [Apply]).
	ErrIncomplete = errors.New("kuji/retention: erasure not complete")
	// ErrProofMismatch: a bundle's audit inclusion proof verifies but is
	// not the audit entry of this certificate.
	ErrProofMismatch = errors.New("kuji/retention: audit proof is not about this certificate")
	// ErrLang: a rendering was asked in a language other than [Japanese]
	// or [English].
	ErrLang = errors.New("kuji/retention: language must be ja or en")
)

// Reason is the machine-readable cause of an [*Error].
type Reason string

// Reasons.
const (
	ReasonMissing         Reason = "missing"           // a required value is empty
	ReasonNotClass        Reason = "not-class"         // not a data class name (lower-case code)
	ReasonDuplicateClass  Reason = "duplicate-class"   // a class has more than one rule
	ReasonUnknownTrigger  Reason = "unknown-trigger"   // not one of the Trigger constants
	ReasonNegativeDelay   Reason = "negative-delay"    // a delay component is below zero
	ReasonDelayTooLong    Reason = "delay-too-long"    // a delay beyond MaxDelayYears
	ReasonDateMissing     Reason = "date-missing"      // a fixed-date rule without its date
	ReasonDateNotAllowed  Reason = "date-not-allowed"  // a date on a rule whose trigger is not a fixed date
	ReasonDelayNotAllowed Reason = "delay-not-allowed" // a delay on a fixed-date rule
	ReasonBadDate         Reason = "bad-date"          // not a calendar date between years 1 and 9999
	ReasonNoRule          Reason = "no-rule"           // no rule for the data class
	ReasonNotIdentifier   Reason = "not-identifier"    // not a pseudonymous identifier
	ReasonNotText         Reason = "not-text"          // empty, too long, or with control characters
	ReasonNothingDue      Reason = "nothing-due"       // an erasure of a plan with no class due
	ReasonNotValue        Reason = "not-value"         // an aggregate key that could carry personal data
	ReasonUndeclared      Reason = "undeclared"        // an aggregate key outside its declared closed set
	ReasonDuplicate       Reason = "duplicate"         // a value listed twice
	ReasonTooMany         Reason = "too-many"          // a list longer than the package allows
	ReasonNegativeCount   Reason = "negative-count"    // a count below zero
	ReasonBadFormat       Reason = "bad-format"        // a document of another format or version
	ReasonMalformed       Reason = "malformed"         // a document that does not parse
)

var reasonText = map[Reason][2]string{ // English, Japanese
	ReasonMissing:         {"is required", "は必須です"},
	ReasonNotClass:        {"is not a data class name (a lower-case letter, then lower-case letters, digits and . _ -, at most 64 characters)", "がデータ区分名ではありません（英小文字で始まり、英小文字・数字・. _ - のみ、64文字以内）"},
	ReasonDuplicateClass:  {"has more than one rule", "に複数の規則があります"},
	ReasonUnknownTrigger:  {"is not a known trigger", "が定義された起点ではありません"},
	ReasonNegativeDelay:   {"is negative", "が負の値です"},
	ReasonDelayTooLong:    {"is longer than 100 years", "が100年を超えています"},
	ReasonDateMissing:     {"is required for a fixed-date rule", "は日付指定の規則に必須です"},
	ReasonDateNotAllowed:  {"is only allowed on a fixed-date rule", "は日付指定の規則にのみ指定できます"},
	ReasonDelayNotAllowed: {"is not allowed on a fixed-date rule; put the last day in the date", "は日付指定の規則には指定できません。最終日を日付に指定してください"},
	ReasonBadDate:         {"is not a calendar date", "が暦日ではありません"},
	ReasonNoRule:          {"has no retention rule; its data is served to no one", "に保存期間の規則がありません。データは提供できません"},
	ReasonNotIdentifier:   {"is not an identifier (ASCII letters, digits and . _ : - only, at most 128 characters, not digits alone)", "が識別子ではありません（英数字と . _ : - のみ、128文字以内、数字のみは不可）"},
	ReasonNotText:         {"is empty, longer than 200 characters, or holds control characters", "が空、200文字超、または制御文字を含んでいます"},
	ReasonNothingDue:      {"has no data class due for erasure", "に消去期限の到来したデータ区分がありません"},
	ReasonNotValue:        {"could carry personal data (ASCII letters, digits and . _ : / - only, at most 64 characters, not a phone number)", "に個人情報が含まれ得ます（英数字と . _ : / - のみ、64文字以内、電話番号の形式は不可）"},
	ReasonUndeclared:      {"is not one of the declared values", "が宣言された値ではありません"},
	ReasonDuplicate:       {"is listed twice", "が重複しています"},
	ReasonTooMany:         {"has too many items", "の件数が上限を超えています"},
	ReasonNegativeCount:   {"is negative", "が負の値です"},
	ReasonBadFormat:       {"is of an unsupported format or version", "の形式またはバージョンに対応していません"},
	ReasonMalformed:       {"is not well-formed", "の形式が正しくありません"},
}

// Error is one problem with a policy, an erasure request, a certificate or
// an aggregate. It names the class, field and position concerned, never
// the offending value.
type Error struct {
	// Class is the data class concerned; empty when none or when the class
	// name itself is at fault.
	Class string
	// Field is the field concerned: "class", "trigger", "delay.months",
	// "performed_by.name", "slot", ...
	Field string
	// Index is the position of the rule ([NewPolicy]) or list element
	// concerned, or -1.
	Index  int
	Reason Reason
}

// Code returns the machine-readable reason.
func (e *Error) Code() string { return string(e.Reason) }

// Is makes every Error match [ErrInvalid], and one whose reason is
// [ReasonNoRule] match [ErrNoRule] too.
func (e *Error) Is(target error) bool {
	return target == ErrInvalid || target == ErrNoRule && e.Reason == ReasonNoRule
}

// English describes the problem in English.
func (e *Error) English() string {
	var parts []string
	if e.Index >= 0 {
		parts = append(parts, fmt.Sprintf("#%d", e.Index))
	}
	if e.Class != "" {
		parts = append(parts, "class "+e.Class)
	}
	subject := e.Field
	if subject == "" {
		subject = "value"
	}
	if len(parts) > 0 {
		subject = strings.Join(parts, " ") + ": " + subject
	}
	return subject + " " + reasonMessage(e.Reason, false)
}

// Japanese describes the problem in Japanese.
func (e *Error) Japanese() string {
	var b strings.Builder
	if e.Index >= 0 {
		fmt.Fprintf(&b, "%d番目", e.Index)
	}
	if e.Class != "" {
		if b.Len() > 0 {
			b.WriteString("、")
		}
		b.WriteString("データ区分 " + e.Class)
	}
	if b.Len() > 0 {
		b.WriteString("：")
	}
	field := e.Field
	if field == "" {
		field = "値"
	}
	b.WriteString("項目 " + field + " " + reasonMessage(e.Reason, true))
	return b.String()
}

func (e *Error) Error() string { return "kuji/retention: " + e.Code() + ": " + e.English() }

func reasonMessage(r Reason, ja bool) string {
	t, ok := reasonText[r]
	switch {
	case !ok:
		return string(r)
	case ja:
		return t[1]
	default:
		return t[0]
	}
}

// Errors holds every problem found at once, in input order; errors.As
// finds each [*Error] in it.
type Errors []*Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "kuji/retention: no errors"
	case 1:
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "kuji/retention: %d problems: ", len(es))
	for i, e := range es {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Code() + ": " + e.English())
	}
	return b.String()
}

// Unwrap returns the problems.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// orNil returns es as an error, or nil when it is empty.
func (es Errors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// ExpiredError says that a data class is past its retention deadline. It
// matches [ErrRetentionExpired].
type ExpiredError struct {
	Class    string
	Deadline Deadline
}

// Code returns "retention-expired".
func (e *ExpiredError) Code() string { return "retention-expired" }

// Is reports whether target is [ErrRetentionExpired].
func (e *ExpiredError) Is(target error) bool { return target == ErrRetentionExpired }

// English describes the expiry in English.
func (e *ExpiredError) English() string {
	return fmt.Sprintf("class %s: the retention period ended at %s; the data is served to no one",
		e.Class, e.Deadline.English())
}

// Japanese describes the expiry in Japanese.
func (e *ExpiredError) Japanese() string {
	return fmt.Sprintf("データ区分 %s：保存期間は %s に終了しました。データは提供できません",
		e.Class, e.Deadline.Japanese())
}

func (e *ExpiredError) Error() string { return "kuji/retention: " + e.Code() + ": " + e.English() }

// Step is one step of an erasure, in the order [Apply] runs them.
type Step string

// Steps.
const (
	StepInventory  Step = "inventory"   // list the records held, before anything is destroyed
	StepDestroyKey Step = "destroy-key" // crypto-erase: destroy the class's data key
	StepDelete     Step = "delete"      // delete the class's rows
	StepCompact    Step = "compact"     // reclaim the storage of deleted rows
	StepVerify     Step = "verify"      // read back: key gone, no record left
)

var stepJapanese = map[Step]string{
	StepInventory:  "対象の確認",
	StepDestroyKey: "データ鍵の破棄",
	StepDelete:     "行の削除",
	StepCompact:    "領域の回収",
	StepVerify:     "消去の検証",
}

// StepError says which step of an erasure failed, for which class, and
// why. [Apply] returns it with the erasure as far as it went; calling
// [Apply] again with that erasure finishes it.
type StepError struct {
	Step Step
	// Class is the data class concerned; empty for [StepCompact], which
	// covers the whole storage.
	Class string
	// Err is the cause: the [Eraser]'s error, the context's error, an
	// [*Error] for an inventory that returned a non-identifier, or an
	// error wrapping [ErrNotErased] for a failed read-back.
	Err error
}

// Code returns "erasure-" and the step, e.g. "erasure-destroy-key".
func (e *StepError) Code() string { return "erasure-" + string(e.Step) }

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Err }

// English describes the failure in English.
func (e *StepError) English() string {
	s := "erasure step " + string(e.Step) + " failed"
	if e.Class != "" {
		s += " for class " + e.Class
	}
	return s + "; run Apply again to finish: " + e.Err.Error()
}

// Japanese describes the failure in Japanese.
func (e *StepError) Japanese() string {
	s := "消去手順「" + stepJapanese[e.Step] + "」"
	if e.Class != "" {
		s += "（データ区分 " + e.Class + "）"
	}
	return s + "が失敗しました。Apply を再実行すると続きから完了します"
}

func (e *StepError) Error() string { return "kuji/retention: " + e.Code() + ": " + e.English() }

// notErased builds the read-back failure of a class.
func notErased(keyPresent bool, remaining int, at time.Time) error {
	var what []string
	if keyPresent {
		what = append(what, "the data key is still present")
	}
	if remaining > 0 {
		what = append(what, fmt.Sprintf("%d records remain", remaining))
	}
	return fmt.Errorf("%w at %s: %s", ErrNotErased, at.In(jst).Format(time.RFC3339), strings.Join(what, " and "))
}
