package retention

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"math"
	"slices"
)

// AggregatesFormat is the format of [Aggregates] in JSON.
const AggregatesFormat = "kuji-aggregates/v1"

// MaxDeclared bounds how many values one dimension of [Aggregates] may
// declare.
const MaxDeclared = 10000

// Declared lists the values each dimension of [Aggregates] may take:
// closed sets from the event's configuration (the schedule's slot IDs,
// the schema's participant categories, the channels, the results), never
// from what people typed. Each value is 1 to 64 bytes of ASCII letters,
// digits and . _ : / -, starting with a letter or digit, and not shaped
// like a phone number (digits and hyphens with ten digits or more).
type Declared struct {
	Slots      []string `json:"slots"`
	Categories []string `json:"categories"`
	Channels   []string `json:"channels"`
	Results    []string `json:"results"`
}

// Cell is one combination of dimension values; "" means the dimension does
// not apply (a walk-in contact card has no result) or, in
// [Aggregates.Count], any value.
type Cell struct {
	Slot     string `json:"slot,omitempty"`
	Category string `json:"category,omitempty"`
	Channel  string `json:"channel,omitempty"`
	Result   string `json:"result,omitempty"`
}

// CellCount is a cell and its count.
type CellCount struct {
	Cell
	Count int64 `json:"count"`
}

// Aggregates are the non-personal counts kept for the event report after
// the purge: how many applications, winners, visitors, ... per slot,
// participant category, channel and result. The Office fills them before
// erasing.
//
// They cannot hold personal data: every key is one of the values declared
// up front ([Declared]), each checked against a narrow pattern, and every
// count is an integer. [Aggregates.Add] and [Aggregates.UnmarshalJSON]
// refuse anything else.
type Aggregates struct {
	declared Declared
	sets     [4]map[string]bool // slots, categories, channels, results
	counts   map[Cell]int64
}

var dimensionFields = [4]string{"slot", "category", "channel", "result"}

// NewAggregates returns empty aggregates over the declared values, or an
// [Errors] naming each bad value by dimension and position (never by its
// text).
func NewAggregates(d Declared) (*Aggregates, error) {
	a := &Aggregates{counts: map[Cell]int64{}}
	lists := [4][]string{d.Slots, d.Categories, d.Channels, d.Results}
	var errs Errors
	for k, list := range lists {
		field := "declared." + dimensionFields[k]
		if len(list) > MaxDeclared {
			errs = append(errs, &Error{Field: field, Index: -1, Reason: ReasonTooMany})
			continue
		}
		a.sets[k] = make(map[string]bool, len(list))
		for i, v := range list {
			switch {
			case checkValue(v) != "":
				errs = append(errs, &Error{Field: field, Index: i, Reason: checkValue(v)})
			case a.sets[k][v]:
				errs = append(errs, &Error{Field: field, Index: i, Reason: ReasonDuplicate})
			}
			a.sets[k][v] = true
		}
	}
	if err := errs.orNil(); err != nil {
		return nil, err
	}
	a.declared = Declared{
		Slots: slices.Clone(d.Slots), Categories: slices.Clone(d.Categories),
		Channels: slices.Clone(d.Channels), Results: slices.Clone(d.Results),
	}
	return a, nil
}

// checkValue accepts aggregate keys: see [Declared].
func checkValue(s string) Reason {
	if s == "" {
		return ReasonMissing
	}
	if len(s) > 64 || !isAlnum(s[0]) {
		return ReasonNotValue
	}
	digits, phoneLike := 0, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digits++
		case c == '-':
		case isLetter(c) || c == '.' || c == '_' || c == ':' || c == '/':
			phoneLike = false
		default:
			return ReasonNotValue
		}
	}
	if phoneLike && digits >= 10 {
		return ReasonNotValue
	}
	return ""
}

// Declared returns the declared values.
func (a *Aggregates) Declared() Declared {
	return Declared{
		Slots: slices.Clone(a.declared.Slots), Categories: slices.Clone(a.declared.Categories),
		Channels: slices.Clone(a.declared.Channels), Results: slices.Clone(a.declared.Results),
	}
}

// Add adds n to the count of cell c. Each non-empty value of c must be
// declared for its dimension, and n must not be negative; otherwise Add
// returns an [Errors] naming the dimensions at fault and changes nothing.
func (a *Aggregates) Add(c Cell, n int64) error {
	var errs Errors
	for k, v := range c.values() {
		if v != "" && !a.sets[k][v] {
			errs = append(errs, &Error{Field: dimensionFields[k], Index: -1, Reason: ReasonUndeclared})
		}
	}
	switch {
	case n < 0:
		errs = append(errs, &Error{Field: "count", Index: -1, Reason: ReasonNegativeCount})
	case a.counts[c] > math.MaxInt64-n:
		errs = append(errs, &Error{Field: "count", Index: -1, Reason: ReasonTooMany})
	}
	if err := errs.orNil(); err != nil {
		return err
	}
	if n > 0 {
		a.counts[c] += n
	}
	return nil
}

func (c Cell) values() [4]string { return [4]string{c.Slot, c.Category, c.Channel, c.Result} }

// Count returns the sum of the counts of the cells that match filter: a
// non-empty value of filter must be equal, an empty one matches any.
// Count(Cell{}) is the total; Count(Cell{Slot: s, Result: "won"}) the
// winners of slot s over all categories and channels.
func (a *Aggregates) Count(filter Cell) int64 {
	f := filter.values()
	var n int64
	for c, v := range a.counts {
		cv := c.values()
		match := true
		for k := range f {
			if f[k] != "" && f[k] != cv[k] {
				match = false
				break
			}
		}
		if match {
			n += v
		}
	}
	return n
}

// Cells returns the non-zero cells, ordered by slot, category, channel
// and result (by their bytes).
func (a *Aggregates) Cells() []CellCount {
	out := make([]CellCount, 0, len(a.counts))
	for c, n := range a.counts {
		out = append(out, CellCount{Cell: c, Count: n})
	}
	slices.SortFunc(out, func(x, y CellCount) int {
		xv, yv := x.values(), y.values()
		for k := range xv {
			if c := cmp.Compare(xv[k], yv[k]); c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

type aggregatesJSON struct {
	Format   string      `json:"format"`
	Declared Declared    `json:"declared"`
	Cells    []CellCount `json:"cells"`
}

// MarshalJSON encodes the aggregates: format, declared values and the
// non-zero cells in [Aggregates.Cells] order.
func (a *Aggregates) MarshalJSON() ([]byte, error) {
	d := a.Declared()
	for _, l := range []*[]string{&d.Slots, &d.Categories, &d.Channels, &d.Results} {
		if *l == nil {
			*l = []string{}
		}
	}
	return json.Marshal(aggregatesJSON{Format: AggregatesFormat, Declared: d, Cells: a.Cells()})
}

// UnmarshalJSON decodes aggregates and checks them as [NewAggregates] and
// [Aggregates.Add] do; unknown members are refused.
func (a *Aggregates) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var raw aggregatesJSON
	if err := dec.Decode(&raw); err != nil {
		return &Error{Field: "aggregates", Index: -1, Reason: ReasonMalformed}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Error{Field: "aggregates", Index: -1, Reason: ReasonMalformed}
	}
	if raw.Format != AggregatesFormat {
		return &Error{Field: "format", Index: -1, Reason: ReasonBadFormat}
	}
	b, err := NewAggregates(raw.Declared)
	if err != nil {
		return err
	}
	var errs Errors
	for i, cc := range raw.Cells {
		if err := b.Add(cc.Cell, cc.Count); err != nil {
			for _, e := range err.(Errors) {
				e.Field, e.Index = "cells."+e.Field, i
				errs = append(errs, e)
			}
		}
	}
	if err := errs.orNil(); err != nil {
		return err
	}
	*a = *b
	return nil
}
