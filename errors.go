package kuji

import (
	"errors"
	"fmt"

	"github.com/kuji-go/kuji/internal/kerr"
)

// Sentinels the Office returns, shared with the packages that return them
// too, so errors.Is matches whichever package a caller names.
var (
	// ErrNotPermitted: the actor is not designated for this event and
	// purpose at this time, or asked a view for a field its purpose may not
	// use. The attempt is audited.
	ErrNotPermitted = kerr.ErrNotPermitted
	// ErrRetentionExpired: the data is past its retention deadline and is
	// served to no one, even before the purge has run.
	ErrRetentionExpired = kerr.ErrRetentionExpired
	// ErrKeyDestroyed: the data class was crypto-shredded.
	ErrKeyDestroyed = kerr.ErrKeyDestroyed
	// ErrNotFound: no such application, slot or event.
	ErrNotFound = kerr.ErrNotFound
	// ErrConflict: another writer changed the event at the same time; the
	// operation did nothing and may be retried.
	ErrConflict = kerr.ErrConflict
	// ErrDuplicate: the same person already holds a chance in this event.
	ErrDuplicate = kerr.ErrDuplicate
)

// Reason is a machine-readable code saying why the Office refused an
// operation.
type Reason string

// Reasons of an [*Error].
const (
	ReasonState        Reason = "illegal-state"        // the event is not in a state that allows the operation
	ReasonNotPermitted Reason = "not-permitted"        // see ErrNotPermitted
	ReasonDuplicate    Reason = "duplicate-person"     // see ErrDuplicate
	ReasonNotFound     Reason = "not-found"            // no such application, slot or receipt number
	ReasonNoWin        Reason = "no-win"               // the application holds no seat in that slot
	ReasonDeadline     Reason = "deadline-passed"      // the confirmation deadline has passed
	ReasonNotYet       Reason = "deadline-not-reached" // lapses are processed only after the deadline
	ReasonCheckedIn    Reason = "already-checked-in"   // the group has already checked in for the slot
	ReasonRetention    Reason = "retention-expired"    // see ErrRetentionExpired
	ReasonReveal       Reason = "reveal-mismatch"      // the revealed seed material is not what was committed
	ReasonCommitment   Reason = "input-changed"        // the draw input no longer matches the commitment
	ReasonNoSeed       Reason = "no-seed-source"       // a commitment names no public source and no secret
	ReasonConfig       Reason = "bad-config"           // the event's configuration is invalid
	ReasonRecipient    Reason = "not-a-recipient"      // an export key is not one of the event's designated recipients
	ReasonPurpose      Reason = "wrong-purpose"        // the operation is not done for the access's purpose
	ReasonUnfinished   Reason = "erasure-unfinished"   // an erasure is under way; run Purge again
	ReasonConflict     Reason = "conflict"             // see ErrConflict
)

var reasonText = map[Reason][2]string{ // English, Japanese
	ReasonState:        {"the event is not in a state that allows this operation", "イベントの現在の状態ではこの操作はできません"},
	ReasonNotPermitted: {"not permitted for this actor and purpose", "この担当者・利用目的では許可されていません"},
	ReasonDuplicate:    {"the same person has already applied to this event", "同一人物による申込みがすでにあります"},
	ReasonNotFound:     {"no such application or slot", "該当する申込みまたは枠がありません"},
	ReasonNoWin:        {"the application holds no seat in this slot", "この申込みはこの枠に当選していません"},
	ReasonDeadline:     {"the confirmation deadline has passed", "参加確認の期限を過ぎています"},
	ReasonNotYet:       {"the confirmation deadline has not passed yet", "参加確認の期限をまだ過ぎていません"},
	ReasonCheckedIn:    {"the group has already checked in for this slot", "この枠の受付はすでに済んでいます"},
	ReasonRetention:    {"the data is past its retention period", "保存期間を過ぎたデータです"},
	ReasonReveal:       {"the revealed seed material does not match the commitment", "公開されたシード情報が事前の公約と一致しません"},
	ReasonCommitment:   {"the draw input no longer matches the published commitment", "抽選の入力が公表済みの公約と一致しません"},
	ReasonNoSeed:       {"the commitment names no public source and no secret for the seed", "シードの元となる公開情報も秘密値も指定されていません"},
	ReasonConfig:       {"the event configuration is invalid", "イベントの設定が不正です"},
	ReasonRecipient:    {"the export key is not one of the event's designated recipients", "出力先の鍵が指定された受領者のものではありません"},
	ReasonPurpose:      {"this operation is not done for the access's purpose", "この操作はその利用目的では行えません"},
	ReasonUnfinished:   {"an erasure is under way; run the purge again to finish it", "消去処理が途中です。もう一度実行して完了させてください"},
	ReasonConflict:     {"the event changed at the same time; try again", "同時に更新されました。もう一度実行してください"},
}

// Error is a refusal by the Office: which operation, why (a Reason code),
// and the pseudonymous receipt number or slot it concerns; never a
// personal value. It has Japanese and English messages and wraps the
// sentinel or underlying error, so errors.Is(err, ErrNotPermitted) and
// the like work.
type Error struct {
	Op      string // the Office method, e.g. "CheckIn"
	Reason  Reason
	Receipt string // receipt number, if the error concerns one application
	Slot    string // slot ID, if it concerns one slot
	State   State  // the event's state, for ReasonState
	Err     error  // the underlying error, if any
}

// Code returns the reason code.
func (e *Error) Code() string { return string(e.Reason) }

func (e *Error) subject(ja bool) string {
	s := ""
	if e.Receipt != "" {
		s += fmt.Sprintf(" (receipt %s)", e.Receipt)
		if ja {
			s = fmt.Sprintf("（受付番号 %s）", e.Receipt)
		}
	}
	if e.Slot != "" {
		if ja {
			s += fmt.Sprintf("（枠 %s）", e.Slot)
		} else {
			s += fmt.Sprintf(" (slot %s)", e.Slot)
		}
	}
	if e.Reason == ReasonState && e.State != "" {
		if ja {
			s += fmt.Sprintf("（現在の状態: %s）", e.State)
		} else {
			s += fmt.Sprintf(" (state %s)", e.State)
		}
	}
	return s
}

// English returns the message in English.
func (e *Error) English() string {
	t, ok := reasonText[e.Reason]
	if !ok {
		return string(e.Reason) + e.subject(false)
	}
	return t[0] + e.subject(false)
}

// Japanese returns the message in Japanese.
func (e *Error) Japanese() string {
	t, ok := reasonText[e.Reason]
	if !ok {
		return string(e.Reason) + e.subject(true)
	}
	return t[1] + e.subject(true)
}

func (e *Error) Error() string {
	msg := "kuji: " + e.Op + ": " + e.Code() + ": " + e.English()
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error and the sentinel of the reason.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Err != nil {
		out = append(out, e.Err)
	}
	switch e.Reason {
	case ReasonNotPermitted, ReasonPurpose, ReasonRecipient:
		out = append(out, ErrNotPermitted)
	case ReasonRetention:
		out = append(out, ErrRetentionExpired)
	case ReasonDuplicate:
		out = append(out, ErrDuplicate)
	case ReasonNotFound, ReasonNoWin:
		out = append(out, ErrNotFound)
	case ReasonConflict:
		out = append(out, ErrConflict)
	}
	return out
}

func opError(op string, r Reason, err error) *Error {
	return &Error{Op: op, Reason: r, Err: err}
}

// asOpError turns store sentinels into Office errors, leaving typed errors
// of the domain packages (validation, eligibility) as they are.
func asOpError(op string, err error) error {
	var oe *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &oe):
		return err
	case errors.Is(err, kerr.ErrConflict):
		return opError(op, ReasonConflict, err)
	case errors.Is(err, kerr.ErrRetentionExpired):
		return opError(op, ReasonRetention, err)
	}
	return err
}
