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
	{"山崎", "ヤマザキ"}, {"森", "モリ"}, {"池田", "イケダ"}, {"橋本", "ハシモト"}, {"阿部", "アベ"},
	{"石川", "イシカワ"}, {"山下", "ヤマシタ"}, {"中島", "ナカジマ"}, {"石井", "イシイ"}, {"小川", "オガワ"},
	{"前田", "マエダ"}, {"岡田", "オカダ"}, {"長谷川", "ハセガワ"}, {"藤田", "フジタ"}, {"後藤", "ゴトウ"},
	{"近藤", "コンドウ"}, {"村上", "ムラカミ"}, {"遠藤", "エンドウ"}, {"青木", "アオキ"}, {"坂本", "サカモト"},
}

// Given names are two characters, each with a reading, combined in
// sequence: 30 × 30 given names × 40 surnames = 36,000 full names before
// the first repeats, so synthetic people never share a name by accident
// (a name and an age identify a companion: accidental namesakes would fill
// the duplicate review).
var (
	givenFirst = []struct{ kanji, kana string }{
		{"大", "ダイ"}, {"美", "ミ"}, {"健", "ケン"}, {"翔", "ショウ"}, {"陽", "ヨウ"}, {"結", "ユ"}, {"愛", "アイ"},
		{"真", "マ"}, {"優", "ユウ"}, {"悠", "ユウ"}, {"春", "ハル"}, {"秋", "アキ"}, {"夏", "ナツ"}, {"冬", "フユ"},
		{"和", "カズ"}, {"光", "ミツ"}, {"恵", "メグ"}, {"智", "トモ"}, {"幸", "ユキ"}, {"直", "ナオ"}, {"香", "カ"},
		{"奈", "ナ"}, {"千", "チ"}, {"亜", "ア"}, {"彩", "アヤ"}, {"莉", "リ"}, {"紗", "サ"}, {"晴", "ハル"},
		{"蒼", "ソウ"}, {"颯", "ハヤ"},
	}
	givenLast = []struct{ kanji, kana string }{
		{"太", "タ"}, {"斗", "ト"}, {"人", "ト"}, {"子", "コ"}, {"菜", "ナ"}, {"花", "カ"}, {"介", "スケ"},
		{"也", "ヤ"}, {"樹", "キ"}, {"輝", "キ"}, {"彦", "ヒコ"}, {"郎", "ロウ"}, {"里", "リ"}, {"紀", "キ"},
		{"音", "ネ"}, {"未", "ミ"}, {"希", "キ"}, {"乃", "ノ"}, {"実", "ミ"}, {"央", "オ"}, {"衣", "イ"},
		{"生", "キ"}, {"平", "ヘイ"}, {"馬", "マ"}, {"海", "ミ"}, {"空", "ソラ"}, {"汰", "タ"}, {"哉", "ヤ"},
		{"朗", "ロウ"}, {"代", "ヨ"},
	}
)

// name returns the k-th synthetic full name and its reading.
func name(k int) (kanji, kana string) {
	sn := surnames[k%len(surnames)]
	k /= len(surnames)
	f := givenFirst[k%len(givenFirst)]
	k /= len(givenFirst)
	l := givenLast[k%len(givenLast)]
	return sn.kanji + " " + f.kanji + l.kanji, sn.kana + " " + f.kana + l.kana
}

var towns = []string{"西新宿", "新宿", "歌舞伎町", "高田馬場", "四谷", "神楽坂", "大久保", "早稲田町", "市谷本村町", "戸山"}

// People makes synthetic application forms for an event's schema.
type People struct {
	r     *rand.Rand
	s     *applicant.Schema
	next  int // people made, for unique phone numbers and emails
	names int // names given, for unique names
}

// name gives the next person their own name.
func (p *People) name() (kanji, kana string) {
	p.names++
	return name(p.names - 1)
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
	n := p.next
	kanji, kana := p.name()
	f := applicant.PersonForm{
		Name:       kanji,
		Address:    fmt.Sprintf("東京都新宿区%s%d-%d-%d", towns[p.r.IntN(len(towns))], 1+p.r.IntN(8), 1+p.r.IntN(30), 1+p.r.IntN(20)),
		PostalCode: fmt.Sprintf("160-%04d", p.r.IntN(10000)),
		Age:        fmt.Sprint(18 + p.r.IntN(70)),
		Phone:      fmt.Sprintf("090-%04d-%04d", n/10000, n%10000),
		Email:      fmt.Sprintf("applicant%06d@example.jp", n),
	}
	if p.collects(applicant.FieldNameKana) {
		f.NameKana = kana
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
	for range p.r.IntN(max(maxGroup, 1)) {
		kanji, kana := p.name()
		c := applicant.CompanionForm{Name: kanji}
		if p.collects(applicant.FieldCompanionNameKana) {
			c.NameKana = kana
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
