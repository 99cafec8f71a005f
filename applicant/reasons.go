package applicant

// Reason is the machine-readable cause of an [Error].
type Reason string

// Reasons for bad input.
const (
	ReasonRequired            Reason = "required"             // a required field is empty
	ReasonNotCollected        Reason = "not_collected"        // the event does not collect this field on this channel
	ReasonInvalidCharacters   Reason = "invalid_characters"   // invalid UTF-8, control or other characters the field does not allow
	ReasonTooLong             Reason = "too_long"             // longer than the field allows
	ReasonKanaOnly            Reason = "kana_only"            // a kana field with non-kana characters
	ReasonPhoneFormat         Reason = "phone_format"         // not a phone number at all
	ReasonPhonePrefix         Reason = "phone_prefix"         // a number class that is not a person's phone (110, 0570, 0990, 020, ...)
	ReasonPhoneLength         Reason = "phone_length"         // the wrong number of digits for its prefix
	ReasonPostalCode          Reason = "postal_code"          // not seven digits
	ReasonEmail               Reason = "email"                // not an email address
	ReasonAge                 Reason = "age"                  // not a whole number of years
	ReasonAgeRange            Reason = "age_range"            // outside 0..130 (or the representative's minimum)
	ReasonBirthDate           Reason = "birth_date"           // not a date, or a Japanese era date outside the era
	ReasonBirthDateRange      Reason = "birth_date_range"     // after the reference date or more than 130 years before it
	ReasonUnknownOption       Reason = "unknown_option"       // not one of the choices offered
	ReasonDuplicatePreference Reason = "duplicate_preference" // the same slot ranked twice
	ReasonTooManyPreferences  Reason = "too_many_preferences" // more preferences than the event allows
	ReasonDuplicatePerson     Reason = "duplicate_person"     // the same person twice in one group
	ReasonInfantAge           Reason = "infant_age"           // marked infant but aged 6 or over
	ReasonChannel             Reason = "channel"              // the event does not accept this channel
	ReasonSeat                Reason = "seat"                 // not a seat number
	ReasonSlot                Reason = "slot"                 // a contact card without a valid slot
)

// Reasons for eligibility failures; they match [ErrIneligible].
const (
	ReasonNotResident        Reason = "not_resident"        // the representative must live in the ward
	ReasonCategoryIneligible Reason = "category_ineligible" // the participant category is not admitted
	ReasonNoAdult            Reason = "no_adult"            // the group has fewer adults than required
	ReasonGroupTooLarge      Reason = "group_too_large"     // more people than a group may have
	ReasonRepresentativeAge  Reason = "representative_age"  // the representative is younger than allowed
)

// Reasons for purpose views; they match [ErrNotPermitted] (except wrong_kind).
const (
	ReasonNotPermitted      Reason = "not_permitted"      // the purpose may not use this field
	ReasonUndeclaredPurpose Reason = "undeclared_purpose" // the schema declares no such purpose
	ReasonWrongKind         Reason = "wrong_kind"         // Text on a repeated field or List on a single one
)

// Reasons for receipt numbers.
const (
	ReasonReceiptFormat     Reason = "receipt_format"      // not PREFIX-digits
	ReasonReceiptPrefix     Reason = "receipt_prefix"      // another event's prefix
	ReasonReceiptCheckDigit Reason = "receipt_check_digit" // the check digit does not match (a mistyped number)
	ReasonReceiptRange      Reason = "receipt_range"       // a sequence number that does not fit the format
)

// Reasons for sealed personal data that does not decode.
const (
	ReasonPersonalData Reason = "personal_data" // a blob that is not this schema's canonical encoding
	ReasonMissing      Reason = "missing"       // an application without its ID, event or receipt number
)

// Reasons for schema problems; they match [ErrInvalidSchema].
const (
	ReasonSchemaEvent             Reason = "schema_event"              // the event ID is empty or not [a-z0-9-]
	ReasonSchemaUnknownField      Reason = "schema_unknown_field"      // neither in the catalogue nor declared in Custom
	ReasonSchemaDuplicateField    Reason = "schema_duplicate_field"    // a field listed twice
	ReasonSchemaNoPurpose         Reason = "schema_no_purpose"         // a field that no purpose justifies
	ReasonSchemaUndeclaredPurpose Reason = "schema_undeclared_purpose" // a field names a purpose the schema does not declare
	ReasonSchemaPurpose           Reason = "schema_purpose"            // a purpose declared twice, without ja/en text, or used by no field
	ReasonSchemaNoClass           Reason = "schema_no_class"           // a field without a data class
	ReasonSchemaClass             Reason = "schema_class"              // contact-card fields sharing a class with application fields
	ReasonSchemaForbidden         Reason = "schema_forbidden_category" // a forbidden category without the ward's approval
	ReasonSchemaApproval          Reason = "schema_approval"           // an approval without who, when or basis, or for no field
	ReasonSchemaCustomField       Reason = "schema_custom_field"       // an event field that is not "x." + name, sealed and single
	ReasonSchemaChannel           Reason = "schema_channel"            // an unknown channel, or a field collected on no channel
	ReasonSchemaIdentity          Reason = "schema_identity"           // an identity rule over fields not collected or not identity fields
	ReasonSchemaIdentityCoverage  Reason = "schema_identity_coverage"  // no identity rule covers every representative and companion
	ReasonSchemaEligibility       Reason = "schema_eligibility"        // an eligibility rule the schema cannot check
	ReasonSchemaReceipt           Reason = "schema_receipt"            // a receipt prefix that is not 1-4 letters, or digits outside 4..12
	ReasonSchemaOptions           Reason = "schema_options"            // a choice field without choices, or a bad choice
	ReasonSchemaAgeOn             Reason = "schema_age_on"             // birth dates collected without a reference date
	ReasonSchemaDependency        Reason = "schema_dependency"         // companion fields without companion names
)

type message struct {
	ja, en      string
	eligibility bool
}

var messages = map[Reason]message{
	ReasonRequired:            {ja: "%sは必須です", en: "the %s is required"},
	ReasonNotCollected:        {ja: "%sはこの申込方法では受け付けていません", en: "the %s is not collected on this channel"},
	ReasonInvalidCharacters:   {ja: "%sに使用できない文字が含まれています", en: "the %s contains characters it may not contain"},
	ReasonTooLong:             {ja: "%sが長すぎます", en: "the %s is too long"},
	ReasonKanaOnly:            {ja: "%sはカタカナまたはひらがなで入力してください", en: "the %s must be written in kana"},
	ReasonPhoneFormat:         {ja: "%sの形式が正しくありません", en: "the %s is not a phone number"},
	ReasonPhonePrefix:         {ja: "%sには個人の固定電話・携帯電話・IP電話の番号を入力してください", en: "the %s must be a landline, mobile, IP or toll-free number"},
	ReasonPhoneLength:         {ja: "%sの桁数が正しくありません", en: "the %s has the wrong number of digits"},
	ReasonPostalCode:          {ja: "%sは7桁の数字で入力してください", en: "the %s must be seven digits"},
	ReasonEmail:               {ja: "%sの形式が正しくありません", en: "the %s is not an email address"},
	ReasonAge:                 {ja: "%sは数字で入力してください", en: "the %s must be a whole number of years"},
	ReasonAgeRange:            {ja: "%sが範囲外です", en: "the %s is out of range"},
	ReasonBirthDate:           {ja: "%sの日付が正しくありません", en: "the %s is not a valid date"},
	ReasonBirthDateRange:      {ja: "%sが範囲外です", en: "the %s is out of range"},
	ReasonUnknownOption:       {ja: "%sは選択肢から選んでください", en: "the %s is not one of the choices"},
	ReasonDuplicatePreference: {ja: "%sに同じ日時が重複しています", en: "the %s list the same slot twice"},
	ReasonTooManyPreferences:  {ja: "%sの数が多すぎます", en: "there are too many %s"},
	ReasonDuplicatePerson:     {ja: "同じ方が重複して記入されています（%s）", en: "the same person is listed twice (%s)"},
	ReasonInfantAge:           {ja: "%s: 6歳以上の方は乳幼児として申し込めません", en: "%s: a person aged 6 or over is not an infant"},
	ReasonChannel:             {ja: "この申込方法では受け付けていません（%s）", en: "this channel is not accepted (%s)"},
	ReasonSeat:                {ja: "%sは英数字で入力してください", en: "the %s must be letters and digits"},
	ReasonSlot:                {ja: "%s: 開催日時が正しくありません", en: "%s: not a valid slot"},

	ReasonNotResident:        {ja: "代表者は区内在住の方に限ります（%s）", en: "the representative must live in the ward (%s)", eligibility: true},
	ReasonCategoryIneligible: {ja: "この%sでは申し込めません", en: "this %s may not apply", eligibility: true},
	ReasonNoAdult:            {ja: "グループに成人の方が含まれていません（%s）", en: "the group has no adult (%s)", eligibility: true},
	ReasonGroupTooLarge:      {ja: "%sが上限を超えています", en: "the %s is over the limit", eligibility: true},
	ReasonRepresentativeAge:  {ja: "代表者の%sが申込み可能な年齢に達していません", en: "the representative's %s is below the minimum", eligibility: true},

	ReasonNotPermitted:      {ja: "この利用目的では%sを利用できません", en: "this purpose may not use the %s"},
	ReasonUndeclaredPurpose: {ja: "宣言されていない利用目的です（%s）", en: "the purpose is not declared (%s)"},
	ReasonWrongKind:         {ja: "%sの取得方法が正しくありません", en: "the %s was read with the wrong accessor"},

	ReasonReceiptFormat:     {ja: "%sの形式が正しくありません", en: "the %s is not in the event's format"},
	ReasonReceiptPrefix:     {ja: "他のイベントの%sです", en: "the %s belongs to another event"},
	ReasonReceiptCheckDigit: {ja: "%sに誤りがあります（確認用の数字が一致しません）", en: "the %s is mistyped: its check digit does not match"},
	ReasonReceiptRange:      {ja: "%sの連番が範囲外です", en: "the %s sequence number is out of range"},

	ReasonPersonalData: {ja: "%sの保存データを読み取れません", en: "the stored %s does not decode"},
	ReasonMissing:      {ja: "%sがありません", en: "the %s is missing"},

	ReasonSchemaEvent:             {ja: "スキーマ: イベントIDが正しくありません（%s）", en: "schema: the event ID must be lower-case letters, digits and hyphens (%s)"},
	ReasonSchemaUnknownField:      {ja: "スキーマ: 未定義の項目です（%s）", en: "schema: unknown field (%s)"},
	ReasonSchemaDuplicateField:    {ja: "スキーマ: 項目が重複しています（%s）", en: "schema: field listed twice (%s)"},
	ReasonSchemaNoPurpose:         {ja: "スキーマ: 利用目的のない項目は収集できません（%s）", en: "schema: no declared purpose justifies the %s"},
	ReasonSchemaUndeclaredPurpose: {ja: "スキーマ: 宣言されていない利用目的が指定されています（%s）", en: "schema: the %s names a purpose the schema does not declare"},
	ReasonSchemaPurpose:           {ja: "スキーマ: 利用目的の宣言が正しくありません（%s）", en: "schema: a purpose is declared twice, without text, or used by no field (%s)"},
	ReasonSchemaNoClass:           {ja: "スキーマ: データ区分が指定されていません（%s）", en: "schema: the %s has no data class"},
	ReasonSchemaClass:             {ja: "スキーマ: 連絡先カードの項目は申込情報と別のデータ区分にしてください（%s）", en: "schema: contact-card fields need a class of their own (%s)"},
	ReasonSchemaForbidden:         {ja: "スキーマ: 区の承諾なしに収集できない項目です（%s）", en: "schema: the %s is in a category that needs the ward's approval"},
	ReasonSchemaApproval:          {ja: "スキーマ: 承諾の記録（承諾者・日時・根拠）が不完全です（%s）", en: "schema: the approval record (who, when, basis) is incomplete (%s)"},
	ReasonSchemaCustomField:       {ja: "スキーマ: 独自項目の定義が正しくありません（%s）", en: "schema: an event field must be \"x.\" + name, sealed and single-valued (%s)"},
	ReasonSchemaChannel:           {ja: "スキーマ: 申込方法の指定が正しくありません（%s）", en: "schema: bad channel list (%s)"},
	ReasonSchemaIdentity:          {ja: "スキーマ: 重複確認の規則が正しくありません（%s）", en: "schema: an identity rule uses a field that is not collected or not an identity field (%s)"},
	ReasonSchemaIdentityCoverage:  {ja: "スキーマ: 代表者と同行者の全員を重複確認できる規則がありません（%s）", en: "schema: no identity rule covers every representative and companion (%s)"},
	ReasonSchemaEligibility:       {ja: "スキーマ: 確認できない参加条件です（%s）", en: "schema: an eligibility rule the collected fields cannot check (%s)"},
	ReasonSchemaReceipt:           {ja: "スキーマ: 受付番号の形式が正しくありません（%s）", en: "schema: the receipt prefix must be 1-4 capital letters and the digits 4-12 (%s)"},
	ReasonSchemaOptions:           {ja: "スキーマ: 選択肢が正しくありません（%s）", en: "schema: the %s has no choices or a bad choice"},
	ReasonSchemaAgeOn:             {ja: "スキーマ: 年齢計算の基準日がありません（%s）", en: "schema: birth dates are collected but no reference date is set (%s)"},
	ReasonSchemaDependency:        {ja: "スキーマ: 同行者の項目には同行者氏名が必要です（%s）", en: "schema: companion fields need companion names (%s)"},
}

func messageFor(r Reason) message {
	if m, ok := messages[r]; ok {
		return m
	}
	return message{ja: "%sに問題があります", en: "problem with the %s"}
}
