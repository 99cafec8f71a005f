package applicant_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/kuji-go/kuji/applicant"
)

// A schema refuses a field that no declared purpose justifies, and a field
// in a forbidden category until the ward's approval is recorded.
func ExampleSchema_Check() {
	s := applicant.CityWalkSchema()
	s.Custom = []applicant.FieldInfo{{
		Field: "x.medical", Category: applicant.CategoryHealth, Sealed: true,
		Japanese: "既往症", English: "medical history",
	}}
	s.Fields = append(s.Fields,
		applicant.FieldRule{Field: applicant.FieldBirthDate, Class: applicant.ClassApplication},
		applicant.FieldRule{Field: "x.medical", Class: applicant.ClassApplication,
			Purposes: []applicant.Purpose{applicant.PurposeInsurance}},
	)
	s.AgeOn = "2021-11-03"

	err := s.Check()
	var es applicant.Errors
	errors.As(err, &es)
	for _, e := range es {
		fmt.Println(e.Field, e.Code())
	}

	s.Fields = s.Fields[:len(s.Fields)-2]
	s.Fields = append(s.Fields, applicant.FieldRule{Field: "x.medical", Class: applicant.ClassApplication,
		Purposes: []applicant.Purpose{applicant.PurposeInsurance}})
	s.Approvals = []applicant.Approval{{Field: "x.medical", ApprovedBy: "健康部長",
		ApprovedAt: time.Date(2021, 5, 10, 0, 0, 0, 0, time.UTC), Basis: "情報公開・個人情報保護審議会 令和3年度第2回"}}
	fmt.Println(s.Check())
	// Output:
	// birth_date schema_no_purpose
	// x.medical schema_forbidden_category
	// <nil>
}

// Code counting participants for the event report reads applications
// through a statistics view: it gets ages and courses, never a name.
func ExampleSchema_View() {
	s := applicant.CityWalkSchema()
	a, err := s.Validate(applicant.ChannelPostcard, applicant.Form{
		Category: "在住",
		Course:   "１０ｋｍ",
		Representative: applicant.PersonForm{
			Name: "山田 太郎", Address: "東京都新宿区歌舞伎町1-4-1", PostalCode: "〒160-8484",
			Age: "６８歳", Phone: "03-3209-1111",
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	v, _ := s.View(applicant.PurposeStatistics, a)
	fmt.Println(v.Fields())
	age, _ := v.Text(applicant.FieldAge)
	course, _ := v.Text(applicant.FieldCourse)
	fmt.Println(age, course)
	_, err = v.Text(applicant.FieldName)
	fmt.Println(errors.Is(err, applicant.ErrNotPermitted), err)
	// Output:
	// [age course participant_category sex]
	// 68 10km
	// true kuji/applicant: not_permitted: this purpose may not use the name
}

// Validation reports every problem at once, in Japanese and English, and
// never repeats the value.
func ExampleSchema_Validate() {
	s := applicant.LiveSiteSchema()
	_, err := s.Validate(applicant.ChannelPostcard, applicant.Form{
		Preferences: []string{"2021-07-24/1"},
		Representative: applicant.PersonForm{
			Name: "佐藤 花子", Address: "東京都中野区中央1-1-1", PostalCode: "164-0011",
			Age: "35", Phone: "03-1234-567", Email: "hanako@example.jp",
		},
		Companions: []applicant.CompanionForm{{Name: "佐藤 一郎"}},
	})
	var es applicant.Errors
	errors.As(err, &es)
	for _, e := range es {
		fmt.Printf("%s | %s\n", e.Japanese(), e.English())
	}
	// Output:
	// 電話番号の桁数が正しくありません | the phone number has the wrong number of digits
	// メールアドレスはこの申込方法では受け付けていません | the email address is not collected on this channel
	// 同行者1: 同行者年齢は必須です | companion 1: the companion's age is required
	// 代表者は区内在住の方に限ります（住所） | the representative must live in the ward (address)
}
