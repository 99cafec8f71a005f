package adapters

import (
	"context"
	"time"
)

// Store is one database holding any number of events.
type Store interface {
	// Update runs fn in a read-write transaction. If fn returns an error,
	// or the context is cancelled, nothing fn wrote is kept and the error
	// is returned; otherwise the transaction commits and, once Update
	// returns nil, survives a crash. Implementations serialise or isolate
	// concurrent Updates so that every documented invariant (uniqueness,
	// compare-and-set, gap-free audit indexes) holds.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction with a consistent view.
	View(ctx context.Context, fn func(ReadTx) error) error
	// Close releases the store. Later calls return ErrClosed.
	Close() error
}

// Compacter is implemented by stores that can physically reclaim the space
// of deleted rows, so that deleted personal data does not linger in free
// pages or logs (SQLite: WAL checkpoint TRUNCATE and VACUUM; PostgreSQL:
// VACUUM). The retention side calls it after a purge.
type Compacter interface {
	Compact(ctx context.Context) error
}

// ReadTx is the read half of a transaction.
type ReadTx interface {
	EventReader
	ApplicationReader
	ConsentReader
	DrawReader
	OutboxReader
	CheckInReader
	ContactCardReader
	DesignationReader
	ErasureReader
	AuditReader
}

// Tx is a read-write transaction.
type Tx interface {
	ReadTx
	EventWriter
	ApplicationWriter
	ConsentWriter
	DrawWriter
	OutboxWriter
	CheckInWriter
	ContactCardWriter
	DesignationWriter
	ErasureWriter
	Purger
}

// Event is one event's row: its lifecycle state and the core's non-personal
// configuration and public artefacts (schema, slots, commitment, sources,
// aggregates) as one opaque JSON document.
type Event struct {
	ID    string
	State string
	// Version increases by one on every successful UpdateEvent; it is the
	// optimistic-concurrency token.
	Version int64
	Data    []byte
	Updated time.Time
}

// EventReader reads events.
type EventReader interface {
	// Event returns the event, or ErrNotFound. Inside a Tx it also holds
	// the event until the transaction ends: another transaction's
	// UpdateEvent of it waits until then. An operation that checked the
	// event's state (open for applications, say) thus commits before a
	// change of state can, and never lands on the wrong side of it.
	Event(ctx context.Context, id string) (Event, error)
	// EventState is Event without the data: just the state, held the same
	// way inside a Tx. Intake reads it for every application, where the
	// event's configuration would be dead weight.
	EventState(ctx context.Context, id string) (string, error)
}

// EventWriter creates and updates events.
type EventWriter interface {
	// CreateEvent stores a new event with Version 1. ErrDuplicate if the ID
	// exists.
	CreateEvent(ctx context.Context, ev Event) error
	// UpdateEvent replaces State, Data and Updated if the stored version
	// equals ev.Version, and increments the version; otherwise ErrConflict
	// (ErrNotFound if there is no such event). It returns the new version.
	UpdateEvent(ctx context.Context, ev Event) (int64, error)
	// NextReceipt hands out the event's next receipt sequence number,
	// starting at 1. Numbers are unique and increasing within an event; gaps
	// are allowed (a transaction that rolls back may consume a number), so
	// implementations may allocate outside the transaction's isolation.
	NextReceipt(ctx context.Context, event string) (int64, error)
}

// IntakeTx is an optional interface of a [Tx], for stores where a round
// trip to the database is dear (PostgreSQL): intake reads the event's
// state and takes a receipt number for every application, and OpenIntake
// does both at once. It is EventState followed by NextReceipt: the event is
// held as EventState holds it, and the number is taken whatever the state
// (a gap, as NextReceipt allows, if the caller then refuses). Stores that
// do not implement it are used through those two methods.
type IntakeTx interface {
	OpenIntake(ctx context.Context, event string) (state string, receipt int64, err error)
}

// Application is one application's row. Personal data is only in Sealed;
// every other field is non-personal (pseudonymous receipt number, choices
// the lottery needs, state).
type Application struct {
	ID       string // uuid, unique in the store
	Event    string
	Receipt  string // human receipt number, unique within the event
	Channel  string
	Category string
	Size     int      // seats the whole group needs
	Prefs    []string // slot IDs, most wanted first
	Weight   int
	Tier     int
	Status   string
	Created  time.Time
	// Sealed maps a data class to the sealed blob of that class's fields.
	Sealed map[string][]byte
	// Identity holds duplicate-identity blind indexes; each is unique
	// within the event across all applications (ErrDuplicate otherwise).
	Identity [][]byte
	// Search holds reception-desk search keys (not unique).
	Search []BlindKey
	// Consent, if set, is the application's consent receipt:
	// InsertApplication stores it with the application, as PutConsent
	// would (Consent.Event and Consent.Application must name it). Reads
	// leave it nil; Consent reads a receipt.
	Consent *Consent
}

// BlindKey is a keyed blind index: an HMAC of a normalised value, with the
// kind of value it was computed over (e.g. "kana", "phone").
type BlindKey struct {
	Kind string
	MAC  []byte
}

// ApplicationFilter selects what ListApplications returns.
type ApplicationFilter struct {
	// Status, if not empty, keeps only applications in one of these states.
	Status []string
	// Classes names the data classes whose sealed blobs are loaded into
	// Application.Sealed; nil loads none (cheap listing for the lottery and
	// aggregates).
	Classes []string
}

// ApplicationReader reads applications.
type ApplicationReader interface {
	// Application returns the application with its sealed blobs, or
	// ErrNotFound.
	Application(ctx context.Context, event, id string) (Application, error)
	// ApplicationByReceipt is Application by receipt number.
	ApplicationByReceipt(ctx context.Context, event, receipt string) (Application, error)
	// FindApplications returns the IDs of the event's applications that
	// carry the search key, ordered by receipt number.
	FindApplications(ctx context.Context, event string, key BlindKey) ([]string, error)
	// HasIdentity reports whether any application of the event holds the
	// identity blind index.
	HasIdentity(ctx context.Context, event string, mac []byte) (bool, error)
	// ListApplications calls fn for each matching application of the event
	// in receipt-number order, with its identity and search keys and the
	// sealed blobs of the filter's classes. An error from fn stops the
	// listing and is returned.
	ListApplications(ctx context.Context, event string, f ApplicationFilter, fn func(Application) error) error
	// ListSealed calls fn with the receipt number of every application of
	// the event that holds a sealed blob of the data class, in receipt
	// order, without reading the blobs: what a retention plan counts and
	// an erasure certificate lists.
	ListSealed(ctx context.Context, event, class string, fn func(receipt string) error) error
}

// ApplicationWriter writes applications.
type ApplicationWriter interface {
	// InsertApplication stores the row, its sealed blobs, identity and
	// search keys, and its consent receipt if given. ErrDuplicate if the
	// ID, the receipt number or any identity key is taken; then nothing of
	// it is stored.
	InsertApplication(ctx context.Context, a Application) error
	// SetStatus changes an application's status from `from` to `to`
	// (compare-and-set): ErrConflict if the current status is not `from`,
	// ErrNotFound if there is no such application.
	SetStatus(ctx context.Context, event, id, from, to string) error
	// DeleteApplication physically deletes one application and everything
	// keyed to it: sealed blobs, identity and search keys, consent
	// receipt, outbox messages and check-ins. ErrNotFound if absent.
	DeleteApplication(ctx context.Context, event, id string) error
}

// Consent is a consent receipt (or its withdrawal) as a non-personal JSON
// document keyed to one application.
type Consent struct {
	ID          string
	Event       string
	Application string
	Data        []byte
}

// ConsentReader reads consent receipts.
type ConsentReader interface {
	// Consent returns the receipt of an application, or ErrNotFound.
	Consent(ctx context.Context, event, application string) (Consent, error)
}

// ConsentWriter writes consent receipts.
type ConsentWriter interface {
	// PutConsent stores or replaces the application's receipt.
	PutConsent(ctx context.Context, c Consent) error
}

// DrawReader reads draw records.
type DrawReader interface {
	// DrawRecord returns the event's draw record (JSON), or ErrNotFound.
	DrawRecord(ctx context.Context, event string) ([]byte, error)
}

// DrawWriter writes draw records.
type DrawWriter interface {
	// PutDrawRecord stores or replaces the event's draw record.
	PutDrawRecord(ctx context.Context, event string, record []byte) error
}

// Message states in the outbox.
const (
	MessagePending = "pending" // waiting to be claimed (or to be retried)
	MessageClaimed = "claimed" // a worker holds it until LeaseUntil
	MessageSent    = "sent"
	MessageFailed  = "failed"  // given up; Reason says why
	MessageBounced = "bounced" // the recipient's server refused it
)

// Message is an outbox entry. It holds no address and no text: the sender
// renders it from the application's sealed data, for the notification
// purpose, when it sends.
type Message struct {
	// Key is unique in the store; the core derives it from (event,
	// application, kind) so that enqueueing twice is refused and a message
	// is never sent twice.
	Key         string
	Event       string
	Application string
	Kind        string // won, lost, waitlisted, promoted, deadline, ...
	Status      string
	Attempts    int
	NextAttempt time.Time
	ClaimedBy   string
	LeaseUntil  time.Time
	Reason      string // machine-readable reason of the last failure
	Updated     time.Time
}

// MessageFilter selects what ListMessages returns.
type MessageFilter struct {
	Status []string // empty: all
}

// OutboxReader reads the outbox.
type OutboxReader interface {
	// Message returns one message by key, or ErrNotFound.
	Message(ctx context.Context, key string) (Message, error)
	// ListMessages calls fn for the event's messages in key order.
	ListMessages(ctx context.Context, event string, f MessageFilter, fn func(Message) error) error
}

// OutboxWriter enqueues, claims and completes messages.
type OutboxWriter interface {
	// EnqueueMessage stores a pending message. ErrDuplicate if the key
	// exists (whatever its status).
	EnqueueMessage(ctx context.Context, m Message) error
	// ClaimMessages claims up to limit messages of the event that are
	// pending with NextAttempt <= now, or claimed with LeaseUntil <= now
	// (their worker died), oldest NextAttempt first: it sets them claimed
	// by worker until now+lease, increments Attempts and returns them.
	// Concurrent claims never return the same message to two workers.
	ClaimMessages(ctx context.Context, event, worker string, now time.Time, lease time.Duration, limit int) ([]Message, error)
	// CompleteMessage records the outcome of a claimed message: status is
	// MessageSent, MessageFailed, MessageBounced, or MessagePending with
	// next as the retry time. ErrConflict if the message is not claimed by
	// worker any more (its lease expired and someone else took it).
	CompleteMessage(ctx context.Context, key, worker, status, reason string, next, now time.Time) error
}

// CheckIn records that an application's group arrived for a slot.
type CheckIn struct {
	Event       string
	Application string
	Slot        string
	Actor       string
	At          time.Time
}

// CheckInReader reads check-ins.
type CheckInReader interface {
	// ListCheckIns calls fn for the event's check-ins in time order.
	ListCheckIns(ctx context.Context, event string, fn func(CheckIn) error) error
}

// CheckInWriter writes check-ins.
type CheckInWriter interface {
	// InsertCheckIn stores a check-in. ErrDuplicate if the application is
	// already checked in for the slot.
	InsertCheckIn(ctx context.Context, c CheckIn) error
}

// ContactCard is a walk-in group's contact card: everything personal is
// sealed under its data class; Slot is the date/time slot of the visit, the
// only lookup key (for infection tracing of a cluster on that slot).
type ContactCard struct {
	ID     string
	Event  string
	Slot   string
	Class  string
	Sealed []byte
	// Consent is the card's consent receipt (channel walk-in) as a
	// non-personal JSON document.
	Consent []byte
	Created time.Time
}

// ContactCardReader reads contact cards.
type ContactCardReader interface {
	// ListContactCards calls fn for the event's cards of a slot ("" for
	// all slots) in creation order.
	ListContactCards(ctx context.Context, event, slot string, fn func(ContactCard) error) error
}

// ContactCardWriter writes contact cards.
type ContactCardWriter interface {
	// InsertContactCard stores a card. ErrDuplicate if the ID is taken.
	InsertContactCard(ctx context.Context, c ContactCard) error
}

// Designation is one designation record (responsible person or handler) as
// an opaque JSON document owned by the audit package.
type Designation struct {
	ID    string
	Event string
	Data  []byte
}

// DesignationReader reads designations.
type DesignationReader interface {
	// Designations returns the event's designations in ID order.
	Designations(ctx context.Context, event string) ([]Designation, error)
}

// DesignationWriter writes designations.
type DesignationWriter interface {
	// PutDesignation stores or replaces a designation (a revocation is a
	// replacement that records the revocation time).
	PutDesignation(ctx context.Context, d Designation) error
}

// Erasure is an erasure record with its certificate.
type Erasure struct {
	ID      string
	Event   string
	Created time.Time
	// Data is the certificate as JSON; Signed is its clear-signed text.
	Data   []byte
	Signed []byte
}

// ErasureReader reads erasure records.
type ErasureReader interface {
	// Erasures returns the event's erasure records in creation order.
	Erasures(ctx context.Context, event string) ([]Erasure, error)
}

// ErasureWriter writes erasure records.
type ErasureWriter interface {
	// InsertErasure stores an erasure record. ErrDuplicate if the ID is
	// taken.
	InsertErasure(ctx context.Context, e Erasure) error
}

// Purger physically deletes personal data when its retention ends.
type Purger interface {
	// PurgeClass deletes every sealed blob of the data class in the event:
	// the class's blobs of all applications and the contact cards of that
	// class. It returns the number of blobs and cards deleted.
	PurgeClass(ctx context.Context, event, class string) (int64, error)
	// PurgeApplications deletes all of the event's applications and
	// everything keyed to them (see DeleteApplication). It returns the
	// number of applications deleted.
	PurgeApplications(ctx context.Context, event string) (int64, error)
}
