package fairtest

import (
	"strconv"
	"strings"

	"github.com/kuji-go/kuji/lottery"
)

// Scenario is a lottery configuration to check: an input and, optionally,
// seats freed after the draw.
type Scenario struct {
	Input lottery.Input
	// Frees are applied in order after each draw, each only if the entry
	// holds the slot at that point (who wins is random), with the
	// promotions SPEC.md section 9 defines.
	Frees []Free
}

// Free gives up one entry's seats in one slot.
type Free struct {
	Kind  lottery.EventKind // lottery.EventCancel or lottery.EventLapse
	Entry string
	Slot  string
}

// Outcome is one possible end state: every entry, in ID order, with the
// slots it holds after the draw and the frees. Two draws with the same
// Outcome are indistinguishable to the applicants.
type Outcome string

// holdings decodes an Outcome into the slots each entry holds, in entry
// ID order.
func (o Outcome) holdings() [][]string {
	var out [][]string
	s := string(o)
	for s != "" {
		id, err := strconv.QuotedPrefix(s)
		if err != nil {
			panic("fairtest: malformed outcome")
		}
		s = s[len(id)+1:] // id and '='
		var slots []string
		for s != "" && s[0] != ';' {
			if s[0] == ',' {
				s = s[1:]
			}
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				panic("fairtest: malformed outcome")
			}
			v, _ := strconv.Unquote(q)
			slots = append(slots, v)
			s = s[len(q):]
		}
		s = strings.TrimPrefix(s, ";")
		out = append(out, slots)
	}
	return out
}
