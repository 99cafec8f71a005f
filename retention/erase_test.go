package retention_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/retention"
)

var cardIDs = []string{
	"card-7d2f0c1e", "card-0a9b33f2", "card-5e6d7c8b", "card-1f2e3d4c", "card-9a8b7c6d",
}

func request() retention.Request {
	return retention.Request{
		ID:          "ls2025-erasure-1",
		Event:       "ls2025",
		EventName:   "東京2020大会コミュニティライブサイト",
		Ward:        "新宿区",
		PerformedBy: retention.Person{Actor: "resp-01", Name: "山田 花子", Organisation: "株式会社イベント・サンプル"},
		Tool:        retention.Tool{Name: "kuji", Version: "v0.9.0"},
	}
}

// duePlan is the live site on 2 March 2025: the event ended on 31
// January, so contact cards are due; the report was submitted on 1 March,
// so application data is due too.
func duePlan(t *testing.T) *retention.Plan {
	t.Helper()
	m := retention.Milestones{EventEnd: at(2025, 1, 31, 21, 0, 0), ReportSubmitted: at(2025, 3, 1, 9, 0, 0)}
	plan, err := livePolicy(t).Plan(at(2025, 3, 2, 10, 0, 0), m, map[string]int64{"contact-card": 5, "application": 11})
	require.NoError(t, err)
	return plan
}

func newEraser() *fakeEraser {
	return newFakeEraser(
		map[string][]string{"application": receipts("LS", 11), "contact-card": cardIDs},
		map[string]retention.IDKind{"application": retention.IDReceipt, "contact-card": retention.IDRecord},
	)
}

func start(t *testing.T) *retention.Erasure {
	t.Helper()
	er, err := retention.NewErasure(duePlan(t), request())
	require.NoError(t, err)
	return er
}

func TestApplyOrderAndRecord(t *testing.T) {
	t.Parallel()
	e := newEraser()
	er := start(t)
	done, err := retention.Apply(context.Background(), e, er, ticking(at(2025, 3, 2, 10, 0, 0)))
	require.NoError(t, err)
	require.True(t, done.Complete())
	require.False(t, er.Complete(), "Apply does not modify its argument")
	require.Nil(t, done.Failure)
	require.Equal(t, 1, done.Runs)

	// Every key is destroyed before the first row is deleted, the storage
	// is compacted after the last delete, and read back after that.
	require.Equal(t, []string{
		"inspect:contact-card", "inspect:application",
		"destroy:contact-card", "destroy:application",
		"delete:contact-card", "delete:application",
		"compact:",
		"inspect:contact-card", "inspect:application",
	}, e.calls)
	require.False(t, e.keys["contact-card"])
	require.Empty(t, e.ids["application"])

	app := done.Classes[1]
	require.Equal(t, "application", app.Class)
	require.Equal(t, retention.IDReceipt, app.IDKind)
	require.Equal(t, int64(11), app.Records)
	require.Equal(t, "LS-000001", app.FirstID)
	require.Equal(t, "LS-000011", app.LastID)
	require.Equal(t, int64(11), app.RowsDeleted)
	// The digest is SHA-256 over the sorted IDs, one per line.
	var list strings.Builder
	for i := 1; i <= 11; i++ {
		fmt.Fprintf(&list, "LS-%06d\n", i) // zero-padded: numeric order is byte order
	}
	require.Equal(t, retention.Digest(sha256.Sum256([]byte(list.String()))), app.IDDigest)

	cards := done.Classes[0]
	require.Equal(t, retention.IDRecord, cards.IDKind)
	require.Equal(t, "card-0a9b33f2", cards.FirstID)
	require.Equal(t, "card-9a8b7c6d", cards.LastID)

	for _, c := range done.Classes {
		require.True(t, c.Inventoried.Before(c.KeyDestroyed))
		require.True(t, c.KeyDestroyed.Before(done.Compacted))
		require.True(t, done.Compacted.Before(c.Verified))
		require.False(t, c.Verified.After(done.Finished))
	}
	require.True(t, done.Started.Before(done.Classes[0].Inventoried))

	// A complete erasure is left alone.
	e.calls = nil
	again, err := retention.Apply(context.Background(), e, done, ticking(at(2025, 3, 3, 0, 0, 0)))
	require.NoError(t, err)
	require.Equal(t, done, again)
	require.Empty(t, e.calls)
}

func TestDigestIDs(t *testing.T) {
	t.Parallel()
	d, err := retention.DigestIDs([]string{"b-2", "a-1", "b-2"})
	require.NoError(t, err)
	require.Equal(t, retention.Digest(sha256.Sum256([]byte("a-1\nb-2\n"))), d)
	empty, err := retention.DigestIDs(nil)
	require.NoError(t, err)
	require.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", empty.String())
	for _, bad := range []string{"yamada@example.jp", "090-1234-5678", "山田", "a b", "x\ny"} {
		_, err := retention.DigestIDs([]string{"a-1", bad})
		var e *retention.Error
		require.ErrorAs(t, err, &e, bad)
		require.Equal(t, 1, e.Index)
		require.NotContains(t, err.Error(), bad)
	}
}

// TestApplyResumes fails each step in turn, then runs Apply again with the
// erasure it returned: the second run finishes, and the record is the same
// as an uninterrupted run's.
func TestApplyResumes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		call   string // "method:class" that fails on its first call
		effect bool   // the call took effect before failing (a lost reply)
		step   retention.Step
		class  string
	}{
		{"inspect:application", false, retention.StepInventory, "application"},
		{"destroy:application", false, retention.StepDestroyKey, "application"},
		{"destroy:contact-card", true, retention.StepDestroyKey, "contact-card"},
		{"delete:contact-card", false, retention.StepDelete, "contact-card"},
		{"delete:application", true, retention.StepDelete, "application"},
		{"compact:", false, retention.StepCompact, ""},
	}
	for _, tt := range tests {
		t.Run(tt.call, func(t *testing.T) {
			t.Parallel()
			e := newEraser()
			e.failAt[tt.call] = 1
			e.afterEffect = tt.effect
			clock := ticking(at(2025, 3, 2, 10, 0, 0))
			partial, err := retention.Apply(context.Background(), e, start(t), clock)
			require.Error(t, err)
			var se *retention.StepError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.step, se.Step)
			require.Equal(t, tt.class, se.Class)
			require.ErrorIs(t, err, errInjected)
			require.Contains(t, se.Japanese(), "再実行")
			require.False(t, partial.Complete())
			require.Equal(t, &retention.Failure{Step: tt.step, Class: tt.class, At: partial.Failure.At}, partial.Failure)
			require.Nil(t, certOrNil(partial))
			require.Equal(t, "erasure-"+string(tt.step), partial.AuditEntry().Reason)

			// The Office keeps the partial record as JSON between runs.
			data, err := json.Marshal(partial)
			require.NoError(t, err)
			var kept retention.Erasure
			require.NoError(t, json.Unmarshal(data, &kept))

			done, err := retention.Apply(context.Background(), e, &kept, clock)
			require.NoError(t, err)
			require.True(t, done.Complete())
			require.Nil(t, done.Failure)
			require.Equal(t, 2, done.Runs)
			require.Equal(t, int64(11), done.Classes[1].Records, "the first inventory is kept even if a reply was lost")
			require.Equal(t, int64(5), done.Classes[0].Records)
			want, _ := retention.DigestIDs(receipts("LS", 11))
			require.Equal(t, want, done.Classes[1].IDDigest)
			wantRows := int64(11) // counted over both runs
			if tt.call == "delete:application" && tt.effect {
				wantRows = 0 // the rows went with the lost reply; the inventory still states them
			}
			require.Equal(t, wantRows, done.Classes[1].RowsDeleted)
			require.Empty(t, e.ids["application"])
			require.False(t, e.keys["application"])
		})
	}
}

func certOrNil(er *retention.Erasure) *retention.Certificate {
	c, _ := er.Certificate(time.Now())
	return c
}

func TestApplyInventoryBeforeAnyDestruction(t *testing.T) {
	t.Parallel()
	e := newEraser()
	e.failAt["inspect:application"] = 1 // the second class's inventory
	_, err := retention.Apply(context.Background(), e, start(t), ticking(at(2025, 3, 2, 10, 0, 0)))
	require.Error(t, err)
	require.True(t, e.keys["contact-card"], "no key destroyed before every class is inventoried")
	require.Len(t, e.ids["contact-card"], 5)
}

func TestApplyRefusesPersonalIDs(t *testing.T) {
	t.Parallel()
	e := newEraser()
	e.inspectIDs = map[string][]string{"contact-card": {"card-1", "yamada@example.jp"}}
	_, err := retention.Apply(context.Background(), e, start(t), ticking(at(2025, 3, 2, 10, 0, 0)))
	var se *retention.StepError
	require.ErrorAs(t, err, &se)
	require.Equal(t, retention.StepInventory, se.Step)
	var re *retention.Error
	require.ErrorAs(t, err, &re)
	require.Equal(t, retention.ReasonNotIdentifier, re.Reason)
	require.Equal(t, "contact-card", re.Class)
	require.NotContains(t, err.Error(), "yamada")
	require.True(t, e.keys["contact-card"], "nothing destroyed")
}

func TestApplyVerificationFailure(t *testing.T) {
	t.Parallel()
	e := newEraser()
	e.stubborn["card-5e6d7c8b"] = true
	clock := ticking(at(2025, 3, 2, 10, 0, 0))
	partial, err := retention.Apply(context.Background(), e, start(t), clock)
	require.ErrorIs(t, err, retention.ErrNotErased)
	var se *retention.StepError
	require.ErrorAs(t, err, &se)
	require.Equal(t, retention.StepVerify, se.Step)
	require.Equal(t, "contact-card", se.Class)
	require.Contains(t, err.Error(), "1 records remain")
	require.True(t, partial.Classes[0].Verified.IsZero())
	require.ErrorIs(t, errOf(partial.Certificate(time.Now())), retention.ErrIncomplete)

	// The stubborn row is dealt with; the next run verifies.
	delete(e.stubborn, "card-5e6d7c8b")
	done, err := retention.Apply(context.Background(), e, partial, clock)
	require.NoError(t, err)
	require.True(t, done.Complete())
	require.Equal(t, int64(5), done.Classes[0].RowsDeleted)
}

func errOf(_ *retention.Certificate, err error) error { return err }

func TestApplyKeyNotDestroyedIsNotVerified(t *testing.T) {
	t.Parallel()
	e := &keyKeeper{fakeEraser: newEraser()}
	_, err := retention.Apply(context.Background(), e, start(t), ticking(at(2025, 3, 2, 10, 0, 0)))
	require.ErrorIs(t, err, retention.ErrNotErased)
	require.Contains(t, err.Error(), "data key is still present")
}

// keyKeeper claims to destroy keys but does not.
type keyKeeper struct{ *fakeEraser }

func (k *keyKeeper) DestroyKey(ctx context.Context, class string) error { return nil }

func TestApplyCancelled(t *testing.T) {
	t.Parallel()
	e := newEraser()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	partial, err := retention.Apply(ctx, e, start(t), ticking(at(2025, 3, 2, 10, 0, 0)))
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, e.calls)
	require.True(t, partial.Classes[0].Inventoried.IsZero())
}

func TestApplyNeedsItsArguments(t *testing.T) {
	t.Parallel()
	_, err := retention.Apply(context.Background(), nil, start(t), time.Now)
	require.Error(t, err)
	_, err = retention.Apply(context.Background(), newEraser(), start(t), nil)
	require.Error(t, err)
	_, err = retention.Apply(context.Background(), newEraser(), nil, time.Now)
	require.Error(t, err)
}

func TestNewErasureRejects(t *testing.T) {
	t.Parallel()
	bad := request()
	bad.ID = "090-1234-5678"
	bad.Ward = ""
	bad.PerformedBy.Name = "山田\n花子"
	bad.Tool.Version = strings.Repeat("x", 201)
	_, err := retention.NewErasure(duePlan(t), bad)
	var errs retention.Errors
	require.ErrorAs(t, err, &errs)
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	require.Equal(t, []string{"id", "ward", "performed_by.name", "tool.version"}, fields)
	require.NotContains(t, err.Error(), "090")
	require.NotContains(t, err.Error(), "山田")

	// Nothing due yet.
	plan, err := livePolicy(t).Plan(at(2025, 2, 1, 0, 0, 0), retention.Milestones{EventEnd: at(2025, 1, 31, 21, 0, 0)}, nil)
	require.NoError(t, err)
	_, err = retention.NewErasure(plan, request())
	require.ErrorAs(t, err, &errs)
	require.Equal(t, retention.ReasonNothingDue, errs[0].Reason)
}

func TestNewErasureTakesTheDueClasses(t *testing.T) {
	t.Parallel()
	er := start(t)
	require.Equal(t, retention.ErasureFormat, er.Format)
	var names []string
	for _, c := range er.Classes {
		names = append(names, c.Class)
		require.False(t, c.Deadline.IsZero())
		require.Equal(t, c.Class, c.Rule.Class)
	}
	require.Equal(t, []string{"contact-card", "application"}, names)
	require.True(t, slices.IsSortedFunc(er.Classes, func(a, b retention.ClassErasure) int {
		return a.Deadline.At.Compare(b.Deadline.At)
	}))
}
