package audit_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/audit"
)

// day0 is the start of the reference event's reception; tests take their
// times from it, never from the clock.
var day0 = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

const testEvent = "citywalk-2026"

// validEntry returns an entry that passes validation.
func validEntry() audit.Entry {
	return audit.Entry{
		Time:       day0.Add(9 * time.Hour),
		Actor:      "staff-017",
		Role:       audit.RoleHandler,
		Purpose:    "reception",
		Action:     audit.ActionView,
		Event:      testEvent,
		Subjects:   []string{"CW-000123-4"},
		Categories: []string{"user.name", "user.contact.phone"},
		Outcome:    audit.OutcomeAllowed,
	}
}

// readVectors returns the lines of testdata/entries-v1.jsonl, each a
// canonical leaf written by hand from the format documented in
// encoding.go, not by the encoder.
func readVectors(t *testing.T) [][]byte {
	t.Helper()
	f, err := os.Open("testdata/entries-v1.jsonl")
	require.NoError(t, err)
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, lines)
	return lines
}

func TestEntryVectorsDecodeAndReencodeExactly(t *testing.T) {
	t.Parallel()
	for i, leaf := range readVectors(t) {
		e, err := audit.DecodeEntry(leaf)
		require.NoError(t, err, "vector %d", i)
		again, err := e.Encode()
		require.NoError(t, err, "vector %d", i)
		require.Equal(t, string(leaf), string(again), "vector %d", i)
	}
}

func TestEntryVectorsMeanWhatTheySay(t *testing.T) {
	t.Parallel()
	v := readVectors(t)
	got, err := audit.DecodeEntry(v[0])
	require.NoError(t, err)
	require.Equal(t, audit.Entry{
		Time:       time.Date(2026, 5, 1, 9, 15, 30, 500_000_000, time.UTC),
		Actor:      "staff-017",
		Role:       audit.RoleHandler,
		Purpose:    "reception",
		Action:     audit.ActionView,
		Event:      testEvent,
		Subjects:   []string{"CW-000123-4", "CW-000124-2"},
		Categories: []string{"user.name", "user.contact.phone"},
		Outcome:    audit.OutcomeAllowed,
	}, got)

	got, err = audit.DecodeEntry(v[5])
	require.NoError(t, err)
	require.Equal(t, &audit.Designation{
		ID: "dsg-0001", Event: testEvent, Actor: "staff-017", Role: audit.RoleHandler,
		Organisation: audit.OrganisationContractor, Purposes: []string{"reception", "notification"},
		From:      time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
		Until:     time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC),
		TrainedOn: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC),
	}, got.Details.Designation)
}

func TestEncodeStoresTimesInUTC(t *testing.T) {
	t.Parallel()
	e := validEntry()
	e.Time = time.Date(2026, 5, 1, 18, 0, 0, 0, time.FixedZone("JST", 9*3600))
	leaf, err := e.Encode()
	require.NoError(t, err)
	require.Contains(t, string(leaf), `"time":"2026-05-01T09:00:00Z"`)
	back, err := audit.DecodeEntry(leaf)
	require.NoError(t, err)
	require.True(t, back.Time.Equal(e.Time))
}

func TestDecodeRefusesNonCanonicalLeaves(t *testing.T) {
	t.Parallel()
	good := string(readVectors(t)[0])
	for _, tc := range []struct {
		name   string
		leaf   string
		reason audit.Reason
	}{
		{"not JSON", `{"v":1,`, audit.ReasonMalformed},
		{"white space", strings.Replace(good, `"actor":`, `"actor": `, 1), audit.ReasonNotCanonical},
		{"members reordered", strings.Replace(good, `"actor":"staff-017","role":"handler"`, `"role":"handler","actor":"staff-017"`, 1), audit.ReasonNotCanonical},
		{"unknown member", strings.Replace(good, `"v":1,`, `"v":1,"note":"x",`, 1), audit.ReasonNotCanonical},
		{"member name case", strings.Replace(good, `"actor"`, `"Actor"`, 1), audit.ReasonNotCanonical},
		{"duplicate member", strings.Replace(good, `"actor":"staff-017"`, `"actor":"staff-018","actor":"staff-017"`, 1), audit.ReasonNotCanonical},
		{"empty member written out", strings.Replace(good, `"outcome"`, `"reason":"","outcome"`, 1), audit.ReasonNotCanonical},
		{"time with offset", strings.Replace(good, `09:15:30.5Z`, `18:15:30.5+09:00`, 1), audit.ReasonNotCanonical},
		{"time with trailing zero", strings.Replace(good, `30.5Z`, `30.50Z`, 1), audit.ReasonNotCanonical},
		{"time not RFC 3339", strings.Replace(good, `2026-05-01T09:15:30.5Z`, `2026/05/01`, 1), audit.ReasonMalformed},
		{"escaped character", strings.Replace(good, `staff-017`, `staff\u002d017`, 1), audit.ReasonNotCanonical},
		{"version 2", strings.Replace(good, `"v":1`, `"v":2`, 1), audit.ReasonVersion},
		{"no version", strings.Replace(good, `"v":1,`, ``, 1), audit.ReasonVersion},
		{"trailing newline", good + "\n", audit.ReasonNotCanonical},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := audit.DecodeEntry([]byte(tc.leaf))
			var ee *audit.EntryError
			require.ErrorAs(t, err, &ee)
			require.Equal(t, tc.reason, ee.Reason)
		})
	}
}

func TestDecodeRefusesUpperCaseDigest(t *testing.T) {
	t.Parallel()
	leaf := readVectors(t)[2]
	upper := bytes.Replace(leaf, []byte("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
		[]byte("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"), 1)
	require.NotEqual(t, leaf, upper)
	_, err := audit.DecodeEntry(upper)
	var ee *audit.EntryError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, audit.ReasonNotCanonical, ee.Reason)
}

func TestValidateRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(*audit.Entry)
		field  string
		index  int
		reason audit.Reason
	}{
		{"no time", func(e *audit.Entry) { e.Time = time.Time{} }, "time", -1, audit.ReasonMissing},
		{"no actor", func(e *audit.Entry) { e.Actor = "" }, "actor", -1, audit.ReasonMissing},
		{"unknown role", func(e *audit.Entry) { e.Role = "admin" }, "role", -1, audit.ReasonUnknownValue},
		{"view without purpose", func(e *audit.Entry) { e.Purpose = "" }, "purpose", -1, audit.ReasonMissing},
		{"purpose upper case", func(e *audit.Entry) { e.Purpose = "Reception" }, "purpose", -1, audit.ReasonNotCode},
		{"unknown action", func(e *audit.Entry) { e.Action = "delete" }, "action", -1, audit.ReasonUnknownValue},
		{"no event", func(e *audit.Entry) { e.Event = "" }, "event", -1, audit.ReasonMissing},
		{"empty subject", func(e *audit.Entry) { e.Subjects = []string{"CW-1", ""} }, "subjects", 1, audit.ReasonMissing},
		{"too many subjects", func(e *audit.Entry) { e.Subjects = make([]string, audit.MaxSubjects+1) }, "subjects", -1, audit.ReasonTooMany},
		{"category with trailing dot", func(e *audit.Entry) { e.Categories = []string{"user."} }, "categories", 0, audit.ReasonNotCategory},
		{"category with empty word", func(e *audit.Entry) { e.Categories = []string{"user..phone"} }, "categories", 0, audit.ReasonNotCategory},
		{"too many categories", func(e *audit.Entry) { e.Categories = make([]string, audit.MaxCategories+1) }, "categories", -1, audit.ReasonTooMany},
		{"unknown outcome", func(e *audit.Entry) { e.Outcome = "ok" }, "outcome", -1, audit.ReasonUnknownValue},
		{"reason on an allowed entry", func(e *audit.Entry) { e.Reason = "because" }, "reason", -1, audit.ReasonNotAllowed},
		{"denied without reason", func(e *audit.Entry) { e.Outcome = audit.OutcomeDenied }, "reason", -1, audit.ReasonMissing},
		{"negative count", func(e *audit.Entry) { e.Details.Count = -1 }, "details.count", -1, audit.ReasonNegative},
		{"negative bytes", func(e *audit.Entry) { e.Details.Bytes = -1 }, "details.bytes", -1, audit.ReasonNegative},
		{"short fingerprint", func(e *audit.Entry) { e.Details.Fingerprints = []string{"0123456789ABCDEF"} }, "details.fingerprints", 0, audit.ReasonNotFingerprint},
		{"lower-case fingerprint", func(e *audit.Entry) {
			e.Details.Fingerprints = []string{strings.Repeat("ab", 20)}
		}, "details.fingerprints", 0, audit.ReasonNotFingerprint},
		{"designation on a view", func(e *audit.Entry) { e.Details.Designation = &audit.Designation{} }, "details.designation", -1, audit.ReasonNotAllowed},
		{"designate without designation", func(e *audit.Entry) { e.Action = audit.ActionDesignate }, "details.designation", -1, audit.ReasonMissing},
		{"year 10000", func(e *audit.Entry) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "time", -1, audit.ReasonNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := validEntry()
			tc.change(&e)
			err := e.Validate()
			var list audit.ErrorList
			require.ErrorAs(t, err, &list)
			var ee *audit.EntryError
			require.ErrorAs(t, err, &ee)
			require.Equal(t, tc.field, ee.Field)
			require.Equal(t, tc.index, ee.Index)
			require.Equal(t, tc.reason, ee.Reason)
			require.Equal(t, string(tc.reason), ee.Code())
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	e := validEntry()
	e.Actor, e.Purpose, e.Subjects = "", "", []string{"ok-1", "bad id"}
	var list audit.ErrorList
	require.ErrorAs(t, e.Validate(), &list)
	var fields []string
	for _, err := range list {
		var ee *audit.EntryError
		require.ErrorAs(t, err, &ee)
		fields = append(fields, ee.Field)
	}
	require.Equal(t, []string{"actor", "purpose", "subjects"}, fields)
	require.Contains(t, list.Error(), "3 problems")
}

func TestValidateAcceptsPseudonymousIdentifiers(t *testing.T) {
	t.Parallel()
	for _, id := range []string{
		"CW-000123-4",                          // receipt number
		"0f8fad5b-d9cb-469f-a165-70867728950e", // UUID
		"99999999-9999-4999-8999-999999999999", // a UUID of digits only is long enough to be no phone number
		"app:42",
		"staff_017.a",
		strings.Repeat("a", 128),
	} {
		e := validEntry()
		e.Subjects = []string{id}
		require.NoError(t, e.Validate(), "%s", id)
	}
	e := validEntry()
	e.Subjects = []string{strings.Repeat("a", 129)}
	require.Error(t, e.Validate())
}

func TestEntryErrorMessages(t *testing.T) {
	t.Parallel()
	e := validEntry()
	e.Subjects = []string{"CW-1", "bad id"}
	_, err := e.Encode()
	var ee *audit.EntryError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, "kuji/audit: not-identifier: entry 0: subjects[1] is not an identifier (ASCII letters, digits and . _ : - only, at most 128 characters); personal values are never logged", ee.Error())
	require.Equal(t, "監査記録 0 の項目 subjects[1] が識別子ではありません（英数字と . _ : - のみ、128文字以内）。個人の値は記録できません", ee.Japanese())
	require.False(t, errors.Is(err, audit.ErrNotPermitted))
}

func TestParseDigest(t *testing.T) {
	t.Parallel()
	const hexSHA = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae" // sha256("foo")
	d, err := audit.ParseDigest(hexSHA)
	require.NoError(t, err)
	require.Equal(t, audit.Digest(sha256.Sum256([]byte("foo"))), d)
	require.Equal(t, hexSHA, d.String())
	for _, bad := range []string{"", hexSHA[:62], hexSHA + "00", "zz" + hexSHA[2:]} {
		_, err := audit.ParseDigest(bad)
		require.Error(t, err, "%q", bad)
	}
}
