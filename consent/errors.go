package consent

import (
	"errors"
	"fmt"
	"strings"
)

// ErrVersion: a notice whose version is not the digest of its content (it
// was edited after it was issued).
var ErrVersion = errors.New("kuji/consent: notice version does not match its content")

// Reason is the machine-readable cause of an [Error].
type Reason string

// The reasons.
const (
	ReasonMissingText       Reason = "missing_text"       // a Japanese or English text left empty
	ReasonRecipientPurpose  Reason = "recipient_purpose"  // a recipient for a purpose the schema does not declare
	ReasonRecipientField    Reason = "recipient_field"    // a recipient given a field its purposes do not use
	ReasonRetentionMissing  Reason = "retention_missing"  // a data class of the schema without a retention text
	ReasonRetentionUnknown  Reason = "retention_unknown"  // a retention text for a class the schema does not use, or twice
	ReasonSubject           Reason = "subject"            // a receipt for a record without ID, of another event, or on a channel the notice does not cover
	ReasonTime              Reason = "time"               // a zero time, or a withdrawal before its receipt
	ReasonWithdrawalPurpose Reason = "withdrawal_purpose" // withdrawing a purpose the receipt does not list
	ReasonEncoding          Reason = "encoding"           // a receipt, withdrawal or notice that does not decode
)

var messages = map[Reason][2]string{
	ReasonMissingText:       {"%sの日本語または英語の記載がありません", "%s: the Japanese or English text is empty"},
	ReasonRecipientPurpose:  {"%s: 宣言されていない利用目的への提供です", "%s: provision for a purpose the schema does not declare"},
	ReasonRecipientField:    {"%s: 提供目的で利用しない項目は提供できません", "%s: a field its purposes do not use may not be provided"},
	ReasonRetentionMissing:  {"%s: 保存期間の記載がありません", "%s: no retention text"},
	ReasonRetentionUnknown:  {"%s: 収集しないデータ区分の保存期間、または重複した記載です", "%s: a retention text for a class not collected, or given twice"},
	ReasonSubject:           {"%s: 同意の記録の対象が正しくありません", "%s: the record the receipt is for is not valid"},
	ReasonTime:              {"%s: 日時が正しくありません", "%s: the time is not valid"},
	ReasonWithdrawalPurpose: {"%s: 同意していない利用目的は撤回できません", "%s: a purpose the receipt does not list cannot be withdrawn"},
	ReasonEncoding:          {"%sを読み取れません", "%s does not decode"},
}

// Error is one problem with the notice details, a receipt or a withdrawal.
// It names the part concerned and never a personal value (consent records
// hold none).
type Error struct {
	// Part names what is wrong: "controller", "processor", "contact",
	// "title", "purpose:reception", "recipient:1", "retention:application",
	// "receipt", "withdrawal", "notice".
	Part   string
	Reason Reason
}

// Code returns the reason code.
func (e *Error) Code() string { return string(e.Reason) }

// Japanese returns the Japanese message.
func (e *Error) Japanese() string { return fmt.Sprintf(messages[e.Reason][0], e.Part) }

// English returns the English message.
func (e *Error) English() string { return fmt.Sprintf(messages[e.Reason][1], e.Part) }

// Error returns the English message prefixed by the package and code.
func (e *Error) Error() string { return "kuji/consent: " + string(e.Reason) + ": " + e.English() }

// Errors is every problem found at once.
type Errors []*Error

// Error lists every problem.
func (es Errors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = string(e.Reason) + ": " + e.English()
	}
	return fmt.Sprintf("kuji/consent: %d problems: %s", len(es), strings.Join(parts, "; "))
}

// Unwrap returns each problem.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
