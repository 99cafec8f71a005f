package lottery

// Slot is one date and time slot that seats can be won for.
type Slot struct {
	// ID names the slot, e.g. "2021-07-24/1". It is compared as bytes.
	ID string `json:"id"`
	// Capacity is the number of seats.
	Capacity int `json:"capacity"`
	// Reserved holds seats set aside per entry category (for example half of
	// the seats for ward residents). The reserved seats of all categories
	// together never exceed Capacity.
	Reserved map[string]int `json:"reserved,omitempty"`
}

// Entry is one application as the lottery sees it: pseudonymous, with no
// personal field.
type Entry struct {
	// ID is the application's receipt number; unique within a draw.
	ID string `json:"id"`
	// Size is the number of seats the whole group needs (representative and
	// companions, infants included). Groups are never split.
	Size int `json:"size"`
	// Prefs lists slot IDs, most wanted first.
	Prefs []string `json:"prefs"`
	// Weight is the number of tickets the entry holds in the drum (1..1000).
	Weight int `json:"weight"`
	// Tier is a strict priority class: every entry of tier 0 comes before
	// any entry of tier 1, and so on.
	Tier int `json:"tier"`
	// Category selects reserved seats (for example "resident"); empty means
	// the entry is eligible for unreserved seats only.
	Category string `json:"category,omitempty"`
}

// Config bounds the entries of a draw.
type Config struct {
	// MaxPrefs is the most preferences an entry may list (1..[MaxPrefsLimit]).
	MaxPrefs int `json:"max_prefs"`
	// MaxGroupSize is the largest group an entry may be (1..[MaxGroupSizeLimit]).
	MaxGroupSize int `json:"max_group_size"`
	// MaxWins is how many slots one entry may win; 0 means 1.
	MaxWins int `json:"max_wins"`
}

// Input is everything a draw is run over. Its canonical encoding
// ([Input.Digest]) is committed to before the seed is known; the order of
// its slots and entries does not matter.
type Input struct {
	Config  Config  `json:"config"`
	Slots   []Slot  `json:"slots"`
	Entries []Entry `json:"entries"`
}
