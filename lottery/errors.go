package lottery

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors for the conditions callers branch on. Every *[InputError]
// matches [ErrInvalidInput]; every *[MismatchError] matches [ErrMismatch].
var (
	// ErrInvalidInput: the input, seed material or request was rejected;
	// nothing was drawn or changed.
	ErrInvalidInput = errors.New("kuji/lottery: invalid input")
	// ErrSecretMismatch: a revealed secret does not match its commitment.
	ErrSecretMismatch = errors.New("kuji/lottery: secret does not match its commitment")
	// ErrMismatch: a draw record does not match what its input and seed
	// produce.
	ErrMismatch = errors.New("kuji/lottery: draw record does not verify")
)

// Reason is a machine-readable code saying why something was rejected or
// why a record does not verify.
type Reason string

// Reasons for rejecting an input, seed material or request.
const (
	ReasonBadConfig            Reason = "bad_config"
	ReasonEmptyID              Reason = "empty_id"
	ReasonIDTooLong            Reason = "id_too_long"
	ReasonInvalidText          Reason = "invalid_utf8"
	ReasonDuplicateSlot        Reason = "duplicate_slot"
	ReasonNegativeCapacity     Reason = "negative_capacity"
	ReasonCapacityTooLarge     Reason = "capacity_too_large"
	ReasonEmptyCategory        Reason = "empty_category"
	ReasonNegativeReserved     Reason = "negative_reserved"
	ReasonReservedOverCapacity Reason = "reserved_over_capacity"
	ReasonDuplicateEntry       Reason = "duplicate_entry"
	ReasonSizeOutOfRange       Reason = "size_out_of_range"
	ReasonWeightOutOfRange     Reason = "weight_out_of_range"
	ReasonTierOutOfRange       Reason = "tier_out_of_range"
	ReasonNoPrefs              Reason = "no_prefs"
	ReasonTooManyPrefs         Reason = "too_many_prefs"
	ReasonUnknownSlot          Reason = "unknown_slot"
	ReasonRepeatedSlot         Reason = "repeated_slot"

	ReasonNoRandomness     Reason = "no_randomness"
	ReasonEmptySource      Reason = "empty_source"
	ReasonBadSourceValue   Reason = "bad_source_value"
	ReasonSecretTooShort   Reason = "secret_too_short"
	ReasonSecretMismatch   Reason = "secret_mismatch"
	ReasonBadSelection     Reason = "bad_selection"
	ReasonUnknownEntry     Reason = "unknown_entry"
	ReasonNotHeld          Reason = "not_held"
	ReasonBadFormat        Reason = "unsupported_format"
	ReasonBadEventKind     Reason = "bad_event_kind"
	ReasonIncompleteRecord Reason = "incomplete_record"
	ReasonBadHex           Reason = "bad_hex"
	ReasonUnknownPool      Reason = "unknown_pool"
)

// InputError is one reason an input, seed material or request was
// rejected. It names the entry, slot, category or field concerned; these
// are pseudonymous identifiers, never personal data.
type InputError struct {
	Entry    string // entry ID concerned, if any
	Slot     string // slot ID concerned, if any
	Category string // reserved-seat category concerned, if any
	Field    string // field concerned, e.g. "weight", "config.max_prefs", "sources[1].values[0]"
	Reason   Reason
	Value    string // the rejected value, when it is a number or code
	Want     string // what is allowed, e.g. "1..1000"
}

// Code returns the machine-readable reason code.
func (e *InputError) Code() string { return string(e.Reason) }

// Is reports whether target is [ErrInvalidInput], or [ErrSecretMismatch]
// for a secret that does not match its commitment.
func (e *InputError) Is(target error) bool {
	return target == ErrInvalidInput || (target == ErrSecretMismatch && e.Reason == ReasonSecretMismatch)
}

// Error returns the English message prefixed by the package and code.
func (e *InputError) Error() string {
	return "kuji/lottery: " + e.Code() + ": " + e.English()
}

func (e *InputError) subject() (en, ja string) {
	var ens, jas []string
	if e.Entry != "" {
		ens = append(ens, fmt.Sprintf("entry %q", e.Entry))
		jas = append(jas, fmt.Sprintf("応募 %q", e.Entry))
	}
	if e.Slot != "" {
		ens = append(ens, fmt.Sprintf("slot %q", e.Slot))
		jas = append(jas, fmt.Sprintf("枠 %q", e.Slot))
	}
	if e.Category != "" {
		ens = append(ens, fmt.Sprintf("category %q", e.Category))
		jas = append(jas, fmt.Sprintf("区分 %q", e.Category))
	}
	if e.Field != "" {
		ens = append(ens, e.Field)
		jas = append(jas, e.Field)
	}
	if len(ens) == 0 {
		return "", ""
	}
	return strings.Join(ens, ", ") + ": ", strings.Join(jas, "、") + "："
}

// English returns the message in English.
func (e *InputError) English() string {
	s, _ := e.subject()
	v, w := e.Value, e.Want
	switch e.Reason {
	case ReasonBadConfig:
		return s + fmt.Sprintf("configuration value %s is outside %s", v, w)
	case ReasonEmptyID:
		return s + "the ID is empty"
	case ReasonIDTooLong:
		return s + fmt.Sprintf("the text is %s bytes long; at most %s are allowed", v, w)
	case ReasonInvalidText:
		return s + "the text is not valid UTF-8"
	case ReasonDuplicateSlot:
		return s + "the slot ID appears more than once"
	case ReasonNegativeCapacity:
		return s + fmt.Sprintf("capacity %s is negative", v)
	case ReasonCapacityTooLarge:
		return s + fmt.Sprintf("capacity %s is above %s", v, w)
	case ReasonEmptyCategory:
		return s + "a reserved-seat category has an empty name"
	case ReasonNegativeReserved:
		return s + fmt.Sprintf("reserved seats %s are negative", v)
	case ReasonReservedOverCapacity:
		return s + fmt.Sprintf("reserved seats total %s, more than the capacity %s", v, w)
	case ReasonDuplicateEntry:
		return s + "the entry ID appears more than once"
	case ReasonSizeOutOfRange:
		return s + fmt.Sprintf("group size %s is outside %s", v, w)
	case ReasonWeightOutOfRange:
		return s + fmt.Sprintf("weight %s is outside %s", v, w)
	case ReasonTierOutOfRange:
		return s + fmt.Sprintf("tier %s is outside %s", v, w)
	case ReasonNoPrefs:
		return s + "the entry lists no preferred slot"
	case ReasonTooManyPrefs:
		return s + fmt.Sprintf("the entry lists %s preferences; at most %s are allowed", v, w)
	case ReasonUnknownSlot:
		return s + "the preferred slot does not exist"
	case ReasonRepeatedSlot:
		return s + "the slot is listed more than once in the preferences"
	case ReasonNoRandomness:
		return s + "no public source and no secret: the seed would be predictable"
	case ReasonEmptySource:
		return s + "the source has no value"
	case ReasonBadSourceValue:
		return s + fmt.Sprintf("value %q is not a non-negative decimal integer", v)
	case ReasonSecretTooShort:
		return s + fmt.Sprintf("the secret is %s bytes long, outside %s", v, w)
	case ReasonSecretMismatch:
		return s + "the revealed secret does not match the published commitment"
	case ReasonBadSelection:
		return s + fmt.Sprintf("cannot select %s from a pool of %s", v, w)
	case ReasonUnknownEntry:
		return s + "no such entry in the draw"
	case ReasonNotHeld:
		return s + "the entry does not currently hold a seat in this slot"
	case ReasonBadFormat:
		return s + fmt.Sprintf("record format %q is not %q", v, w)
	case ReasonBadEventKind:
		return s + fmt.Sprintf("event kind %q is not one of %s", v, w)
	case ReasonIncompleteRecord:
		return s + "the record lacks this part"
	case ReasonBadHex:
		return s + fmt.Sprintf("value %q is not %s", v, w)
	case ReasonUnknownPool:
		return s + "no slot reserves seats for this category"
	}
	return s + "rejected (" + string(e.Reason) + ")"
}

// Japanese returns the message in Japanese.
func (e *InputError) Japanese() string {
	_, s := e.subject()
	v, w := e.Value, e.Want
	switch e.Reason {
	case ReasonBadConfig:
		return s + fmt.Sprintf("設定値 %s が許容範囲 %s の外です", v, w)
	case ReasonEmptyID:
		return s + "IDが空です"
	case ReasonIDTooLong:
		return s + fmt.Sprintf("文字列が %s バイトあります（上限 %s バイト）", v, w)
	case ReasonInvalidText:
		return s + "文字列が正しいUTF-8ではありません"
	case ReasonDuplicateSlot:
		return s + "枠IDが重複しています"
	case ReasonNegativeCapacity:
		return s + fmt.Sprintf("定員 %s が負の値です", v)
	case ReasonCapacityTooLarge:
		return s + fmt.Sprintf("定員 %s が上限 %s を超えています", v, w)
	case ReasonEmptyCategory:
		return s + "優先枠の区分名が空です"
	case ReasonNegativeReserved:
		return s + fmt.Sprintf("優先枠の席数 %s が負の値です", v)
	case ReasonReservedOverCapacity:
		return s + fmt.Sprintf("優先枠の合計 %s 席が定員 %s を超えています", v, w)
	case ReasonDuplicateEntry:
		return s + "応募IDが重複しています"
	case ReasonSizeOutOfRange:
		return s + fmt.Sprintf("人数 %s が許容範囲 %s の外です", v, w)
	case ReasonWeightOutOfRange:
		return s + fmt.Sprintf("口数（重み） %s が許容範囲 %s の外です", v, w)
	case ReasonTierOutOfRange:
		return s + fmt.Sprintf("優先順位区分 %s が許容範囲 %s の外です", v, w)
	case ReasonNoPrefs:
		return s + "希望枠が一つもありません"
	case ReasonTooManyPrefs:
		return s + fmt.Sprintf("希望枠が %s 件あります（上限 %s 件）", v, w)
	case ReasonUnknownSlot:
		return s + "希望枠が存在しません"
	case ReasonRepeatedSlot:
		return s + "同じ枠が希望に重複して記載されています"
	case ReasonNoRandomness:
		return s + "公開乱数源も秘密値もないため、シードが予測可能になります"
	case ReasonEmptySource:
		return s + "乱数源に値がありません"
	case ReasonBadSourceValue:
		return s + fmt.Sprintf("値 %q が0以上の10進整数ではありません", v)
	case ReasonSecretTooShort:
		return s + fmt.Sprintf("秘密値の長さ %s バイトが許容範囲 %s の外です", v, w)
	case ReasonSecretMismatch:
		return s + "公開された秘密値がコミットメントと一致しません"
	case ReasonBadSelection:
		return s + fmt.Sprintf("%s 件の母集団から %s 件は選べません", w, v)
	case ReasonUnknownEntry:
		return s + "抽選にその応募がありません"
	case ReasonNotHeld:
		return s + "その応募はこの枠の席を保有していません"
	case ReasonBadFormat:
		return s + fmt.Sprintf("記録形式 %q は %q ではありません", v, w)
	case ReasonBadEventKind:
		return s + fmt.Sprintf("イベント種別 %q は %s のいずれでもありません", v, w)
	case ReasonIncompleteRecord:
		return s + "記録にこの部分がありません"
	case ReasonBadHex:
		return s + fmt.Sprintf("値 %q は %s ではありません", v, w)
	case ReasonUnknownPool:
		return s + "この区分の優先枠を持つ枠がありません"
	}
	return s + "受け付けられません（" + string(e.Reason) + "）"
}

// InvalidInputError holds every problem found in one input: validation
// does not stop at the first. It matches [ErrInvalidInput], and
// errors.As finds each *[InputError] through Unwrap.
type InvalidInputError struct {
	Problems []*InputError
}

// Unwrap returns the problems.
func (e *InvalidInputError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// Is reports whether target is [ErrInvalidInput].
func (e *InvalidInputError) Is(target error) bool { return target == ErrInvalidInput }

// Code returns the machine-readable code "invalid_input".
func (e *InvalidInputError) Code() string { return "invalid_input" }

const maxListedProblems = 10

func (e *InvalidInputError) list(msg func(*InputError) string, more string) string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i == maxListedProblems {
			fmt.Fprintf(&b, more, len(e.Problems)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(msg(p))
	}
	return b.String()
}

// English returns every problem in English (the first ten, then a count).
func (e *InvalidInputError) English() string {
	return fmt.Sprintf("%d problem(s): ", len(e.Problems)) +
		e.list((*InputError).English, "; and %d more")
}

// Japanese returns every problem in Japanese (the first ten, then a count).
func (e *InvalidInputError) Japanese() string {
	return fmt.Sprintf("%d 件の問題：", len(e.Problems)) +
		e.list((*InputError).Japanese, "；ほか %d 件")
}

// Error returns the English message prefixed by the package and code.
func (e *InvalidInputError) Error() string {
	return "kuji/lottery: invalid_input: " + e.English()
}

// MismatchError is the first difference [Verify] found between a draw
// record and what its input, seed material and events produce.
type MismatchError struct {
	// Reason names the part of the record that differs.
	Reason Reason
	// Index is the position in the list that differs (order, wins,
	// waitlist, events), or -1.
	Index int
	Entry string // entry concerned, if any
	Slot  string // slot concerned, if any
	Want  string // what recomputation gives
	Got   string // what the record says
}

// Parts of a draw record that [Verify] compares, as [MismatchError] reasons.
const (
	MismatchInputDigest      Reason = "input_digest"
	MismatchKeyString        Reason = "key_string"
	MismatchSecretCommitment Reason = "secret_commitment"
	MismatchSeed             Reason = "seed"
	MismatchOrder            Reason = "order"
	MismatchKey              Reason = "key"
	MismatchWins             Reason = "wins"
	MismatchWaitlist         Reason = "waitlist"
	MismatchResultDigest     Reason = "result_digest"
	MismatchEvent            Reason = "event"
)

// Code returns the machine-readable code, "mismatch_" followed by the part.
func (e *MismatchError) Code() string { return "mismatch_" + string(e.Reason) }

// Is reports whether target is [ErrMismatch], or [ErrSecretMismatch] for a
// revealed secret that does not match its commitment.
func (e *MismatchError) Is(target error) bool {
	return target == ErrMismatch || (target == ErrSecretMismatch && e.Reason == MismatchSecretCommitment)
}

// Error returns the English message prefixed by the package and code.
func (e *MismatchError) Error() string {
	return "kuji/lottery: " + e.Code() + ": " + e.English()
}

func (e *MismatchError) where(en bool) string {
	var parts []string
	if e.Index >= 0 {
		if en {
			parts = append(parts, fmt.Sprintf("at %d", e.Index))
		} else {
			parts = append(parts, fmt.Sprintf("%d 番目", e.Index))
		}
	}
	if e.Entry != "" {
		if en {
			parts = append(parts, fmt.Sprintf("entry %q", e.Entry))
		} else {
			parts = append(parts, fmt.Sprintf("応募 %q", e.Entry))
		}
	}
	if e.Slot != "" {
		if en {
			parts = append(parts, fmt.Sprintf("slot %q", e.Slot))
		} else {
			parts = append(parts, fmt.Sprintf("枠 %q", e.Slot))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if en {
		return " (" + strings.Join(parts, ", ") + ")"
	}
	return "（" + strings.Join(parts, "、") + "）"
}

// English returns the message in English.
func (e *MismatchError) English() string {
	return fmt.Sprintf("%s differs%s: recomputed %s, record has %s",
		strings.ReplaceAll(string(e.Reason), "_", " "), e.where(true), e.Want, e.Got)
}

var mismatchJa = map[Reason]string{
	MismatchInputDigest:      "入力ダイジェスト",
	MismatchKeyString:        "キー文字列",
	MismatchSecretCommitment: "秘密値のコミットメント",
	MismatchSeed:             "シード",
	MismatchOrder:            "優先順位",
	MismatchKey:              "抽選キー",
	MismatchWins:             "当選",
	MismatchWaitlist:         "補欠順位",
	MismatchResultDigest:     "結果ダイジェスト",
	MismatchEvent:            "繰り上げイベント",
}

// Japanese returns the message in Japanese.
func (e *MismatchError) Japanese() string {
	part, ok := mismatchJa[e.Reason]
	if !ok {
		part = string(e.Reason)
	}
	return fmt.Sprintf("%sが一致しません%s：再計算 %s、記録 %s", part, e.where(false), e.Want, e.Got)
}
