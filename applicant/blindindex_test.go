package applicant

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

var secret = bytes.Repeat([]byte{0x42}, 32)

// identityMACs returns the MACs of one rule's keys, by person.
func identityMACs(t *testing.T, s *Schema, a *Application, rule string) map[int][]byte {
	t.Helper()
	keys, err := s.IdentityKeys(a, secret)
	require.NoError(t, err)
	out := map[int][]byte{}
	for _, k := range keys {
		require.Equal(t, KindIdentity, k.Kind)
		require.Len(t, k.MAC, sha256.Size)
		if k.Rule == rule {
			out[k.Person] = k.MAC
		}
	}
	return out
}

func liveSiteWith(t *testing.T, edit func(*Form)) *Application {
	t.Helper()
	f := liveSiteForm()
	edit(&f)
	return mustValidate(t, LiveSiteSchema(), ChannelWeb, f)
}

func TestIdentityKeysCollideForTheSamePerson(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	base := identityMACs(t, s, liveSiteWith(t, func(*Form) {}), "name+phone")[0]
	for _, tt := range []struct{ name, phone string }{
		{"高橋一郎", "09012345678"},              // variant kanji, no space, no dashes
		{"髙橋　一郎", "０９０ー１２３４ー５６７８"},           // ideographic space, full-width digits, long vowel mark
		{"高橋 一郎", "090‐1234‐5678"},           // hyphen U+2010
		{"高\U000E0100橋 一郎", "090 1234 5678"}, // variation selector
		{"髙橋・一郎", "+81 90-1234-5678"},        // middle dot, international form
	} {
		got := identityMACs(t, s, liveSiteWith(t, func(f *Form) {
			f.Representative.Name, f.Representative.Phone = tt.name, tt.phone
		}), "name+phone")[0]
		require.Equal(t, base, got, "%s / %s", tt.name, tt.phone)
	}
	for _, tt := range []struct{ name, phone string }{
		{"高橋 二郎", "090-1234-5678"}, // a family member on the same phone
		{"髙橋 一郎", "090-1234-5679"}, // a namesake
	} {
		got := identityMACs(t, s, liveSiteWith(t, func(f *Form) {
			f.Representative.Name, f.Representative.Phone = tt.name, tt.phone
		}), "name+phone")[0]
		require.NotEqual(t, base, got, "%s / %s", tt.name, tt.phone)
	}
}

func TestIdentityKeysKanaRule(t *testing.T) {
	t.Parallel()
	s := CityWalkSchema()
	s.Fields = append(s.Fields, FieldRule{Field: FieldNameKana, Class: ClassApplication, Purposes: []Purpose{PurposeReception}, Required: true})
	s.Identity = []IdentityRule{{Name: "kana+phone", Fields: []Field{FieldNameKana, FieldPhone}}}
	require.NoError(t, s.Check())
	key := func(kana, phone string) []byte {
		f := cityWalkForm()
		f.Representative.NameKana, f.Representative.Phone = kana, phone
		return identityMACs(t, s, mustValidate(t, s, ChannelWeb, f), "kana+phone")[0]
	}
	base := key("ヤマザキ サクラ", "03-1234-5678")
	require.Equal(t, base, key("やまざき さくら", "０３－１２３４－５６７８"))
	require.Equal(t, base, key("ﾔﾏｻﾞｷ ｻｸﾗ", "(03)1234-5678"))
	require.Equal(t, base, key("ヤマサ゛キ・サクラ", "03 1234 5678"))
	require.NotEqual(t, base, key("ヤマサキ サクラ", "03-1234-5678"))
}

func TestIdentityKeysCoverCompanions(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	a := liveSiteWith(t, func(*Form) {})
	keys, err := s.IdentityKeys(a, secret)
	require.NoError(t, err)
	var who []string
	for _, k := range keys {
		who = append(who, k.Rule+"#"+string(rune('0'+k.Person)))
	}
	require.Equal(t, []string{"name+phone#0", "name+age#0", "name+age#1", "name+age#2"}, who,
		"the representative under both rules, each companion (the infant without an age too) under name+age")

	// 花子 is a companion here and the representative of another group:
	// the same name and age give the same key.
	other := liveSiteWith(t, func(f *Form) {
		f.Representative.Name, f.Representative.Age, f.Representative.Phone = "高橋花子", "４０", "080-9999-0000"
		f.Companions = nil
	})
	require.Equal(t, identityMACs(t, s, a, "name+age")[1], identityMACs(t, s, other, "name+age")[0])
}

func TestIdentityKeyMessage(t *testing.T) {
	t.Parallel()
	// Recompute one key from the documented message layout.
	s := LiveSiteSchema()
	a := liveSiteWith(t, func(*Form) {})
	got := identityMACs(t, s, a, "name+phone")[0]

	var m bytes.Buffer
	for _, part := range []string{"kuji/applicant blind index v1", "identity", "livesite", "name+phone",
		"name", "高橋一郎", "phone", "09012345678"} {
		_ = binary.Write(&m, binary.BigEndian, uint32(len(part)))
		m.WriteString(part)
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(m.Bytes())
	require.Equal(t, mac.Sum(nil), got)
}

func TestBlindIndexSecrets(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	a := liveSiteWith(t, func(*Form) {})
	_, err := s.IdentityKeys(a, secret[:31])
	require.ErrorIs(t, err, ErrWeakSecret)
	_, err = s.SearchKeys(a, nil)
	require.ErrorIs(t, err, ErrWeakSecret)
	_, err = s.SearchKey(KindPhone, "090-1234-5678", []byte("short"))
	require.ErrorIs(t, err, ErrWeakSecret)

	k1, err := s.IdentityKeys(a, secret)
	require.NoError(t, err)
	k2, err := s.IdentityKeys(a, bytes.Repeat([]byte{0x43}, 32))
	require.NoError(t, err)
	require.NotEqual(t, k1[0].MAC, k2[0].MAC, "another secret, another key")
	other := LiveSiteSchema()
	other.Event = "livesite-2"
	k3, err := other.IdentityKeys(a, secret)
	require.NoError(t, err)
	require.NotEqual(t, k1[0].MAC, k3[0].MAC, "another event, another key")
}

func TestSearchKeys(t *testing.T) {
	t.Parallel()
	s := LiveSiteSchema()
	a := liveSiteWith(t, func(*Form) {})
	stored, err := s.SearchKeys(a, secret)
	require.NoError(t, err)
	find := func(kind IndexKind, query string) []int {
		q, err := s.SearchKey(kind, query, secret)
		require.NoError(t, err, query)
		var people []int
		for _, k := range stored {
			if k.Kind == q.Kind && bytes.Equal(k.MAC, q.MAC) {
				people = append(people, k.Person)
			}
		}
		return people
	}
	require.Equal(t, []int{0}, find(KindPhone, "０９０１２３４５６７８"))
	require.Equal(t, []int{0}, find(KindName, "高橋一郎"))
	require.Equal(t, []int{1}, find(KindName, "高橋　花子"))
	require.Equal(t, []int{2}, find(KindName, "タカハシ・サクラ"))
	require.Empty(t, find(KindName, "高橋"))

	for _, tt := range []struct {
		kind  IndexKind
		query string
	}{{KindPhone, "12"}, {KindName, "  "}, {KindNameKana, "高橋"}, {"email", "x"}} {
		_, err := s.SearchKey(tt.kind, tt.query, secret)
		require.ErrorAs(t, err, new(*Error), tt.query)
	}
}
