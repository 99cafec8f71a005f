package applicant

import (
	"slices"
	"strings"
)

// Field names one personal field kuji knows, or an event's own field (keys
// starting with "x.", declared in [Schema.Custom]).
type Field string

// The catalogue of fields. Fields starting with "companion." hold one value
// per companion; fields starting with "card." belong to walk-in contact cards.
const (
	FieldName                Field = "name"                 // 氏名
	FieldNameKana            Field = "name_kana"            // 氏名（フリガナ）
	FieldAddress             Field = "address"              // 住所
	FieldPostalCode          Field = "postal_code"          // 郵便番号
	FieldAge                 Field = "age"                  // 年齢
	FieldBirthDate           Field = "birth_date"           // 生年月日
	FieldSex                 Field = "sex"                  // 性別
	FieldPhone               Field = "phone"                // 電話番号
	FieldEmail               Field = "email"                // メールアドレス
	FieldParticipantCategory Field = "participant_category" // 参加者区分
	FieldCourse              Field = "course"               // 参加コース
	FieldPreferences         Field = "preferences"          // 希望日及び時間帯
	FieldGroupSize           Field = "group_size"           // 人数
	FieldCompanionName       Field = "companion.name"       // 同行者氏名
	FieldCompanionNameKana   Field = "companion.name_kana"  // 同行者氏名（フリガナ）
	FieldCompanionAge        Field = "companion.age"        // 同行者年齢
	FieldCompanionInfant     Field = "companion.infant"     // 乳幼児
	FieldCardName            Field = "card.name"            // 代表者氏名（連絡先カード）
	FieldCardPhone           Field = "card.phone"           // 電話番号（連絡先カード）
	FieldCardSeat            Field = "card.seat"            // 座席番号（連絡先カード）
	FieldLotteryResult       Field = "lottery_result"       // 抽選結果
)

// DataCategory is a dotted category key in the spirit of the Fides taxonomy
// (user.name, user.contact.phone_number, ...). A category covers every key
// below it: user.health_and_medical covers user.health_and_medical.allergy.
type DataCategory string

// Categories that a ward contract forbids collecting without the ward's
// approval (特記事項「収集禁止事項」): thought, creed and religion; facts that
// cause social discrimination; criminal records; union or political activity;
// health and sex life.
const (
	CategoryBelief             DataCategory = "user.belief"                          // 思想・信条・宗教
	CategoryRaceEthnicity      DataCategory = "user.demographic.race_ethnicity"      // 人種・民族
	CategoryFamilyOrigin       DataCategory = "user.demographic.family_origin"       // 門地
	CategoryRegisteredDomicile DataCategory = "user.demographic.registered_domicile" // 本籍
	CategoryDisability         DataCategory = "user.disability"                      // 心身の障害
	CategoryCriminalHistory    DataCategory = "user.criminal_history"                // 犯罪歴
	CategoryUnionMembership    DataCategory = "user.union_membership"                // 労働組合への加入
	CategoryPoliticalActivity  DataCategory = "user.political_activity"              // 政治活動
	CategoryHealth             DataCategory = "user.health_and_medical"              // 保健医療
	CategorySexLife            DataCategory = "user.sex_life"                        // 性生活
)

var forbiddenCategories = [...]DataCategory{
	CategoryBelief, CategoryRaceEthnicity, CategoryFamilyOrigin, CategoryRegisteredDomicile,
	CategoryDisability, CategoryCriminalHistory, CategoryUnionMembership, CategoryPoliticalActivity,
	CategoryHealth, CategorySexLife,
}

// Within reports whether c is category p or a sub-category of it.
func (c DataCategory) Within(p DataCategory) bool {
	return c == p || len(c) > len(p) && c[len(p)] == '.' && strings.HasPrefix(string(c), string(p))
}

// Forbidden reports whether collecting category c needs the ward's approval.
func (c DataCategory) Forbidden() bool {
	for _, p := range forbiddenCategories {
		if c.Within(p) {
			return true
		}
	}
	return false
}

// FieldInfo describes one field of the catalogue (or of an event's own
// fields, see [Schema.Custom]).
type FieldInfo struct {
	Field    Field        `json:"field"`
	Category DataCategory `json:"category"`
	// Identifying fields point at one person on their own (a name, a phone
	// number, an address, an email address).
	Identifying bool `json:"identifying"`
	// Sealed fields are personal values kept only inside a sealed blob of
	// their data class. The other fields are pseudonymous attributes kept in
	// the clear in [Summary] (category, course, preferences, group size,
	// lottery outcome), so the lottery, counts and reports need no key.
	Sealed bool `json:"sealed"`
	// Repeated fields hold one value per companion or per preference.
	Repeated bool `json:"repeated"`
	// OnCard fields belong to walk-in contact cards, not to applications.
	OnCard bool `json:"on_card"`
	// Derived fields are not typed in by the person: kuji or the Office
	// computes them (group size, lottery outcome).
	Derived  bool   `json:"derived"`
	Japanese string `json:"ja"`
	English  string `json:"en"`
}

var catalogue = [...]FieldInfo{
	{Field: FieldName, Category: "user.name", Identifying: true, Sealed: true, Japanese: "氏名", English: "name"},
	{Field: FieldNameKana, Category: "user.name.kana", Identifying: true, Sealed: true, Japanese: "フリガナ", English: "name in kana"},
	{Field: FieldAddress, Category: "user.contact.address", Identifying: true, Sealed: true, Japanese: "住所", English: "address"},
	{Field: FieldPostalCode, Category: "user.contact.address.postal_code", Sealed: true, Japanese: "郵便番号", English: "postal code"},
	{Field: FieldAge, Category: "user.demographic.age", Sealed: true, Japanese: "年齢", English: "age"},
	{Field: FieldBirthDate, Category: "user.demographic.date_of_birth", Sealed: true, Japanese: "生年月日", English: "date of birth"},
	{Field: FieldSex, Category: "user.demographic.gender", Sealed: true, Japanese: "性別", English: "sex"},
	{Field: FieldPhone, Category: "user.contact.phone_number", Identifying: true, Sealed: true, Japanese: "電話番号", English: "phone number"},
	{Field: FieldEmail, Category: "user.contact.email", Identifying: true, Sealed: true, Japanese: "メールアドレス", English: "email address"},
	{Field: FieldParticipantCategory, Category: "user.demographic.ward_affiliation", Japanese: "参加者区分", English: "participant category"},
	{Field: FieldCourse, Category: "user.preference.course", Japanese: "参加コース", English: "course"},
	{Field: FieldPreferences, Category: "user.preference.slots", Repeated: true, Japanese: "希望日時", English: "preferred dates and times"},
	{Field: FieldGroupSize, Category: "user.group.size", Derived: true, Japanese: "人数", English: "group size"},
	{Field: FieldCompanionName, Category: "user.companion.name", Identifying: true, Sealed: true, Repeated: true, Japanese: "同行者氏名", English: "companion's name"},
	{Field: FieldCompanionNameKana, Category: "user.companion.name.kana", Identifying: true, Sealed: true, Repeated: true, Japanese: "同行者フリガナ", English: "companion's name in kana"},
	{Field: FieldCompanionAge, Category: "user.companion.demographic.age", Sealed: true, Repeated: true, Japanese: "同行者年齢", English: "companion's age"},
	{Field: FieldCompanionInfant, Category: "user.companion.demographic.infant", Sealed: true, Repeated: true, Japanese: "乳幼児", English: "infant"},
	{Field: FieldCardName, Category: "user.name", Identifying: true, Sealed: true, OnCard: true, Japanese: "代表者氏名", English: "representative's name"},
	{Field: FieldCardPhone, Category: "user.contact.phone_number", Identifying: true, Sealed: true, OnCard: true, Japanese: "電話番号", English: "phone number"},
	{Field: FieldCardSeat, Category: "user.location.seat", Sealed: true, OnCard: true, Japanese: "座席番号", English: "seat number"},
	{Field: FieldLotteryResult, Category: "user.lottery.result", Derived: true, Japanese: "抽選結果", English: "lottery result"},
}

// Catalogue returns every field kuji knows, sorted by key.
func Catalogue() []FieldInfo {
	out := catalogue[:]
	out = slices.Clone(out)
	slices.SortFunc(out, func(a, b FieldInfo) int { return strings.Compare(string(a.Field), string(b.Field)) })
	return out
}

// Lookup returns the catalogue entry of f.
func Lookup(f Field) (FieldInfo, bool) {
	for _, fi := range catalogue {
		if fi.Field == f {
			return fi, true
		}
	}
	return FieldInfo{}, false
}

// companionField maps a person-level field to its companion counterpart, for
// identity rules that cover companions.
func companionField(f Field) (Field, bool) {
	switch f {
	case FieldName:
		return FieldCompanionName, true
	case FieldNameKana:
		return FieldCompanionNameKana, true
	case FieldAge:
		return FieldCompanionAge, true
	}
	return "", false
}
