package applicant

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestReferenceSchemasCheck(t *testing.T) {
	t.Parallel()
	for _, s := range []*Schema{CityWalkSchema(), LiveSiteSchema()} {
		require.NoError(t, s.Check(), s.Event)
		// The schema is plain data: it survives a JSON round trip.
		b, err := json.Marshal(s)
		require.NoError(t, err)
		var back Schema
		require.NoError(t, json.Unmarshal(b, &back))
		require.Equal(t, s, &back)
	}
	require.Len(t, LiveSiteSchema().Slots, 32*3, "32 event days, three slots each")
}

// minimal is a small valid schema the cases below break one way each.
func minimal() *Schema {
	return &Schema{
		Event:    "test",
		Purposes: []PurposeSpec{{Purpose: PurposeReception, Japanese: "受付", English: "reception"}},
		Fields: []FieldRule{
			{Field: FieldName, Class: ClassApplication, Purposes: []Purpose{PurposeReception}, Required: true},
			{Field: FieldPhone, Class: ClassApplication, Purposes: []Purpose{PurposeReception}, Required: true},
		},
		Channels: []Channel{ChannelWeb},
		Identity: []IdentityRule{{Name: "name+phone", Fields: []Field{FieldName, FieldPhone}}},
		Receipts: ReceiptFormat{Prefix: "T"},
	}
}

func TestSchemaCheckRefuses(t *testing.T) {
	t.Parallel()
	approval := Approval{Field: "x.allergy", ApprovedBy: "健康づくり課長", ApprovedAt: time.Date(2021, 4, 1, 0, 0, 0, 0, time.UTC), Basis: "審議会報告 第9回"}
	allergy := FieldInfo{Field: "x.allergy", Category: CategoryHealth + ".allergy", Sealed: true, Japanese: "アレルギー", English: "allergies"}
	tests := []struct {
		name string
		edit func(*Schema)
		want []string // field#0:reason
	}{
		{"field no purpose justifies", func(s *Schema) { s.Fields[1].Purposes = nil }, []string{"phone#0:schema_no_purpose"}},
		{"undeclared purpose", func(s *Schema) { s.Fields[1].Purposes = []Purpose{PurposeStatistics} }, []string{"phone#0:schema_undeclared_purpose"}},
		{"unknown field", func(s *Schema) {
			s.Fields = append(s.Fields, FieldRule{Field: "mynumber", Class: ClassApplication, Purposes: []Purpose{PurposeReception}})
		},
			[]string{"mynumber#0:schema_unknown_field"}},
		{"duplicate field", func(s *Schema) { s.Fields = append(s.Fields, s.Fields[0]) }, []string{"name#0:schema_duplicate_field"}},
		{"no class", func(s *Schema) { s.Fields[0].Class = "" }, []string{"name#0:schema_no_class"}},
		{"forbidden category without approval", func(s *Schema) {
			s.Custom = []FieldInfo{allergy}
			s.Fields = append(s.Fields, FieldRule{Field: "x.allergy", Class: ClassApplication, Purposes: []Purpose{PurposeReception}})
		}, []string{"x.allergy#0:schema_forbidden_category"}},
		{"incomplete approval", func(s *Schema) {
			s.Custom = []FieldInfo{allergy}
			s.Fields = append(s.Fields, FieldRule{Field: "x.allergy", Class: ClassApplication, Purposes: []Purpose{PurposeReception}})
			a := approval
			a.Basis = ""
			s.Approvals = []Approval{a}
		}, []string{"x.allergy#0:schema_approval", "x.allergy#0:schema_forbidden_category"}},
		{"approval for a field not collected", func(s *Schema) { s.Approvals = []Approval{approval} }, []string{"x.allergy#0:schema_approval"}},
		{"custom field not sealed", func(s *Schema) {
			a := allergy
			a.Sealed = false
			s.Custom = []FieldInfo{a}
		}, []string{"#0:schema_custom_field"}},
		{"custom field shadowing the catalogue", func(s *Schema) {
			s.Custom = []FieldInfo{{Field: FieldName, Category: "user.name", Sealed: true, Japanese: "氏名", English: "name"}}
		}, []string{"#0:schema_custom_field"}},
		{"purpose without text", func(s *Schema) { s.Purposes[0].English = "" }, []string{"#0:schema_purpose", "name#0:schema_undeclared_purpose", "phone#0:schema_undeclared_purpose"}},
		{"purpose no field uses", func(s *Schema) { s.Purposes = append(s.Purposes, specStatistics) }, []string{"#0:schema_purpose"}},
		{"bad event ID", func(s *Schema) { s.Event = "Live Site" }, []string{"#0:schema_event"}},
		{"no channel", func(s *Schema) { s.Channels = nil }, []string{"#0:schema_channel"}},
		{"field channel outside the schema's", func(s *Schema) { s.Fields[1].Channels = []Channel{ChannelPostcard} }, []string{"phone#0:schema_channel", "#0:schema_identity_coverage"}},
		{"contact-card fields in the application class", func(s *Schema) {
			s.Purposes = append(s.Purposes, specTracing)
			s.Fields = append(s.Fields, FieldRule{Field: FieldCardName, Class: ClassApplication, Purposes: []Purpose{PurposeInfectionTracing}})
		}, []string{"#0:schema_class"}},
		{"companion fields without companion names", func(s *Schema) {
			s.Fields = append(s.Fields, FieldRule{Field: FieldCompanionAge, Class: ClassApplication, Purposes: []Purpose{PurposeReception}})
		}, []string{"companion.age#0:schema_dependency"}},
		{"companions no identity rule covers", func(s *Schema) {
			s.Fields = append(s.Fields, FieldRule{Field: FieldCompanionName, Class: ClassApplication, Purposes: []Purpose{PurposeReception}, Required: true})
		}, []string{"#0:schema_identity_coverage"}},
		{"identity rule over a field not collected", func(s *Schema) { s.Identity[0].Fields = []Field{FieldName, FieldEmail} },
			[]string{"#0:schema_identity", "#0:schema_identity_coverage"}},
		{"identity over an optional field", func(s *Schema) { s.Fields[1].Required = false }, []string{"#0:schema_identity_coverage"}},
		{"resident-only without a way to tell", func(s *Schema) { s.Eligibility.ResidentOnly = true }, []string{"#0:schema_eligibility"}},
		{"adults without ages", func(s *Schema) { s.Eligibility.MinAdults = 1 }, []string{"#0:schema_eligibility"}},
		{"bad receipt prefix", func(s *Schema) { s.Receipts.Prefix = "ls" }, []string{"#0:schema_receipt"}},
		{"course without choices", func(s *Schema) {
			s.Fields = append(s.Fields, FieldRule{Field: FieldCourse, Class: ClassApplication, Purposes: []Purpose{PurposeReception}})
		}, []string{"course#0:schema_options"}},
		{"duplicate choices", func(s *Schema) {
			s.Fields = append(s.Fields, FieldRule{Field: FieldCourse, Class: ClassApplication, Purposes: []Purpose{PurposeReception}})
			s.Courses = []string{"10km", "１０ｋｍ"}
		}, []string{"course#0:schema_options"}},
		{"birth dates without a reference date", func(s *Schema) {
			s.Fields = append(s.Fields, FieldRule{Field: FieldBirthDate, Class: ClassApplication, Purposes: []Purpose{PurposeReception}})
		}, []string{"birth_date#0:schema_age_on"}},
		{"lottery weight out of range", func(s *Schema) { s.Lottery.Weights = map[ParticipantCategory]int{Resident: 0} }, []string{"#0:schema_options"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := minimal()
			require.NoError(t, s.Check())
			tt.edit(s)
			err := s.Check()
			require.ErrorIs(t, err, ErrInvalidSchema)
			require.Equal(t, tt.want, reasons(t, err))
			// Every operation refuses a bad schema.
			_, err = s.Validate(ChannelWeb, Form{})
			require.ErrorIs(t, err, ErrInvalidSchema)
		})
	}
}

func TestSchemaApprovalAdmitsForbiddenField(t *testing.T) {
	t.Parallel()
	s := minimal()
	s.Custom = []FieldInfo{{Field: "x.religion", Category: CategoryBelief + ".religion", Sealed: true, Japanese: "宗教上の配慮", English: "religious needs"}}
	s.Fields = append(s.Fields, FieldRule{Field: "x.religion", Class: ClassApplication, Purposes: []Purpose{PurposeReception}})
	var e *Error
	require.ErrorAs(t, s.Check(), &e)
	require.Equal(t, Field("x.religion"), e.Field, "the error names the field")
	require.Contains(t, e.English(), "religious needs")

	s.Approvals = []Approval{{Field: "x.religion", ApprovedBy: "区長", ApprovedAt: time.Date(2021, 4, 1, 0, 0, 0, 0, time.UTC), Basis: "個人情報保護審議会 2021-03"}}
	require.NoError(t, s.Check())
	a, err := s.Validate(ChannelWeb, Form{Representative: PersonForm{Name: "山田", Phone: "03-1234-5678"}, Extra: map[Field]string{"x.religion": "ハラール"}})
	require.NoError(t, err)
	require.Equal(t, "ハラール", a.Representative.Extra["x.religion"])
}

func TestForbiddenCategories(t *testing.T) {
	t.Parallel()
	for _, c := range []DataCategory{CategoryBelief, CategoryBelief + ".religion", CategoryRaceEthnicity, CategoryFamilyOrigin,
		CategoryRegisteredDomicile, CategoryDisability, CategoryCriminalHistory, CategoryUnionMembership,
		CategoryPoliticalActivity, CategoryHealth + ".allergy", CategorySexLife} {
		require.True(t, c.Forbidden(), c)
	}
	for _, c := range []DataCategory{"user.name", "user.healthy_habits", "user.beliefs", "user.contact.phone_number"} {
		require.False(t, c.Forbidden(), c)
	}
	for _, fi := range Catalogue() {
		require.False(t, fi.Category.Forbidden(), "the catalogue holds no forbidden category: %s", fi.Field)
		got, ok := Lookup(fi.Field)
		require.True(t, ok)
		require.Equal(t, fi, got)
		require.NotEmpty(t, fi.Japanese)
		require.NotEmpty(t, fi.English)
	}
}

// A frozen schema derives once; a copy of it derives afresh, so changing
// the copy is honoured.
func TestFreeze(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	require.NoError(t, s.Freeze())
	f := Form{Representative: PersonForm{Name: "山田 太郎", Address: "東京都新宿区西新宿2-8-1", PostalCode: "163-8001",
		Age: "40", Phone: "090-1234-5678", Email: "taro@example.jp"}, Preferences: []string{s.Slots[0]}}
	_, err := s.Validate(ChannelWeb, f)
	require.NoError(t, err)

	c := *s // a copy: not frozen
	c.Eligibility.ResidentOnly = false
	c.Eligibility.WardPrefixes = nil
	c.Slots = []string{"2099-01-01/1"}
	_, err = c.Validate(ChannelWeb, f)
	require.Error(t, err, "the copy's own slots apply: the frozen original's derivation is not reused")

	bad := CityWalkSchema()
	bad.Fields = append(bad.Fields, FieldRule{Field: FieldName, Class: ClassApplication, Purposes: []Purpose{PurposeReception}})
	require.Error(t, bad.Freeze(), "a schema Check refuses cannot be frozen")
	require.Error(t, bad.Check())
}
