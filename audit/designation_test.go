package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/audit"
)

// handler is designated for reception and notification over
// [from, until), trained a week before; the table below walks every
// boundary.
func TestAuthorizeAcrossTimeBoundaries(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	trained := from.AddDate(0, 0, -7)
	revoked := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	base := audit.Designation{
		ID: "dsg-1", Event: testEvent, Actor: "staff-017", Role: audit.RoleHandler,
		Organisation: audit.OrganisationContractor, Purposes: []string{"reception", "notification"},
		From: from, Until: until, TrainedOn: trained,
	}
	withRevocation := base
	withRevocation.RevokedAt = revoked
	trainedLate := base
	trainedLate.TrainedOn = from.AddDate(0, 0, 10)
	untrained := base
	untrained.TrainedOn = time.Time{}

	const ns = time.Nanosecond
	for _, tc := range []struct {
		name    string
		d       audit.Designation
		actor   string
		event   string
		purpose string
		at      time.Time
		want    audit.DenyReason // "" means allowed
	}{
		{"at the first instant", base, "staff-017", testEvent, "reception", from, ""},
		{"just before the period", base, "staff-017", testEvent, "reception", from.Add(-ns), audit.DenyNotYetValid},
		{"at the last instant", base, "staff-017", testEvent, "notification", until.Add(-ns), ""},
		{"at the end of the period", base, "staff-017", testEvent, "reception", until, audit.DenyExpired},
		{"long after", base, "staff-017", testEvent, "reception", until.AddDate(1, 0, 0), audit.DenyExpired},
		{"just before revocation", withRevocation, "staff-017", testEvent, "reception", revoked.Add(-ns), ""},
		{"at revocation", withRevocation, "staff-017", testEvent, "reception", revoked, audit.DenyRevoked},
		{"after revocation", withRevocation, "staff-017", testEvent, "reception", revoked.Add(time.Hour), audit.DenyRevoked},
		{"other purpose", base, "staff-017", testEvent, "statistics", from.AddDate(0, 1, 0), audit.DenyPurposeNotCovered},
		{"no purpose", base, "staff-017", testEvent, "", from.AddDate(0, 1, 0), audit.DenyPurposeNotCovered},
		{"other event", base, "staff-017", "livesite-2026", "reception", from.AddDate(0, 1, 0), audit.DenyNotDesignated},
		{"other actor", base, "staff-018", testEvent, "reception", from.AddDate(0, 1, 0), audit.DenyNotDesignated},
		{"no actor", base, "", testEvent, "reception", from.AddDate(0, 1, 0), audit.DenyNotDesignated},
		{"trained the same instant", trainedLate, "staff-017", testEvent, "reception", trainedLate.TrainedOn, ""},
		{"before training", trainedLate, "staff-017", testEvent, "reception", trainedLate.TrainedOn.Add(-ns), audit.DenyTrainingMissing},
		{"never trained", untrained, "staff-017", testEvent, "reception", from.AddDate(0, 1, 0), audit.DenyTrainingMissing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dec, err := audit.Authorize([]audit.Designation{tc.d}, tc.actor, tc.event, tc.purpose, tc.at)
			require.Equal(t, tc.want, dec.Reason)
			require.Equal(t, tc.want == "", dec.Allowed())
			if tc.want == "" {
				require.NoError(t, err)
				require.Equal(t, audit.RoleHandler, dec.Role)
				require.Equal(t, "dsg-1", dec.Designation)
				return
			}
			require.ErrorIs(t, err, audit.ErrNotPermitted)
			var denied *audit.DeniedError
			require.ErrorAs(t, err, &denied)
			require.Equal(t, dec, denied.Decision)
			require.Equal(t, string(tc.want), denied.Code())
			if tc.want == audit.DenyNotDesignated {
				require.Equal(t, audit.RoleNone, dec.Role)
				require.Empty(t, dec.Designation)
			}
		})
	}
}

func TestAuthorizeWithSeveralDesignations(t *testing.T) {
	t.Parallel()
	at := day0
	expired := testDesignation("dsg-old", "staff-017", audit.RoleHandler)
	expired.From, expired.Until = at.AddDate(-1, 0, 0), at.AddDate(0, -6, 0)
	current := testDesignation("dsg-new", "staff-017", audit.RoleHandler)
	current.Purposes = []string{"notification"}
	other := testDesignation("dsg-other", "staff-099", audit.RoleResponsible)

	// The expired designation covered reception; the current one does not.
	// The closer reason is the expired period, not the purpose.
	dec, err := audit.Authorize([]audit.Designation{current, expired, other}, "staff-017", testEvent, "reception", at)
	require.ErrorIs(t, err, audit.ErrNotPermitted)
	require.Equal(t, audit.DenyExpired, dec.Reason)
	require.Equal(t, "dsg-old", dec.Designation)

	dec, err = audit.Authorize([]audit.Designation{expired, current, other}, "staff-017", testEvent, "notification", at)
	require.NoError(t, err)
	require.Equal(t, "dsg-new", dec.Designation)

	dec, err = audit.Authorize([]audit.Designation{expired, current, other}, "staff-099", testEvent, "reception", at)
	require.NoError(t, err)
	require.Equal(t, audit.RoleResponsible, dec.Role)
}

// A denial gives the caller the entry for the denied attempt, and that
// entry can be appended as it is.
func TestDeniedAttemptsAreAuditable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := newTestLog(t, &memoryStorage{})
	d := testDesignation("dsg-1", "staff-017", audit.RoleHandler)
	dec, err := audit.Authorize([]audit.Designation{d}, "staff-017", testEvent, "statistics", day0)
	var denied *audit.DeniedError
	require.ErrorAs(t, err, &denied)
	require.Equal(t, "kuji/audit: purpose-not-covered: actor staff-017 is not designated for this purpose (event citywalk-2026, purpose statistics)", err.Error())
	require.Equal(t, "行為者 staff-017 はこの利用目的について指定されていません（イベント citywalk-2026、利用目的 statistics）", denied.Japanese())

	e := dec.Entry(audit.ActionExport, []string{"CW-000123-4"}, []string{"user.name"})
	require.Equal(t, audit.OutcomeDenied, e.Outcome)
	require.Equal(t, "purpose-not-covered", e.Reason)
	require.Equal(t, audit.RoleHandler, e.Role)
	n, err := log.Append(ctx, e)
	require.NoError(t, err)

	require.NoError(t, log.Entries(ctx, n, n+1, func(_ int64, got audit.Entry) error {
		require.Equal(t, e, got)
		return nil
	}))

	// A stranger's attempt is recorded with role none.
	dec, _ = audit.Authorize([]audit.Designation{d}, "stranger-1", testEvent, "reception", day0)
	e = dec.Entry(audit.ActionView, nil, nil)
	require.Equal(t, audit.RoleNone, e.Role)
	_, err = log.Append(ctx, e)
	require.NoError(t, err)
}

func TestDesignateAndRevoke(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := newTestLog(t, &memoryStorage{})
	responsible := testDesignation("dsg-r", "staff-001", audit.RoleResponsible)
	responsible.DisplayName = "Responsible Person"
	handler := testDesignation("dsg-h", "staff-017", audit.RoleHandler)
	handler.DisplayName = "Handler Person"

	e1, err := audit.Designate(nil, responsible, "ward-admin", audit.RoleSystem, day0)
	require.NoError(t, err)
	ds := []audit.Designation{responsible}
	e2, err := audit.Designate(ds, handler, "staff-001", audit.RoleResponsible, day0)
	require.NoError(t, err)
	ds = append(ds, handler)

	require.Equal(t, audit.ActionDesignate, e2.Action)
	require.Equal(t, []string{"dsg-h"}, e2.Subjects)
	require.Equal(t, "staff-001", e2.Actor)
	recorded := handler
	recorded.DisplayName = ""
	require.Equal(t, &recorded, e2.Details.Designation)

	at := day0.Add(time.Hour)
	_, err = audit.Authorize(ds, "staff-017", testEvent, "reception", at)
	require.NoError(t, err)

	// Revocation takes effect on the next call, from its instant.
	revoked, e3, err := audit.Revoke(handler, "staff-001", audit.RoleResponsible, at)
	require.NoError(t, err)
	require.Equal(t, at, revoked.RevokedAt)
	require.Equal(t, "Handler Person", revoked.DisplayName)
	require.Empty(t, e3.Details.Designation.DisplayName)
	require.Equal(t, audit.ActionRevoke, e3.Action)
	ds[1] = revoked
	_, err = audit.Authorize(ds, "staff-017", testEvent, "reception", at)
	require.ErrorIs(t, err, audit.ErrNotPermitted)
	_, err = audit.Authorize(ds, "staff-017", testEvent, "reception", at.Add(-time.Nanosecond))
	require.NoError(t, err)

	_, err = log.Append(ctx, e1, e2, e3)
	require.NoError(t, err)
	var kinds []audit.Action
	require.NoError(t, log.Entries(ctx, 0, 3, func(_ int64, e audit.Entry) error {
		kinds = append(kinds, e.Action)
		require.Empty(t, e.Details.Designation.DisplayName)
		return nil
	}))
	require.Equal(t, []audit.Action{audit.ActionDesignate, audit.ActionDesignate, audit.ActionRevoke}, kinds)

	_, _, err = audit.Revoke(revoked, "staff-001", audit.RoleResponsible, at.Add(time.Hour))
	requireDesignationError(t, err, "revoked_at", audit.ReasonAlreadyRevoked)
}

func requireDesignationError(t *testing.T, err error, field string, reason audit.Reason) {
	t.Helper()
	var list audit.ErrorList
	require.ErrorAs(t, err, &list)
	for _, e := range list {
		var de *audit.DesignationError
		if errors.As(e, &de) && de.Field == field && de.Reason == reason {
			return
		}
	}
	t.Fatalf("no %s problem with %s in %v", reason, field, err)
}

func TestDesignateRefusals(t *testing.T) {
	t.Parallel()
	responsible := testDesignation("dsg-r", "staff-001", audit.RoleResponsible)
	existing := []audit.Designation{responsible}

	another := testDesignation("dsg-r2", "staff-002", audit.RoleResponsible)
	_, err := audit.Designate(existing, another, "ward-admin", audit.RoleSystem, day0)
	requireDesignationError(t, err, "from", audit.ReasonOverlap)

	// A successor may start when the predecessor's designation ends or is
	// revoked.
	another.From = responsible.Until
	another.Until = responsible.Until.AddDate(0, 3, 0)
	_, err = audit.Designate(existing, another, "ward-admin", audit.RoleSystem, day0)
	require.NoError(t, err)
	early := responsible
	early.RevokedAt = day0
	another.From = day0
	_, err = audit.Designate([]audit.Designation{early}, another, "ward-admin", audit.RoleSystem, day0)
	require.NoError(t, err)

	_, err = audit.Designate(existing, testDesignation("dsg-r", "staff-017", audit.RoleHandler), "staff-001", audit.RoleResponsible, day0)
	requireDesignationError(t, err, "id", audit.ReasonDuplicate)

	bad := testDesignation("dsg-x", "staff-017", audit.RoleSystem)
	bad.Organisation = "agency"
	bad.Purposes = nil
	bad.Until = bad.From
	_, err = audit.Designate(existing, bad, "ward-admin", audit.RoleSystem, day0)
	requireDesignationError(t, err, "role", audit.ReasonUnknownValue)
	requireDesignationError(t, err, "organisation", audit.ReasonUnknownValue)
	requireDesignationError(t, err, "purposes", audit.ReasonMissing)
	requireDesignationError(t, err, "until", audit.ReasonBadPeriod)

	// Who may change designations.
	h := testDesignation("dsg-h", "staff-017", audit.RoleHandler)
	for _, tc := range []struct {
		name string
		d    audit.Designation
		role audit.Role
		ok   bool
	}{
		{"system names a handler", h, audit.RoleSystem, true},
		{"responsible person names a handler", h, audit.RoleResponsible, true},
		{"handler names a handler", h, audit.RoleHandler, false},
		{"applicant names a handler", h, audit.RoleApplicant, false},
		{"responsible person names a responsible person", testDesignation("dsg-r9", "staff-009", audit.RoleResponsible), audit.RoleResponsible, false},
	} {
		_, err := audit.Designate(nil, tc.d, "someone-1", tc.role, day0)
		if tc.ok {
			require.NoError(t, err, tc.name)
			continue
		}
		var ee *audit.EntryError
		require.ErrorAs(t, err, &ee, tc.name)
		require.Equal(t, "role", ee.Field)
		require.Equal(t, audit.ReasonNotAllowed, ee.Reason)
	}
}

func TestDesignationDocumentRoundTrip(t *testing.T) {
	t.Parallel()
	d := testDesignation("dsg-1", "staff-017", audit.RoleHandler)
	d.DisplayName = "Handler Person"
	d.RevokedAt = day0.AddDate(0, 1, 0)
	doc, err := d.Encode()
	require.NoError(t, err)
	back, err := audit.DecodeDesignation(doc)
	require.NoError(t, err)
	require.Equal(t, d, back)

	_, err = audit.DecodeDesignation([]byte(`{"v":2}`))
	var de *audit.DesignationError
	require.ErrorAs(t, err, &de)
	require.Equal(t, audit.ReasonVersion, de.Reason)
	_, err = audit.DecodeDesignation([]byte(`{`))
	require.ErrorAs(t, err, &de)
	require.Equal(t, audit.ReasonMalformed, de.Reason)
	_, err = audit.DecodeDesignation([]byte(`{"v":1,"id":"dsg-1"}`))
	requireDesignationError(t, err, "actor", audit.ReasonMissing)

	d.Actor = "not an id"
	_, err = d.Encode()
	requireDesignationError(t, err, "actor", audit.ReasonNotIdentifier)
}
