package lottery

// Format is the version tag of the draw record JSON this package writes
// and verifies.
const Format = "kuji-draw-record/v1"

// Record is a draw record: everything needed to re-run and check a draw,
// and its outcome. It is stable, versioned JSON ([Format]); JSON field
// names and meanings do not change within a format version.
//
// A Record from [Draw] shares Input's slices with the caller: do not
// modify them afterwards. Change a record only through [Record.Cancel] and
// [Record.Lapse]; a Record is not safe for concurrent use.
type Record struct {
	Format string `json:"format"`
	// Input is the committed input, as given to Draw.
	Input Input `json:"input"`
	// InputDigest is the commitment: SHA-256 of Input's canonical encoding.
	InputDigest  Digest       `json:"input_digest"`
	SeedMaterial SeedMaterial `json:"seed_material"`
	// KeyString is SeedMaterial.Sources canonicalised as RFC 3797 does.
	KeyString string `json:"key_string"`
	Seed      Digest `json:"seed"`
	// Order is every entry with its key, in priority order.
	Order []Ranked `json:"order"`
	// Wins are the seats the draw allocated, in the order it allocated them.
	Wins []Win `json:"wins"`
	// Waitlists has one list per slot, in slot ID order.
	Waitlists []Waitlist `json:"waitlists"`
	// ResultDigest is SHA-256 of the canonical encoding of the draw's
	// outcome (Order, Wins, Waitlists), bound to InputDigest and Seed.
	ResultDigest Digest `json:"result_digest"`
	// Events are the cancellations and lapses since the draw, each with
	// the promotions it caused, in the order they happened.
	Events []Event `json:"events"`

	live *liveState
}

// Ranked is one entry's place in the priority order and its key.
type Ranked struct {
	Entry string `json:"entry"`
	Key   Digest `json:"key"`
}

// Win is one seat allocation: a whole group in one slot.
type Win struct {
	Entry string `json:"entry"`
	Slot  string `json:"slot"`
	// Pool is the reserved-seat category the seats came from, or "" for
	// the general pool.
	Pool string `json:"pool,omitempty"`
	// Round is the draw round (1..MaxWins) that allocated the seats, or 0
	// for a promotion from a waitlist.
	Round int `json:"round"`
}

// Waitlist is a slot's waitlist: the entries that listed the slot, did not
// win it and were under their win limit after the draw, in priority order.
type Waitlist struct {
	Slot    string   `json:"slot"`
	Entries []string `json:"entries"`
}

// EventKind says why seats were freed.
type EventKind string

// Event kinds.
const (
	// EventCancel: the entry gave up its seats in the slot.
	EventCancel EventKind = "cancel"
	// EventLapse: the entry did not confirm its seats in time.
	EventLapse EventKind = "lapse"
)

// Event frees one entry's seats in one slot and records the promotions it
// caused, so that the sequence of events replays exactly.
type Event struct {
	Kind     EventKind `json:"kind"`
	Entry    string    `json:"entry"`
	Slot     string    `json:"slot"`
	Promoted []Win     `json:"promoted"`
}

// Draw validates the input and the seed material, and runs the draw
// (SPEC.md). An invalid input or seed material returns an
// *[InvalidInputError] holding every problem, and nothing is drawn.
//
// Publish in.Digest() before the seed can be known; the record's
// InputDigest must equal it.
func Draw(in Input, seed SeedMaterial) (*Record, error) {
	p, err := prepare(&in)
	var ps problems
	if err != nil {
		ps = append(ps, asProblems(err)...)
	}
	keyString, err := seed.check()
	if err != nil {
		ps = append(ps, asProblems(err)...)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	inputDigest := p.digest()
	s := deriveSeed(inputDigest, keyString, seed.Secret)
	o := p.run(s)
	finish := p.hashResult(inputDigest, s, o)
	// Lists are written as JSON arrays, never null.
	if in.Slots == nil {
		in.Slots = []Slot{}
	}
	if in.Entries == nil {
		in.Entries = []Entry{}
	}
	r := &Record{
		Format:       Format,
		Input:        in,
		InputDigest:  inputDigest,
		SeedMaterial: seed,
		KeyString:    keyString,
		Seed:         s,
		Events:       []Event{},
	}
	r.Order, r.Wins, r.Waitlists = p.publish(o)
	r.ResultDigest = finish()
	return r, nil
}
