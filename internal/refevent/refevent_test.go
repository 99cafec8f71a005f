package refevent_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/internal/refevent"
)

func TestFormsValidate(t *testing.T) {
	for _, ev := range []struct {
		name string
		s    *applicant.Schema
	}{{"livesite", refevent.LiveSite(2, 10).Schema}, {"citywalk", refevent.CityWalk(10).Schema}} {
		p := refevent.NewPeople(ev.s, 1)
		for i := range 300 {
			_, err := ev.s.Validate(applicant.ChannelWeb, p.Form(6))
			require.NoError(t, err, "%s form %d", ev.name, i)
		}
		for i := range 3 {
			f, why := p.Broken(i)
			_, err := ev.s.Validate(applicant.ChannelWeb, f)
			require.Error(t, err, why)
			var es applicant.Errors
			require.True(t, errors.As(err, &es), why)
		}
	}
}

// Synthetic people never share a name by accident: the first 36,000 are
// all different, representatives and companions alike.
func TestNamesAreUnique(t *testing.T) {
	p := refevent.NewPeople(refevent.LiveSite(1, 10).Schema, 7)
	seen := map[string]bool{}
	for len(seen) < 36_000 {
		f := p.Form(6)
		names := []string{f.Representative.Name}
		for _, c := range f.Companions {
			names = append(names, c.Name)
		}
		for _, n := range names {
			if len(seen) == 36_000 {
				break
			}
			require.False(t, seen[n], "a name repeats after %d people", len(seen))
			seen[n] = true
		}
	}
}
