package applicant

import (
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// The fuzzers check properties, not outputs: no panic, valid UTF-8, forms
// that are fixed points of their own normalisation, keys that do not depend
// on which of the person's spellings was stored. Their seed corpora live in
// testdata/fuzz and run with every go test.

func FuzzDisplay(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, bad := display(s)
		require.True(t, utf8.ValidString(d))
		require.Equal(t, strings.TrimSpace(d), d)
		require.NotContains(t, d, "  ")
		d2, bad2 := display(d)
		require.Equal(t, d, d2, "display is idempotent")
		if bad == "" {
			require.Empty(t, bad2)
		}
	})
}

func FuzzNameKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, bad := display(s)
		if bad != "" {
			return
		}
		k := nameKey(d)
		require.True(t, utf8.ValidString(k))
		require.Equal(t, k, nameKey(k), "a key is its own key")
		require.Equal(t, k, nameKey(s), "the key does not depend on the display tidying")
		require.Equal(t, kanaKey(d), kanaKey(s))
		require.Equal(t, kanaKey(d), kanaKey(kanaKey(d)))
		require.NotContains(t, k, " ")
	})
}

func FuzzPhone(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		disp, key, r := parsePhone(s)
		if r != "" {
			require.Empty(t, disp)
			return
		}
		require.Contains(t, []int{10, 11}, len(key))
		require.Equal(t, byte('0'), key[0])
		require.Equal(t, key, strings.ReplaceAll(disp, "-", ""))
		d2, k2, r2 := parsePhone(disp)
		require.Empty(t, r2)
		require.Equal(t, disp, d2)
		require.Equal(t, key, k2)
		_, k3, r3 := parsePhone(key)
		require.Empty(t, r3)
		require.Equal(t, key, k3)
	})
}

func FuzzPostalCode(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		disp, key, r := parsePostalCode(s)
		if r != "" {
			return
		}
		require.Len(t, key, 7)
		require.Equal(t, key[:3]+"-"+key[3:], disp)
		d2, _, r2 := parsePostalCode(disp)
		require.Empty(t, r2)
		require.Equal(t, disp, d2)
	})
}

func FuzzEmail(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		disp, key, r := parseEmail(s)
		if r != "" {
			return
		}
		require.Equal(t, 1, strings.Count(disp, "@"))
		require.NotContainsf(t, disp, "\r", "header injection")
		require.NotContains(t, disp, "\n")
		require.NotContains(t, disp, " ")
		require.LessOrEqual(t, len(disp), 254)
		d2, k2, r2 := parseEmail(disp)
		require.Empty(t, r2)
		require.Equal(t, disp, d2)
		require.Equal(t, key, k2)
		require.Equal(t, strings.ToLower(disp), key)
	})
}

func FuzzAge(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		n, r := parseAge(s)
		if r != "" {
			return
		}
		require.True(t, n >= 0 && n <= MaxAge)
		m, r2 := parseAge(strconv.Itoa(n))
		require.Empty(t, r2)
		require.Equal(t, n, m)
	})
}

func FuzzBirthDate(f *testing.F) {
	on := time.Date(2021, 7, 21, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		iso, r := parseBirthDate(s, on)
		if r != "" {
			return
		}
		d, err := time.Parse(time.DateOnly, iso)
		require.NoError(t, err)
		require.False(t, d.After(on))
		again, r2 := parseBirthDate(iso, on)
		require.Empty(t, r2)
		require.Equal(t, iso, again)
		age := ageAt(d, on)
		require.True(t, age >= 0 && age <= MaxAge)
	})
}

func FuzzReceipt(f *testing.F) {
	rf := ReceiptFormat{Prefix: "LS", Digits: 6}
	f.Fuzz(func(t *testing.T, s string) {
		r, seq, err := rf.Parse(s)
		if err != nil {
			var e *Error
			require.ErrorAs(t, err, &e)
			return
		}
		formatted, err := rf.Format(seq)
		require.NoError(t, err)
		require.Equal(t, formatted, r)
		r2, seq2, err := rf.Parse(string(r))
		require.NoError(t, err)
		require.Equal(t, r, r2)
		require.Equal(t, seq, seq2)
	})
}

// messageText is every fixed text an error can contain; an input found in
// it may legitimately appear in an error.
func messageText() string {
	var b strings.Builder
	for _, m := range messages {
		b.WriteString(m.ja + m.en)
	}
	for _, fi := range catalogue {
		b.WriteString(fi.Japanese + fi.English + string(fi.Field))
	}
	return b.String()
}

func FuzzValidate(f *testing.F) {
	s := LiveSiteSchema()
	dict := messageText()
	f.Fuzz(func(t *testing.T, name, address, phone, age, email, companion, companionAge, pref string) {
		form := Form{
			Preferences: []string{pref},
			Representative: PersonForm{Name: name, Address: address, PostalCode: "160-0022",
				Age: age, Phone: phone, Email: email},
			Companions: []CompanionForm{{Name: companion, Age: companionAge}},
		}
		a, err := s.Validate(ChannelWeb, form)
		if err != nil {
			msg := err.Error()
			var es Errors
			require.ErrorAs(t, err, &es)
			for _, e := range es {
				msg += e.Japanese()
			}
			for _, in := range []string{name, address, phone, age, email, companion, companionAge, pref} {
				if utf8.RuneCountInString(in) >= 4 && !strings.Contains(dict, in) && !strings.Contains("kuji/applicant: problems", in) {
					require.NotContains(t, msg, in, "an error repeats an input")
				}
			}
			return
		}
		// A valid application's display forms validate to itself.
		p := a.Representative
		again := Form{Preferences: a.Preferences, Representative: PersonForm{Name: p.Name, Address: p.Address,
			PostalCode: p.PostalCode, Age: strconv.Itoa(*p.Age), Phone: p.Phone, Email: p.Email}}
		for _, cp := range a.Companions {
			cf := CompanionForm{Name: cp.Name}
			if cp.Age != nil {
				cf.Age = strconv.Itoa(*cp.Age)
			}
			if cp.Infant {
				cf.Infant = "1"
			}
			again.Companions = append(again.Companions, cf)
		}
		b, err := s.Validate(ChannelWeb, again)
		require.NoError(t, err)
		require.Equal(t, a, b)
		// And its personal data round-trips.
		pd, err := a.PersonalData(s)
		require.NoError(t, err)
		back, err := s.Restore(a.Summary, map[DataClass][]byte{ClassApplication: pd[ClassApplication]})
		require.NoError(t, err)
		require.Equal(t, a, back)
	})
}
