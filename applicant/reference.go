package applicant

import (
	"fmt"
	"time"
)

// The reference events' purposes, with the text their notices show.
var (
	specReception    = PurposeSpec{PurposeReception, "申込みの受付・管理（参加資格と重複申込みの確認を含む）", "Receiving and managing applications, including eligibility and duplicate checks"}
	specInsurance    = PurposeSpec{PurposeInsurance, "傷害保険の加入手続き", "Enrolling participants in the event's accident insurance"}
	specCheckIn      = PurposeSpec{PurposeCheckIn, "当日の受付", "Checking participants in on the day"}
	specStatistics   = PurposeSpec{PurposeStatistics, "事業実施報告書のための集計（個人を特定しない形で行います）", "Counting for the event report, without identifying anyone"}
	specLottery      = PurposeSpec{PurposeLottery, "抽選（受付番号・人数・希望日時のみを使用します）", "The lottery, which uses only the receipt number, group size and preferred slots"}
	specTracing      = PurposeSpec{PurposeInfectionTracing, "感染症のクラスター発生時の連絡", "Contacting the group if an infection cluster occurs"}
	specReturnToWard = PurposeSpec{PurposeReturnToWard, "業務終了後の区への返還", "Returning every record to the ward when the work ends"}
)

// CityWalkSchema returns the schema of the reference city walk (しんじゅく
// シティウォーク style): applicants living, working or studying in the ward
// apply alone, online or by postcard, giving name, address, age, phone,
// sex, course, participant category and, online only, an email address.
// Purposes: reception, accident insurance, guidance by mail, check-in,
// statistics for the event report, return to the ward. Each call returns a
// fresh copy.
func CityWalkSchema() *Schema {
	all := []Purpose{PurposeReturnToWard}
	with := func(ps ...Purpose) []Purpose { return append(ps, all...) }
	app := func(f Field, req bool, ps ...Purpose) FieldRule {
		return FieldRule{Field: f, Class: ClassApplication, Purposes: with(ps...), Required: req}
	}
	email := app(FieldEmail, true, PurposeNotification)
	email.Channels = []Channel{ChannelWeb}
	return &Schema{
		Event: "citywalk",
		Purposes: []PurposeSpec{
			specReception, specInsurance,
			{PurposeNotification, "参加案内の送付", "Sending guidance for the day"},
			specCheckIn, specStatistics, specReturnToWard,
		},
		Fields: []FieldRule{
			app(FieldName, true, PurposeReception, PurposeInsurance, PurposeNotification, PurposeCheckIn),
			app(FieldAddress, true, PurposeReception, PurposeInsurance, PurposeNotification),
			app(FieldPostalCode, true, PurposeNotification),
			app(FieldAge, true, PurposeReception, PurposeInsurance, PurposeStatistics),
			app(FieldSex, false, PurposeInsurance, PurposeStatistics),
			app(FieldPhone, true, PurposeReception, PurposeCheckIn),
			email,
			app(FieldParticipantCategory, true, PurposeReception, PurposeStatistics),
			app(FieldCourse, true, PurposeReception, PurposeNotification, PurposeCheckIn, PurposeStatistics),
		},
		Channels: []Channel{ChannelWeb, ChannelPostcard},
		Courses:  []string{"5km", "10km"},
		Identity: []IdentityRule{{Name: "name+phone", Fields: []Field{FieldName, FieldPhone}}},
		Eligibility: Eligibility{
			Categories:   []ParticipantCategory{Resident, Worker, Student},
			MaxGroupSize: 1,
		},
		Receipts: ReceiptFormat{Prefix: "CW", Digits: 6},
	}
}

// LiveSiteSchema returns the schema of the reference live site (Tokyo 2020
// community live site style): 32 event days with three slots each; a
// representative living in the ward applies online or by postcard for a
// group with named companions (infants included), ranking up to three
// slots; at least one adult per group, six people at most. Walk-in groups
// leave a contact card (name, phone, seat) in its own data class, readable
// only for infection tracing. Each call returns a fresh copy.
func LiveSiteSchema() *Schema {
	app := func(f Field, req bool, ps ...Purpose) FieldRule {
		return FieldRule{Field: f, Class: ClassApplication, Purposes: append(ps, PurposeReturnToWard), Required: req}
	}
	card := func(f Field) FieldRule {
		return FieldRule{Field: f, Class: ClassContactCard, Purposes: []Purpose{PurposeInfectionTracing}, Required: true}
	}
	email := app(FieldEmail, true, PurposeNotification)
	email.Channels = []Channel{ChannelWeb}
	return &Schema{
		Event: "livesite",
		Purposes: []PurposeSpec{
			specReception, specLottery,
			{PurposeNotification, "抽選結果の通知", "Sending lottery results"},
			specCheckIn, specTracing, specReturnToWard,
		},
		Fields: []FieldRule{
			app(FieldName, true, PurposeReception, PurposeNotification, PurposeCheckIn),
			app(FieldAddress, true, PurposeReception, PurposeNotification),
			app(FieldPostalCode, true, PurposeNotification),
			app(FieldAge, true, PurposeReception),
			app(FieldPhone, true, PurposeReception),
			email,
			app(FieldPreferences, true, PurposeReception, PurposeLottery, PurposeNotification, PurposeCheckIn),
			app(FieldGroupSize, false, PurposeReception, PurposeLottery, PurposeCheckIn),
			app(FieldCompanionName, true, PurposeReception, PurposeCheckIn),
			app(FieldCompanionAge, true, PurposeReception),
			app(FieldCompanionInfant, false, PurposeReception, PurposeCheckIn),
			app(FieldLotteryResult, false, PurposeNotification, PurposeCheckIn),
			card(FieldCardName),
			card(FieldCardPhone),
			card(FieldCardSeat),
		},
		Channels:       []Channel{ChannelWeb, ChannelPostcard},
		Slots:          liveSiteSlots(),
		MaxPreferences: 3,
		Identity: []IdentityRule{
			{Name: "name+phone", Fields: []Field{FieldName, FieldPhone}},
			// Companions give only a name and an age: a clash may be two
			// people, so it is reviewed, not refused.
			{Name: "name+age", Fields: []Field{FieldName, FieldAge}, Review: true},
		},
		Eligibility: Eligibility{
			ResidentOnly: true,
			WardPrefixes: []string{"東京都新宿区", "新宿区"},
			MinAdults:    1,
			MaxGroupSize: 6,
		},
		Receipts: ReceiptFormat{Prefix: "LS", Digits: 6},
	}
}

// liveSiteSlots lists the live site's slots: the 19 Olympic days (21 July
// to 8 August 2021) and the 13 Paralympic days (24 August to 5 September
// 2021), three slots a day, as "2021-07-24/1".
func liveSiteSlots() []string {
	var out []string
	add := func(from, to string) {
		d, _ := time.Parse(time.DateOnly, from)
		end, _ := time.Parse(time.DateOnly, to)
		for ; !d.After(end); d = d.AddDate(0, 0, 1) {
			for slot := 1; slot <= 3; slot++ {
				out = append(out, fmt.Sprintf("%s/%d", d.Format(time.DateOnly), slot))
			}
		}
	}
	add("2021-07-21", "2021-08-08")
	add("2021-08-24", "2021-09-05")
	return out
}
