// Package refevent configures the two reference events — the live site and
// the city walk — for kuji's tests, benchmarks and example programs.
package refevent

import (
	"fmt"
	"strings"
	"time"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/audit"
	"github.com/kuji-go/kuji/consent"
	"github.com/kuji-go/kuji/lottery"
	"github.com/kuji-go/kuji/retention"
)

// JST is Japan Standard Time.
var JST = time.FixedZone("JST", 9*60*60)

// Ward names the ward.
const Ward = "新宿区"

func notice(title consent.Text) consent.Details {
	return consent.Details{
		Title:      title,
		Controller: consent.Text{Japanese: "新宿区 文化観光産業部", English: "Shinjuku City, Culture, Tourism and Industry Department"},
		Processor:  consent.Text{Japanese: "株式会社くじイベント", English: "Kuji Events Co., Ltd."},
		Contact:    consent.Text{Japanese: "事務局 03-0000-0000（平日9時〜17時）", English: "Event office, +81-3-0000-0000 (weekdays 9:00-17:00)"},
	}
}

// LiveSite returns the live site event (Tokyo 2020 community live site
// style) with the first days slots of the schedule (0 for all 32 days);
// each slot has capacity seats, half reserved for residents when reserve is
// true. Contact cards are erased one month after the event ends, the
// applications when the event report is submitted.
func LiveSite(days, capacity int) kuji.Event {
	s := applicant.LiveSiteSchema()
	if days > 0 && days*3 < len(s.Slots) {
		s.Slots = s.Slots[:days*3]
	}
	var slots []kuji.Slot
	for _, id := range s.Slots {
		date, n, _ := strings.Cut(id, "/")
		d, _ := time.ParseInLocation(time.DateOnly, date, JST)
		hours := map[string]string{"1": "11:00〜14:00", "2": "15:00〜18:00", "3": "19:00〜22:00"}[n]
		week := "日月火水木金土"
		label := consent.Text{
			Japanese: fmt.Sprintf("%d月%d日（%s）%s", d.Month(), d.Day(), string([]rune(week)[d.Weekday()]), hours),
			English:  fmt.Sprintf("%s %s", d.Format("Mon 2 Jan"), strings.ReplaceAll(hours, "〜", "-")),
		}
		slots = append(slots, kuji.Slot{Slot: lottery.Slot{ID: id, Capacity: capacity}, Label: label})
	}
	policy, err := retention.NewPolicy(
		retention.Rule{Class: string(applicant.ClassApplication), Trigger: retention.TriggerReportSubmitted},
		retention.Rule{Class: string(applicant.ClassContactCard), Trigger: retention.TriggerEventEnd, Delay: retention.Delay{Months: 1}},
	)
	if err != nil {
		panic(err)
	}
	return kuji.Event{
		Schema:        s,
		Notice:        notice(consent.Text{Japanese: "東京2020大会コミュニティライブサイト", English: "Tokyo 2020 Community Live Site"}),
		Slots:         slots,
		Retention:     policy,
		ConfirmWithin: 5 * 24 * time.Hour,
		Ward:          Ward,
		Contact:       "東京2020大会コミュニティライブサイト事務局 03-0000-0000（平日9時〜17時）",
		LogOrigin:     "kuji.example.jp/shinjuku/livesite-2021",
	}
}

// CityWalk returns the city walk event (しんじゅくシティウォーク style): two
// courses with capacity places each; all applicant data is erased when the
// event report is submitted.
func CityWalk(capacity int) kuji.Event {
	s := applicant.CityWalkSchema()
	var slots []kuji.Slot
	for _, c := range s.Courses {
		slots = append(slots, kuji.Slot{Slot: lottery.Slot{ID: c, Capacity: capacity},
			Label: consent.Text{Japanese: c + "コース", English: c + " course"}})
	}
	policy, err := retention.NewPolicy(
		retention.Rule{Class: string(applicant.ClassApplication), Trigger: retention.TriggerReportSubmitted},
	)
	if err != nil {
		panic(err)
	}
	d := notice(consent.Text{Japanese: "しんじゅくシティウォーク", English: "Shinjuku City Walk"})
	d.Recipients = []consent.Recipient{{
		Name:     consent.Text{Japanese: "くじ損害保険株式会社", English: "Kuji Insurance Co., Ltd."},
		Purposes: []applicant.Purpose{applicant.PurposeInsurance},
		Fields:   []applicant.Field{applicant.FieldName, applicant.FieldAddress, applicant.FieldAge, applicant.FieldSex},
	}}
	return kuji.Event{
		Schema:    s,
		Notice:    d,
		Slots:     slots,
		Retention: policy,
		Ward:      Ward,
		Contact:   "しんじゅくシティウォーク事務局 03-0000-0000",
		LogOrigin: "kuji.example.jp/shinjuku/citywalk",
	}
}

// Staff are the reference events' people: the responsible person and one
// handler per purpose, with their actor IDs.
const (
	Responsible = "resp-sato"
	Reception   = "handler-reception"
	Notifier    = "handler-notify"
	CheckIn     = "handler-checkin"
	Tracer      = "handler-tracing"
	Insurance   = "handler-insurance"
	WardReturn  = "handler-return"
)

// ResponsiblePerson designates the responsible person (取扱責任者) from from
// for a year, trained the day before.
func ResponsiblePerson(event string, from time.Time) audit.Designation {
	return audit.Designation{Event: event, Actor: Responsible, DisplayName: "佐藤 責任者", Role: audit.RoleResponsible,
		Organisation: audit.OrganisationContractor, Purposes: []string{"reception"},
		From: from, Until: from.AddDate(1, 0, 0), TrainedOn: from.AddDate(0, 0, -1)}
}

// Handlers designates one handler per purpose the event declares (the
// lottery's excepted: it sees no personal data).
func Handlers(ev kuji.Event, from time.Time) []audit.Designation {
	byPurpose := map[applicant.Purpose]string{
		applicant.PurposeReception: Reception, applicant.PurposeNotification: Notifier,
		applicant.PurposeCheckIn: CheckIn, applicant.PurposeInfectionTracing: Tracer,
		applicant.PurposeInsurance: Insurance, applicant.PurposeReturnToWard: WardReturn,
	}
	var out []audit.Designation
	for _, p := range ev.Schema.Purposes {
		actor, ok := byPurpose[p.Purpose]
		if !ok {
			continue
		}
		out = append(out, audit.Designation{Event: ev.ID(), Actor: actor, DisplayName: "担当 " + actor, Role: audit.RoleHandler,
			Organisation: audit.OrganisationContractor, Purposes: []string{string(p.Purpose)},
			From: from, Until: from.AddDate(1, 0, 0), TrainedOn: from.AddDate(0, 0, -1)})
	}
	return out
}

// As is the access of a reference handler for a purpose.
func As(actor string, p applicant.Purpose) kuji.Access { return kuji.Access{Actor: actor, Purpose: p} }

// Boss is the responsible person's access (lifecycle steps).
var Boss = kuji.Access{Actor: Responsible}
