package audit

import (
	"encoding/hex"
	"errors"
	"time"
)

var errBadDigest = errors.New("kuji/audit: not a SHA-256 digest in hexadecimal")

// Role is the capacity an actor acted in.
type Role string

// Roles. [RoleResponsible] and [RoleHandler] are the roles a [Designation]
// grants.
const (
	RoleResponsible Role = "responsible" // 取扱責任者, the event's responsible person
	RoleHandler     Role = "handler"     // 取扱者, a designated handler
	RoleSystem      Role = "system"      // the library or the embedding program acting on its own
	RoleApplicant   Role = "applicant"   // the person the data is about
	RoleNone        Role = "none"        // no designation for the event: recorded on denied attempts
)

var roles = []Role{RoleResponsible, RoleHandler, RoleSystem, RoleApplicant, RoleNone}

// Action is what was done.
type Action string

// Actions. The set is closed: an entry with another action is refused.
const (
	ActionView          Action = "view"                // personal data shown to an actor
	ActionEdit          Action = "edit"                // personal data corrected
	ActionExport        Action = "export"              // personal data written out (encrypted)
	ActionImport        Action = "import"              // personal data read in (typed-in postcards)
	ActionNotify        Action = "notify"              // a message sent to applicants
	ActionCheckIn       Action = "check-in"            // an applicant admitted on the day
	ActionContactRecord Action = "contact-card-record" // a walk-in contact card taken
	ActionContactLookup Action = "contact-card-lookup" // contact cards read for infection tracing
	ActionApply         Action = "apply"               // an application received
	ActionWithdraw      Action = "withdraw"            // an application or a consent withdrawn
	ActionStateChange   Action = "state-change"        // an application's state changed (won, lost, confirmed, ...)
	ActionDraw          Action = "draw"                // a lottery drawn
	ActionPurge         Action = "purge"               // data erased (keys destroyed, rows deleted)
	ActionCertify       Action = "certify-erasure"     // an erasure certificate issued
	ActionDesignate     Action = "designate"           // a designation added (see [Designate])
	ActionRevoke        Action = "revoke-designation"  // a designation revoked (see [Revoke])
)

var actions = []Action{
	ActionView, ActionEdit, ActionExport, ActionImport, ActionNotify, ActionCheckIn,
	ActionContactRecord, ActionContactLookup, ActionApply, ActionWithdraw, ActionStateChange,
	ActionDraw, ActionPurge, ActionCertify, ActionDesignate, ActionRevoke,
}

// NeedsPurpose reports whether the action uses personal data on behalf of
// an actor, so that an entry recording it must name a purpose.
func (a Action) NeedsPurpose() bool {
	switch a {
	case ActionView, ActionEdit, ActionExport, ActionImport, ActionNotify, ActionCheckIn,
		ActionContactRecord, ActionContactLookup:
		return true
	}
	return false
}

// Outcome is how an attempt ended.
type Outcome string

// Outcomes.
const (
	OutcomeAllowed Outcome = "allowed" // authorised and done
	OutcomeDenied  Outcome = "denied"  // refused by [Authorize]; the entry carries the reason
	OutcomeFailed  Outcome = "failed"  // authorised but did not complete
)

var outcomes = []Outcome{OutcomeAllowed, OutcomeDenied, OutcomeFailed}

// Entry is one audited event: who did what to which records, for which
// purpose, and how it ended. It holds identifiers and codes only, never a
// personal value: every field is checked against a conservative pattern
// (see [Entry.Validate]) so that a name or a phone number passed by mistake
// is refused instead of logged.
type Entry struct {
	// Time is when it happened; it is stored in UTC with nanoseconds.
	Time time.Time
	// Actor is the acting account's ID (never a name).
	Actor string
	Role  Role
	// Purpose is the declared purpose (for example "reception"); required
	// when [Action.NeedsPurpose].
	Purpose string
	Action  Action
	// Event is the event's ID.
	Event string
	// Subjects are receipt numbers or record IDs, at most [MaxSubjects]; for
	// larger operations give a count in Details.Count instead.
	Subjects []string
	// Categories are the field categories touched, e.g. "user.contact.phone".
	Categories []string
	Outcome    Outcome
	// Reason is a code saying why an attempt was denied or failed (for
	// denials, a [DenyReason]); empty when allowed.
	Reason string
	// Details holds small non-personal facts about the action.
	Details Details
}

// Limits on an entry's lists.
const (
	MaxSubjects   = 1000
	MaxCategories = 64
	MaxListItems  = 64 // fingerprints, data classes, a designation's purposes
)

// Details are small non-personal facts about an action, as typed fields
// rather than free text.
type Details struct {
	// Count is how many records, rows or messages the action concerned.
	Count int64
	// Bytes is the size of what was written, e.g. an export's ciphertext.
	Bytes int64
	// SHA256 is the digest of what was produced or consumed: an export's
	// ciphertext, a draw record, an erasure certificate. Zero when absent.
	SHA256 Digest
	// Fingerprints are OpenPGP key fingerprints involved (export recipients
	// and signer, a certificate's signing key): 40 or 64 upper-case hex digits.
	Fingerprints []string
	// DataClasses are the data classes concerned, e.g. "contact-card".
	DataClasses []string
	// Designation is the designation an [ActionDesignate] or [ActionRevoke]
	// entry records, without its display name; required when such a change
	// was allowed, optional on a denied or failed attempt.
	Designation *Designation
}

// IsZero reports whether d holds nothing.
func (d Details) IsZero() bool {
	return d.Count == 0 && d.Bytes == 0 && d.SHA256.IsZero() && len(d.Fingerprints) == 0 &&
		len(d.DataClasses) == 0 && d.Designation == nil
}

// Digest is a SHA-256 digest.
type Digest [32]byte

// IsZero reports whether d is all zeros (no digest).
func (d Digest) IsZero() bool { return d == Digest{} }

// String returns d in lower-case hexadecimal.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// ParseDigest parses a SHA-256 digest in hexadecimal, as sha256sum prints
// it (the form adapters/pgp reports an export's digest in).
func ParseDigest(s string) (Digest, error) {
	var d Digest
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(d) {
		return Digest{}, errBadDigest
	}
	copy(d[:], b)
	return d, nil
}
