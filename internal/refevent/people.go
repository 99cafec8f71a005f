package refevent

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"golang.org/x/text/width"

	"github.com/kuji-go/kuji/applicant"
)

// Synthetic people: made-up names from common surname and given-name
// lists, addresses in the ward, unique phone numbers. Deterministic for a
// seed, so tests and benchmarks are repeatable.

var surnames = []struct{ kanji, kana string }{
	{"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"}, {"田中", "タナカ"}, {"伊藤", "イトウ"},
	{"渡辺", "ワタナベ"}, {"山本", "ヤマモト"}, {"中村", "ナカムラ"}, {"小林", "コバヤシ"}, {"加藤", "カトウ"},
	{"吉田", "ヨシダ"}, {"山田", "ヤマダ"}, {"佐々木", "ササキ"}, {"山口", "ヤマグチ"}, {"松本", "マツモト"},
	{"井上", "イノウエ"}, {"木村", "キムラ"}, {"林", "ハヤシ"}, {"斎藤", "サイトウ"}, {"清水", "シミズ"},
}

var givenNames = []struct{ kanji, kana string }{
	{"太郎", "タロウ"}, {"花子", "ハナコ"}, {"一郎", "イチロウ"}, {"陽菜", "ヒナ"}, {"蓮", "レン"},
	{"結衣", "ユイ"}, {"大翔", "ヒロト"}, {"美咲", "ミサキ"}, {"翔太", "ショウタ"}, {"さくら", "サクラ"},
	{"健", "ケン"}, {"愛", "アイ"}, {"誠", "マコト"}, {"由美", "ユミ"}, {"拓海", "タクミ"},
}

var towns = []string{"西新宿", "新宿", "歌舞伎町", "高田馬場", "四谷", "神楽坂", "大久保", "早稲田町", "市谷本村町", "戸山"}

// People makes synthetic application forms for an event's schema.
type People struct {
	r    *rand.Rand
	s    *applicant.Schema
	next int
}

// NewPeople returns a generator for schema s, seeded with seed.
func NewPeople(s *applicant.Schema, seed uint64) *People {
	return &People{r: rand.New(rand.NewPCG(seed, 0x6b756a69)), s: s}
}

// collects reports whether the schema collects field f.
func (p *People) collects(f applicant.Field) bool {
	for _, r := range p.s.Fields {
		if r.Field == f {
			return true
		}
	}
	return false
}

func (p *People) person() applicant.PersonForm {
	p.next++
	sn := surnames[p.r.IntN(len(surnames))]
	gn := givenNames[p.r.IntN(len(givenNames))]
	n := p.next
	f := applicant.PersonForm{
		Name:       sn.kanji + " " + gn.kanji,
		Address:    fmt.Sprintf("東京都新宿区%s%d-%d-%d", towns[p.r.IntN(len(towns))], 1+p.r.IntN(8), 1+p.r.IntN(30), 1+p.r.IntN(20)),
		PostalCode: fmt.Sprintf("160-%04d", p.r.IntN(10000)),
		Age:        fmt.Sprint(18 + p.r.IntN(70)),
		Phone:      fmt.Sprintf("090-%04d-%04d", n/10000, n%10000),
		Email:      fmt.Sprintf("applicant%06d@example.jp", n),
	}
	if p.collects(applicant.FieldNameKana) {
		f.NameKana = sn.kana + " " + gn.kana
	}
	if p.collects(applicant.FieldSex) {
		f.Sex = []string{"男", "女", ""}[p.r.IntN(3)]
	}
	return f
}

// Form returns the next valid application: a resident representative, a
// group of 1 to max people (infants included), and up to the schema's
// number of ranked preferences.
func (p *People) Form(maxGroup int) applicant.Form {
	f := applicant.Form{Representative: p.person()}
	if len(p.s.Courses) > 0 {
		f.Course = p.s.Courses[p.r.IntN(len(p.s.Courses))]
		f.Category = []string{"在住", "在勤", "在学"}[p.r.IntN(3)]
		return f
	}
	// Companions are family: the representative's surname and given names
	// of their own, so no two people of a group share a name.
	family, own, _ := strings.Cut(f.Representative.Name, " ")
	var familyKana string
	for _, sn := range surnames {
		if sn.kanji == family {
			familyKana = sn.kana
		}
	}
	names := p.r.Perm(len(givenNames))
	for _, i := range names[:p.r.IntN(max(maxGroup, 1))] {
		gn := givenNames[i]
		if gn.kanji == own {
			continue
		}
		c := applicant.CompanionForm{Name: family + " " + gn.kanji}
		if p.collects(applicant.FieldCompanionNameKana) {
			c.NameKana = familyKana + " " + gn.kana
		}
		if p.r.IntN(5) == 0 {
			c.Infant, c.Age = "1", fmt.Sprint(p.r.IntN(4))
		} else {
			c.Age = fmt.Sprint(6 + p.r.IntN(70))
		}
		f.Companions = append(f.Companions, c)
	}
	prefs := p.r.Perm(len(p.s.Slots))
	for _, i := range prefs[:min(1+p.r.IntN(max(p.s.MaxPreferences, 1)), len(prefs))] {
		f.Preferences = append(f.Preferences, p.s.Slots[i])
	}
	return f
}

// Disguise returns the same person written differently, as a second
// application by them would be: full-width digits, other dashes, half-width
// kana. The duplicate-identity check must catch it.
func Disguise(f applicant.Form) applicant.Form {
	r := f.Representative
	r.Phone = strings.ReplaceAll(width.Widen.String(r.Phone), "－", "ー")
	r.NameKana = width.Narrow.String(r.NameKana)
	r.Name = strings.Replace(r.Name, " ", "　", 1) // a full-width space
	r.Email = "other." + r.Email
	f.Representative = r
	f.Companions = nil
	return f
}

// Broken returns an application that must be rejected, and why: kind
// cycles through a bad phone number, an address outside the ward (a
// category not taken, for course events), and a group of children only
// (a course not offered).
func (p *People) Broken(kind int) (applicant.Form, string) {
	f := p.Form(3)
	switch kind % 3 {
	case 0:
		f.Representative.Phone = "12-34"
		return f, "phone"
	case 1:
		if len(p.s.Courses) > 0 {
			f.Category = "区外"
			return f, "category"
		}
		f.Representative.Address = "神奈川県横浜市中区1-1-1"
		return f, "not resident"
	default:
		if len(p.s.Courses) > 0 {
			f.Course = "42km"
			return f, "course"
		}
		f.Representative.Age = "9"
		f.Companions = []applicant.CompanionForm{{Name: "山田 次郎", Age: "7"}}
		return f, "no adult"
	}
}

// Card returns a walk-in contact card.
func (p *People) Card(seat int) applicant.CardForm {
	x := p.person()
	return applicant.CardForm{Name: x.Name, Phone: x.Phone, Seat: fmt.Sprintf("%c-%d", 'A'+rune(seat/50), seat%50+1)}
}
