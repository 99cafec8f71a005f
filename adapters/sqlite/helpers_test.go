package sqlite_test

import (
	"fmt"
	"time"

	"github.com/kuji-go/kuji/adapters"
)

var t0 = time.Date(2021, 7, 1, 9, 0, 0, 0, time.UTC)

// app builds a non-personal application row of event; n makes it unique.
func app(event string, n int) adapters.Application {
	return adapters.Application{
		ID:       fmt.Sprintf("%s-app-%06d", event, n),
		Event:    event,
		Receipt:  fmt.Sprintf("R-%06d", n),
		Channel:  "web",
		Category: "resident",
		Size:     1 + n%4,
		Prefs:    []string{"d1/am", "d2/pm"},
		Weight:   1,
		Status:   "applied",
		Created:  t0.Add(time.Duration(n) * time.Second),
		Sealed:   map[string][]byte{"application": []byte(fmt.Sprintf("sealed-%d", n))},
		Identity: [][]byte{[]byte(fmt.Sprintf("identity-%d", n))},
		Search:   []adapters.BlindKey{{Kind: "phone", MAC: []byte(fmt.Sprintf("phone-%d", n))}},
	}
}
