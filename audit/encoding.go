package audit

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"time"
)

// EntryVersion is the version of the leaf encoding [Entry.Encode] writes.
const EntryVersion = 1

// The leaf encoding, version 1, is one JSON object without insignificant
// white space, with the members below in this order; members marked
// omitempty are left out when empty (zero, "" or no items). Times are UTC in
// RFC 3339 with as many fractional-second digits as needed (Go's
// time.RFC3339Nano). Every string is ASCII by construction (see
// [Entry.Validate]), so no escaping occurs. An encoding is canonical when
// decoding and re-encoding it gives the same bytes; [DecodeEntry] refuses
// anything else.
type wireEntry struct {
	V          int          `json:"v"`
	Time       string       `json:"time"`
	Actor      string       `json:"actor"`
	Role       Role         `json:"role"`
	Purpose    string       `json:"purpose,omitempty"`
	Action     Action       `json:"action"`
	Event      string       `json:"event"`
	Subjects   []string     `json:"subjects,omitempty"`
	Categories []string     `json:"categories,omitempty"`
	Outcome    Outcome      `json:"outcome"`
	Reason     string       `json:"reason,omitempty"`
	Details    *wireDetails `json:"details,omitempty"`
}

type wireDetails struct {
	Count        int64            `json:"count,omitempty"`
	Bytes        int64            `json:"bytes,omitempty"`
	SHA256       string           `json:"sha256,omitempty"`
	Fingerprints []string         `json:"fingerprints,omitempty"`
	DataClasses  []string         `json:"data_classes,omitempty"`
	Designation  *wireDesignation `json:"designation,omitempty"`
}

// wireDesignation leaves out the event (it is the entry's) and the display
// name (never logged).
type wireDesignation struct {
	ID           string       `json:"id"`
	Actor        string       `json:"actor"`
	Role         Role         `json:"role"`
	Organisation Organisation `json:"organisation"`
	Purposes     []string     `json:"purposes"`
	From         string       `json:"from"`
	Until        string       `json:"until"`
	TrainedOn    string       `json:"trained_on,omitempty"`
	RevokedAt    string       `json:"revoked_at,omitempty"`
}

// Encode validates e and returns its canonical leaf encoding (see
// [EntryVersion]). An invalid entry gives an [ErrorList] of [*EntryError].
func (e Entry) Encode() ([]byte, error) {
	return e.encode(0)
}

func (e Entry) encode(pos int64) ([]byte, error) {
	if errs := e.problems(pos); len(errs) > 0 {
		return nil, ErrorList(errs)
	}
	return json.Marshal(e.wire())
}

func (e Entry) wire() wireEntry {
	w := wireEntry{
		V:          EntryVersion,
		Time:       formatTime(e.Time),
		Actor:      e.Actor,
		Role:       e.Role,
		Purpose:    e.Purpose,
		Action:     e.Action,
		Event:      e.Event,
		Subjects:   e.Subjects,
		Categories: e.Categories,
		Outcome:    e.Outcome,
		Reason:     e.Reason,
	}
	if d := e.Details; !d.IsZero() {
		wd := &wireDetails{
			Count:        d.Count,
			Bytes:        d.Bytes,
			Fingerprints: d.Fingerprints,
			DataClasses:  d.DataClasses,
		}
		if !d.SHA256.IsZero() {
			wd.SHA256 = d.SHA256.String()
		}
		if g := d.Designation; g != nil {
			wd.Designation = &wireDesignation{
				ID:           g.ID,
				Actor:        g.Actor,
				Role:         g.Role,
				Organisation: g.Organisation,
				Purposes:     g.Purposes,
				From:         formatTime(g.From),
				Until:        formatTime(g.Until),
				TrainedOn:    formatTime(g.TrainedOn),
				RevokedAt:    formatTime(g.RevokedAt),
			}
		}
		w.Details = wd
	}
	return w
}

// DecodeEntry parses a leaf written by [Entry.Encode]. It refuses, with an
// [*EntryError] or an [ErrorList] of them, bytes that are not a valid entry
// in canonical form.
func DecodeEntry(data []byte) (Entry, error) {
	return decodeEntry(data, -1)
}

func decodeEntry(data []byte, pos int64) (Entry, error) {
	bad := func(field string, r Reason) (Entry, error) {
		return Entry{}, &EntryError{Entry: pos, Field: field, Index: -1, Reason: r}
	}
	var w wireEntry
	if err := json.Unmarshal(data, &w); err != nil {
		return bad("", ReasonMalformed)
	}
	if w.V != EntryVersion {
		return bad("v", ReasonVersion)
	}
	e := Entry{
		Actor:      w.Actor,
		Role:       w.Role,
		Purpose:    w.Purpose,
		Action:     w.Action,
		Event:      w.Event,
		Subjects:   w.Subjects,
		Categories: w.Categories,
		Outcome:    w.Outcome,
		Reason:     w.Reason,
	}
	var ok bool
	if e.Time, ok = parseTime(w.Time); !ok {
		return bad("time", ReasonMalformed)
	}
	if wd := w.Details; wd != nil {
		d := &e.Details
		d.Count, d.Bytes = wd.Count, wd.Bytes
		d.Fingerprints, d.DataClasses = wd.Fingerprints, wd.DataClasses
		if wd.SHA256 != "" {
			b, err := hex.DecodeString(wd.SHA256)
			if err != nil || len(b) != len(d.SHA256) {
				return bad("details.sha256", ReasonMalformed)
			}
			copy(d.SHA256[:], b)
		}
		if wg := wd.Designation; wg != nil {
			g := &Designation{
				ID:           wg.ID,
				Event:        w.Event,
				Actor:        wg.Actor,
				Role:         wg.Role,
				Organisation: wg.Organisation,
				Purposes:     wg.Purposes,
			}
			for _, t := range []struct {
				field string
				in    string
				out   *time.Time
			}{
				{"from", wg.From, &g.From},
				{"until", wg.Until, &g.Until},
				{"trained_on", wg.TrainedOn, &g.TrainedOn},
				{"revoked_at", wg.RevokedAt, &g.RevokedAt},
			} {
				if *t.out, ok = parseTime(t.in); !ok {
					return bad("details.designation."+t.field, ReasonMalformed)
				}
			}
			d.Designation = g
		}
	}
	if errs := e.problems(pos); len(errs) > 0 {
		return Entry{}, ErrorList(errs)
	}
	again, err := json.Marshal(e.wire())
	if err != nil || !bytes.Equal(again, data) {
		return bad("", ReasonNotCanonical)
	}
	return e, nil
}

// formatTime returns t in the canonical form, or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// parseTime inverts formatTime; "" is the zero time.
func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}
