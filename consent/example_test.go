package consent_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/text/language"

	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/consent"
)

// The notice of a walk-in contact card lists the card's three fields under
// the one purpose they serve, and the receipt records the card's consent.
func ExampleNew() {
	n, err := consent.New(applicant.LiveSiteSchema(), consent.Details{
		Title:      consent.Text{Japanese: "コミュニティライブサイト", English: "Community Live Site"},
		Controller: consent.Text{Japanese: "新宿区", English: "Shinjuku City"},
		Processor:  consent.Text{Japanese: "受託事業者", English: "the contractor"},
		Retention: []consent.Retention{
			{Class: applicant.ClassApplication, Text: consent.Text{Japanese: "業務終了後に区へ返還します。", English: "Returned to the ward when the work ends."}},
			{Class: applicant.ClassContactCard, Text: consent.Text{Japanese: "イベント終了の1か月後に廃棄します。", English: "Destroyed one month after the event."}},
		},
		Contact: consent.Text{Japanese: "新宿区役所", English: "Shinjuku City Office"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	text := n.Text(language.English)
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "walk-in") || strings.Contains(line, "infection") || strings.Contains(line, "Destroyed") {
			fmt.Println(strings.TrimSpace(line))
		}
	}

	card := applicant.CardSummary{ID: uuid.MustParse("01890a5d-ac90-7000-8000-000000000001"), EventID: "livesite", Slot: "2021-07-24/2"}
	r, _ := consent.NewReceipt(n, consent.ForCard(card), uuid.MustParse("01890a5d-ac96-774b-bcce-b302099a8057"),
		time.Date(2021, 7, 24, 13, 5, 0, 0, time.UTC), language.Japanese)
	fmt.Println(r.Purposes, r.Channel, r.Notice == n.Version)
	// Output:
	// 5. Contacting the group if an infection cluster occurs
	// representative's name (required, walk-in contact cards), phone number (required, walk-in contact cards), seat number (required, walk-in contact cards)
	// Destroyed one month after the event.
	// [infection-tracing] walk-in true
}
