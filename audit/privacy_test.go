package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/audit"
)

// canaries are personal values of the kinds the reference events collect.
// None of them may ever reach a stored entry or an error message.
var canaries = []string{
	"山田太郎",                   // name
	"ヤマダ タロウ",                // name in kana
	"Taro Yamada",            // name in roman letters
	"taro.yamada@example.jp", // e-mail address
	"090-1234-5678",          // mobile phone
	"09012345678",            // mobile phone, digits only
	"+81-90-1234-5678",       // phone, international
	"160-0022",               // postal code
	"1600022",                // postal code, digits only
	"東京都新宿区歌舞伎町一丁目4番1号", // address
	"1990-01-01",                 // birth date
	"19900101",                   // birth date, digits only
	"12",                         // seat number on a contact card
	"Ｓ１２",                        // seat number, full width
	"4111111111111111",           // card number
	"yamada taro\n090-1234-5678", // several values
}

var allActions = []audit.Action{
	audit.ActionView, audit.ActionEdit, audit.ActionExport, audit.ActionImport, audit.ActionNotify,
	audit.ActionCheckIn, audit.ActionContactRecord, audit.ActionContactLookup, audit.ActionApply,
	audit.ActionWithdraw, audit.ActionStateChange, audit.ActionDraw, audit.ActionPurge, audit.ActionCertify,
	audit.ActionDesignate, audit.ActionRevoke,
}

// entryFor returns a valid entry recording action.
func entryFor(action audit.Action) audit.Entry {
	e := validEntry()
	e.Action = action
	e.Details = audit.Details{
		Count:        3,
		Fingerprints: []string{strings.Repeat("0123456789ABCDEF", 2) + "01234567"},
		DataClasses:  []string{"application"},
	}
	switch action {
	case audit.ActionDesignate, audit.ActionRevoke:
		g := testDesignation("dsg-0001", "staff-018", audit.RoleHandler)
		if action == audit.ActionRevoke {
			g.RevokedAt = e.Time
		}
		e.Details.Designation = &g
	}
	return e
}

// A personal value put in any field of an entry, for any action, is
// refused: the log stays empty and no error message repeats the value.
func TestCanaryPersonalValuesAreRefusedInEveryField(t *testing.T) {
	t.Parallel()
	fields := []struct {
		field string
		set   func(e *audit.Entry, v string)
	}{
		{"actor", func(e *audit.Entry, v string) { e.Actor = v }},
		{"event", func(e *audit.Entry, v string) { e.Event = v }},
		{"purpose", func(e *audit.Entry, v string) { e.Purpose = v }},
		{"subjects", func(e *audit.Entry, v string) { e.Subjects = append(e.Subjects, v) }},
		{"categories", func(e *audit.Entry, v string) { e.Categories = append(e.Categories, v) }},
		{"reason", func(e *audit.Entry, v string) { e.Outcome, e.Reason = audit.OutcomeFailed, v }},
		{"details.fingerprints", func(e *audit.Entry, v string) { e.Details.Fingerprints = append(e.Details.Fingerprints, v) }},
		{"details.data_classes", func(e *audit.Entry, v string) { e.Details.DataClasses = append(e.Details.DataClasses, v) }},
	}
	designationFields := []struct {
		field string
		set   func(g *audit.Designation, v string)
	}{
		{"details.designation.id", func(g *audit.Designation, v string) { g.ID = v }},
		{"details.designation.actor", func(g *audit.Designation, v string) { g.Actor = v }},
		{"details.designation.purposes", func(g *audit.Designation, v string) { g.Purposes = append(g.Purposes, v) }},
		{"details.designation.display_name", func(g *audit.Designation, v string) { g.DisplayName = v }},
	}
	ctx := context.Background()
	s := &memoryStorage{}
	log := newTestLog(t, s)
	check := func(t *testing.T, e audit.Entry, field, canary string) {
		t.Helper()
		_, err := log.Append(ctx, e)
		var ee *audit.EntryError
		require.ErrorAs(t, err, &ee, "%s", field)
		var found bool
		for _, err := range err.(audit.ErrorList) {
			if errors.As(err, &ee) && ee.Field == field {
				found = true
			}
			require.NotContains(t, err.Error(), canary)
			require.NotContains(t, ee.Japanese(), canary)
		}
		require.True(t, found, "no problem reported for %s", field)
	}
	for _, action := range allActions {
		for _, canary := range canaries {
			for _, f := range fields {
				e := entryFor(action)
				f.set(&e, canary)
				check(t, e, f.field, canary)
			}
			if g := entryFor(action).Details.Designation; g != nil {
				for _, f := range designationFields {
					e := entryFor(action)
					c := *g
					c.Purposes = append([]string(nil), g.Purposes...)
					f.set(&c, canary)
					e.Details.Designation = &c
					check(t, e, f.field, canary)
				}
			}
		}
	}
	size, err := log.Size(ctx)
	require.NoError(t, err)
	require.Zero(t, size, "a refused entry was stored")
}

// Every action is recorded the way the Office records it, with the
// personal data of the people concerned at hand; then the stored leaves
// are searched for every canary.
func TestCanaryPersonalValuesNeverReachStoredEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := &memoryStorage{}
	log := newTestLog(t, s)

	// The handler's display name is personal data as well.
	d := testDesignation("dsg-0001", "staff-017", audit.RoleHandler)
	d.DisplayName = canaries[0]
	add, err := audit.Designate(nil, d, "ward-admin", audit.RoleSystem, day0)
	require.NoError(t, err)
	_, revoke, err := audit.Revoke(d, "ward-admin", audit.RoleSystem, day0.AddDate(0, 1, 0))
	require.NoError(t, err)
	_, err = log.Append(ctx, add, revoke)
	require.NoError(t, err)

	for _, action := range allActions {
		_, err := log.Append(ctx, entryFor(action))
		require.NoError(t, err, "%s", action)
		// The denied attempt of a stranger, too.
		dec, _ := audit.Authorize([]audit.Designation{d}, "stranger-9", testEvent, "reception", day0.Add(time.Hour))
		_, err = log.Append(ctx, dec.Entry(action, []string{"CW-000123-4"}, []string{"user.name"}))
		require.NoError(t, err, "%s", action)
	}

	require.Len(t, s.leaves, 2+2*len(allActions))
	for n, leaf := range s.leaves {
		for _, c := range canaries {
			if len(c) < 4 {
				continue // too short to grep for: "12" is in any fingerprint
			}
			require.False(t, bytes.Contains(leaf, []byte(c)), "entry %d holds a canary", n)
		}
		for _, word := range []string{"Yamada", "yamada", "@", "090"} {
			require.False(t, bytes.Contains(leaf, []byte(word)), "entry %d holds a canary fragment", n)
		}
	}
}

// A designation's display name is printed by no fmt verb and no slog
// handler.
func TestDesignationDisplayNameIsRedacted(t *testing.T) {
	t.Parallel()
	d := testDesignation("dsg-0001", "staff-017", audit.RoleHandler)
	d.DisplayName = canaries[0]
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %[1]v"} {
		for _, arg := range []any{d, &d, []audit.Designation{d}, struct{ D audit.Designation }{d}} {
			out := fmt.Sprintf(verb, arg)
			require.NotContains(t, out, canaries[0], "verb %s", verb)
		}
	}
	require.Contains(t, fmt.Sprint(d), "staff-017")

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("designated", "designation", d)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("designated", "designation", d)
	require.NotContains(t, buf.String(), canaries[0])
	require.Contains(t, buf.String(), "staff-017")

	// An invalid designation holding personal values in its identifiers
	// prints none of them either.
	bad := d
	bad.Actor, bad.ID, bad.Purposes = canaries[3], canaries[4], []string{canaries[1]}
	for _, out := range []string{fmt.Sprintf("%+v", bad), bad.Validate().Error()} {
		for _, c := range []string{canaries[3], canaries[4], canaries[1]} {
			require.NotContains(t, out, c)
		}
	}
}

// A denied attempt is recorded even when the caller passed personal
// values where identifiers belong; the values are left out.
func TestDeniedAttemptWithGarbageIsStillAuditable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := &memoryStorage{}
	log := newTestLog(t, s)
	d := testDesignation("dsg-1", "staff-017", audit.RoleHandler)
	for _, purpose := range []string{"", canaries[2]} {
		dec, err := audit.Authorize([]audit.Designation{d}, canaries[0], canaries[3], purpose, day0)
		require.ErrorIs(t, err, audit.ErrNotPermitted)
		require.NotContains(t, err.Error(), canaries[0])
		e := dec.Entry(audit.ActionView, []string{"CW-000123-4", canaries[4]}, []string{"user.name", canaries[1]})
		require.Equal(t, "invalid-actor", e.Actor)
		require.Equal(t, "invalid-event", e.Event)
		require.Equal(t, []string{"CW-000123-4"}, e.Subjects)
		require.Equal(t, []string{"user.name"}, e.Categories)
		_, err = log.Append(ctx, e)
		require.NoError(t, err)
	}
	require.Contains(t, string(s.leaves[0]), `"purpose":"unspecified"`)
	require.Contains(t, string(s.leaves[1]), `"purpose":"invalid-purpose"`)
	for _, leaf := range s.leaves {
		for _, c := range canaries {
			if len(c) >= 4 {
				require.NotContains(t, string(leaf), c)
			}
		}
	}
}
