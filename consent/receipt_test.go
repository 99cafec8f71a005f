package consent

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji/applicant"
)

var (
	receiptID = uuid.MustParse("01890a5d-ac96-774b-bcce-b302099a8057")
	recordID  = uuid.MustParse("01890a5d-ac90-7000-8000-000000000001")
	jst       = time.FixedZone("JST", 9*60*60)
)

func liveSiteNotice(t *testing.T) *Notice {
	t.Helper()
	n, err := New(applicant.LiveSiteSchema(), liveSiteDetails())
	require.NoError(t, err)
	return n
}

func TestReceiptForApplication(t *testing.T) {
	t.Parallel()
	n := liveSiteNotice(t)
	sum := applicant.Summary{ID: recordID, EventID: "livesite", Receipt: "LS-0000174", Channel: applicant.ChannelPostcard}
	at := time.Date(2021, 6, 1, 10, 0, 0, 0, jst)
	r, err := NewReceipt(n, ForApplication(sum), receiptID, at, language.Japanese)
	require.NoError(t, err)
	require.Equal(t, []applicant.Purpose{applicant.PurposeCheckIn, applicant.PurposeLottery, applicant.PurposeNotification,
		applicant.PurposeReception, applicant.PurposeReturnToWard}, r.Purposes, "no infection tracing: that is the cards'")
	require.NotContains(t, r.Categories, applicant.DataCategory("user.contact.email"), "no email on a postcard")
	require.Contains(t, r.Categories, applicant.DataCategory("user.companion.name"))
	require.True(t, r.CollectedDirectly)

	// The stable encoding, written out from the documented layout.
	want := `{"tag":"kuji-consent-receipt/1","receipt_id":"01890a5d-ac96-774b-bcce-b302099a8057","event":"livesite",` +
		`"record_id":"01890a5d-ac90-7000-8000-000000000001","receipt_number":"LS-0000174",` +
		`"controller":{"ja":"新宿区 東京オリンピック・パラリンピック開催等担当課","en":"Shinjuku City, Tokyo 2020 Section"},` +
		`"notice_version":"` + string(n.Version) + `","language":"ja",` +
		`"purposes":["check-in","lottery","notification","reception","return-to-ward"],` +
		`"categories":["user.companion.demographic.age","user.companion.demographic.infant","user.companion.name",` +
		`"user.contact.address","user.contact.address.postal_code","user.contact.phone_number","user.demographic.age",` +
		`"user.name","user.preference.slots"],` +
		`"sensitive":false,"channel":"postcard","collected_directly":true,"time":"2021-06-01T01:00:00Z"}`
	b, err := json.Marshal(r)
	require.NoError(t, err)
	require.Equal(t, want, string(b))

	back, err := ParseReceipt(b)
	require.NoError(t, err)
	require.Equal(t, r, back)
	again, err := json.Marshal(back)
	require.NoError(t, err)
	require.Equal(t, b, again)

	web, err := NewReceipt(n, Subject{Event: "livesite", Record: recordID, Channel: applicant.ChannelWeb}, receiptID, at, language.English)
	require.NoError(t, err)
	require.Contains(t, web.Categories, applicant.DataCategory("user.contact.email"))
	require.Equal(t, "en", web.Language)
}

func TestReceiptForCard(t *testing.T) {
	t.Parallel()
	n := liveSiteNotice(t)
	card := applicant.CardSummary{ID: recordID, EventID: "livesite", Slot: "2021-07-24/2"}
	r, err := NewReceipt(n, ForCard(card), receiptID, time.Date(2021, 7, 24, 13, 0, 0, 0, jst), language.Japanese)
	require.NoError(t, err)
	require.Equal(t, []applicant.Purpose{applicant.PurposeInfectionTracing}, r.Purposes)
	require.Equal(t, applicant.ChannelWalkIn, r.Channel)
	require.Empty(t, r.ReceiptNumber)
	require.Equal(t, []applicant.DataCategory{"user.contact.phone_number", "user.location.seat", "user.name"}, r.Categories)

	cw, err := New(applicant.CityWalkSchema(), cityWalkDetails())
	require.NoError(t, err)
	_, err = NewReceipt(cw, Subject{Event: "citywalk", Record: recordID, Channel: applicant.ChannelWalkIn, Card: true}, receiptID, time.Now(), language.Japanese)
	require.ErrorAs(t, err, new(*Error), "the city walk collects no card")
}

func TestReceiptRefuses(t *testing.T) {
	t.Parallel()
	n := liveSiteNotice(t)
	at := time.Date(2021, 6, 1, 10, 0, 0, 0, jst)
	ok := Subject{Event: "livesite", Record: recordID, Channel: applicant.ChannelWeb}
	for name, tt := range map[string]struct {
		sub Subject
		id  uuid.UUID
		at  time.Time
	}{
		"another event": {Subject{Event: "citywalk", Record: recordID, Channel: applicant.ChannelWeb}, receiptID, at},
		"no record":     {Subject{Event: "livesite", Channel: applicant.ChannelWeb}, receiptID, at},
		"no channel":    {Subject{Event: "livesite", Record: recordID}, receiptID, at},
		"no receipt ID": {ok, uuid.Nil, at},
		"no time":       {ok, receiptID, time.Time{}},
	} {
		_, err := NewReceipt(n, tt.sub, tt.id, tt.at, language.Japanese)
		require.ErrorAs(t, err, new(*Error), name)
	}
	for name, b := range map[string]string{
		"not JSON":       `{`,
		"unknown member": `{"tag":"kuji-consent-receipt/1","receipt_id":"01890a5d-ac96-774b-bcce-b302099a8057","record_id":"01890a5d-ac90-7000-8000-000000000001","x":1}`,
		"other tag":      `{"tag":"kuji-consent-receipt/2","receipt_id":"01890a5d-ac96-774b-bcce-b302099a8057","record_id":"01890a5d-ac90-7000-8000-000000000001"}`,
		"trailing":       `{"tag":"kuji-consent-receipt/1","receipt_id":"01890a5d-ac96-774b-bcce-b302099a8057","record_id":"01890a5d-ac90-7000-8000-000000000001"} {}`,
	} {
		_, err := ParseReceipt([]byte(b))
		require.ErrorAs(t, err, new(*Error), name)
	}
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	n := liveSiteNotice(t)
	at := time.Date(2021, 6, 1, 10, 0, 0, 0, jst)
	r, err := NewReceipt(n, Subject{Event: "livesite", Record: recordID, Channel: applicant.ChannelWeb}, receiptID, at, language.Japanese)
	require.NoError(t, err)

	w, err := r.Withdraw(at.Add(48 * time.Hour))
	require.NoError(t, err)
	require.True(t, w.All)
	require.Equal(t, r.Purposes, w.Purposes)
	want := `{"tag":"kuji-consent-withdrawal/1","receipt_id":"01890a5d-ac96-774b-bcce-b302099a8057","event":"livesite",` +
		`"record_id":"01890a5d-ac90-7000-8000-000000000001","all":true,` +
		`"purposes":["check-in","lottery","notification","reception","return-to-ward"],"time":"2021-06-03T01:00:00Z"}`
	b, err := json.Marshal(w)
	require.NoError(t, err)
	require.Equal(t, want, string(b))
	back, err := ParseWithdrawal(b)
	require.NoError(t, err)
	require.Equal(t, w, back)

	part, err := r.Withdraw(at.Add(time.Hour), applicant.PurposeNotification, applicant.PurposeCheckIn)
	require.NoError(t, err)
	require.False(t, part.All)
	require.Equal(t, []applicant.Purpose{applicant.PurposeCheckIn, applicant.PurposeNotification}, part.Purposes)

	_, err = r.Withdraw(at.Add(-time.Second))
	require.ErrorAs(t, err, new(*Error), "before the receipt")
	_, err = r.Withdraw(at.Add(time.Hour), applicant.PurposeInfectionTracing)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, ReasonWithdrawalPurpose, e.Reason)
	_, err = ParseWithdrawal(bytes.Replace(b, []byte(`"all"`), []byte(`"every"`), 1))
	require.Error(t, err)
}
