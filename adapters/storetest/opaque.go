package storetest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters"
	"github.com/kuji-go/kuji/adapters/memory"
	"github.com/kuji-go/kuji/internal/seal"
)

// Canary personal values: none of them may ever appear in a store's raw
// storage. They are unusual enough not to occur by chance.
var canaries = []string{
	"カナリア山田花子",
	"かなりあやまだはなこ",
	"東京都新宿区西新宿9-99-99カナリア荘",
	"090-9876-5432",
	"09098765432",
	"canary.hanako@example.jp",
	"ｶﾅﾘｱﾔﾏﾀﾞ",
}

type canaryRecord struct {
	Name    string `json:"name"`
	Kana    string `json:"name_kana"`
	Address string `json:"address"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
	Seat    string `json:"seat"`
}

// sealedCanaries writes n applications and n contact cards whose personal
// fields are the canaries, sealed as the core seals them, with blind
// indexes as the core computes them. It returns the sealer, the rows and
// the cards.
func sealedCanaries(t *testing.T, s adapters.Store, event string, n int) (*seal.Sealer, []adapters.Application, []adapters.ContactCard) {
	t.Helper()
	sealer, err := seal.New(seal.NewKEK(), memory.NewKeyStore())
	require.NoError(t, err)
	idx, err := sealer.IndexKey(bg(), event)
	require.NoError(t, err)
	mac := func(kind, v string) []byte {
		m := hmac.New(sha256.New, idx)
		m.Write([]byte(kind + "\x00" + v))
		return m.Sum(nil)
	}
	rec := canaryRecord{canaries[0], canaries[1], canaries[2], canaries[3], canaries[5], canaries[6]}
	var apps []adapters.Application
	var cards []adapters.ContactCard
	for i := range n {
		a := app(event, 500+i)
		rec.Email = fmt.Sprintf("canary.hanako+%d@example.jp", i)
		pt, err := json.Marshal(rec)
		require.NoError(t, err)
		blob, err := sealer.Seal(bg(), event, a.ID, "application", pt)
		require.NoError(t, err)
		a.Sealed = map[string][]byte{"application": blob}
		a.Identity = [][]byte{mac("identity", fmt.Sprintf("%s|%s|%d", canaries[1], canaries[4], i))}
		a.Search = []adapters.BlindKey{{Kind: "kana", MAC: mac("kana", canaries[1])}, {Kind: "phone", MAC: mac("phone", canaries[4])}}
		apps = append(apps, a)

		card := adapters.ContactCard{ID: fmt.Sprintf("%s-card-%d", event, i), Event: event, Slot: "d1/am", Class: "contact-card", Created: t0.Add(time.Duration(i) * time.Second)}
		card.Sealed, err = sealer.Seal(bg(), event, card.ID, "contact-card", pt)
		require.NoError(t, err)
		cards = append(cards, card)
	}
	update(t, s, func(tx adapters.Tx) error {
		for _, a := range apps {
			if err := tx.InsertApplication(bg(), a); err != nil {
				return err
			}
		}
		for _, c := range cards {
			if err := tx.InsertContactCard(bg(), c); err != nil {
				return err
			}
		}
		return nil
	})
	return sealer, apps, cards
}

func raw(t *testing.T, h Harness) []byte {
	t.Helper()
	b, err := h.Raw(bg())
	require.NoError(t, err)
	return b
}

// containsAny names the first needle found in haystack, or "".
func containsAny(haystack []byte, needles ...[]byte) string {
	for _, n := range needles {
		if len(n) > 0 && bytes.Contains(haystack, n) {
			return fmt.Sprintf("%x", n[:min(len(n), 12)])
		}
	}
	return ""
}

func canaryBytes() [][]byte {
	out := make([][]byte, len(canaries))
	for i, c := range canaries {
		out[i] = []byte(c)
	}
	return out
}

// Canary names, phones and emails written through the store (sealed, as
// the core writes them) never appear in its raw storage, and the sealed
// blobs come back intact so they still open.
func testOpaque(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	sealer, apps, cards := sealedCanaries(t, s, "ev-1", 20)

	r := raw(t, h)
	require.True(t, bytes.Contains(r, []byte(apps[3].Receipt)),
		"Raw must show the store's real storage: a non-personal receipt number should be visible in it")
	if hit := containsAny(r, canaryBytes()...); hit != "" {
		t.Fatalf("raw storage contains a canary personal value (prefix %s)", hit)
	}

	view(t, s, func(tx adapters.ReadTx) error {
		got, err := tx.Application(bg(), "ev-1", apps[3].ID)
		require.NoError(t, err)
		pt, err := sealer.Open(bg(), "ev-1", got.ID, "application", got.Sealed["application"])
		require.NoError(t, err, "a sealed blob round-trips byte for byte")
		require.Contains(t, string(pt), canaries[0])
		n := 0
		require.NoError(t, tx.ListContactCards(bg(), "ev-1", "d1/am", func(c adapters.ContactCard) error {
			_, err := sealer.Open(bg(), "ev-1", c.ID, "contact-card", c.Sealed)
			require.NoError(t, err)
			n++
			return nil
		}))
		require.Equal(t, len(cards), n)
		return nil
	})
}

// Purging a class deletes its blobs physically: after the purge (and a
// compaction, where the store can compact), not even the ciphertext is in
// the raw storage.
func testPurge(t *testing.T, h Harness) {
	s := h.Store()
	createEvent(t, s, "ev-1")
	createEvent(t, s, "ev-2")
	_, apps, cards := sealedCanaries(t, s, "ev-1", 30)
	_, others, _ := sealedCanaries(t, s, "ev-2", 3)
	// One more application of ev-1 after ev-2's: the two events' rows
	// interleave, and a purge of one must walk around the other's.
	late := app("ev-1", 999)
	insert(t, s, late)
	apps = append(apps, late)

	var appBlobs, cardBlobs [][]byte
	for _, a := range apps[:len(apps)-1] { // the late one's blob is a short placeholder
		appBlobs = append(appBlobs, a.Sealed["application"][13:45])
	}
	for _, c := range cards {
		cardBlobs = append(cardBlobs, c.Sealed[13:45])
	}
	before := raw(t, h)
	require.NotEmpty(t, containsAny(before, appBlobs...), "before the purge the sealed blobs are in raw storage (else Raw sees nothing)")
	require.NotEmpty(t, containsAny(before, cardBlobs...))

	compact := func() {
		if c, ok := s.(adapters.Compacter); ok {
			require.NoError(t, c.Compact(bg()))
		}
	}

	var n int64
	update(t, s, func(tx adapters.Tx) error {
		var err error
		n, err = tx.PurgeClass(bg(), "ev-1", "contact-card")
		return err
	})
	require.Equal(t, int64(len(cards)), n)
	compact()
	if hit := containsAny(raw(t, h), cardBlobs...); hit != "" {
		t.Fatalf("a purged contact card's ciphertext is still in raw storage (%s)", hit)
	}
	require.NotEmpty(t, containsAny(raw(t, h), appBlobs...), "another class is untouched")

	update(t, s, func(tx adapters.Tx) error {
		var err error
		n, err = tx.PurgeClass(bg(), "ev-1", "application")
		return err
	})
	require.Equal(t, int64(len(apps)), n)
	view(t, s, func(tx adapters.ReadTx) error {
		a, err := tx.Application(bg(), "ev-1", apps[0].ID)
		require.NoError(t, err, "the row stays until the applications are purged")
		require.Empty(t, a.Sealed)
		return tx.ListSealed(bg(), "ev-1", "application", func(r string) error {
			t.Errorf("application %s still holds a blob of the purged class", r)
			return nil
		})
	})

	update(t, s, func(tx adapters.Tx) error {
		var err error
		n, err = tx.PurgeApplications(bg(), "ev-1")
		return err
	})
	require.Equal(t, int64(len(apps)), n)
	compact()
	after := raw(t, h)
	if hit := containsAny(after, appBlobs...); hit != "" {
		t.Fatalf("a purged application's ciphertext is still in raw storage (%s)", hit)
	}
	for _, a := range apps {
		if hit := containsAny(after, a.Identity[0], a.Search[1].MAC); hit != "" {
			t.Fatalf("a purged application's blind index is still in raw storage (%s)", hit)
		}
	}
	require.Empty(t, listIDs(t, s, "ev-1", adapters.ApplicationFilter{}))
	require.Len(t, listIDs(t, s, "ev-2", adapters.ApplicationFilter{}), len(others), "other events are untouched")
	require.NotEmpty(t, containsAny(after, others[0].Sealed["application"][13:45]))
}
