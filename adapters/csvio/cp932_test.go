package csvio

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/japanese"
)

// Codes from Microsoft's code page 932 table (the bytes Windows writes),
// not from the code under test.
func TestCP932Codes(t *testing.T) {
	t.Parallel()
	tab := cp932()
	tests := []struct {
		r    rune
		code uint16
		why  string
	}{
		{'ｱ', 0xB1, "half-width katakana is one byte"},
		{'漢', 0x8ABF, "JIS X 0208 kanji"},
		{'～', 0x8160, "CP932's wave dash is the full-width tilde"},
		{'∥', 0x8161, "CP932's double vertical line"},
		{'－', 0x817C, "CP932's minus is the full-width hyphen-minus"},
		{'―', 0x815C, "CP932's horizontal bar"},
		{'＼', 0x815F, "full-width reverse solidus"},
		{'￠', 0x8191, "full-width cent"},
		{'￢', 0x81CA, "not sign: JIS X 0208, not the IBM or NEC-selected copies"},
		{'≒', 0x81E0, "JIS X 0208, not the NEC row 13 copy"},
		{'∵', 0x81E6, "JIS X 0208, not the NEC row 13 or IBM copies"},
		{'①', 0x8740, "NEC row 13"},
		{'Ⅰ', 0x8754, "NEC row 13, not the IBM copy"},
		{'㈱', 0x878A, "NEC row 13, not the IBM copy"},
		{'№', 0x8782, "NEC row 13, not the IBM copy"},
		{'ⅰ', 0xFA40, "IBM extension, not NEC-selected 0xEEEF"},
		{'￤', 0xFA55, "IBM extension, not NEC-selected 0xEEFA"},
		{'髙', 0xFBFC, "IBM extension kanji (はしご高), not NEC-selected 0xEEE0"},
		{'﨑', 0xFAB1, "IBM extension kanji (たつさき), not NEC-selected 0xED95"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.code, tab[tt.r], "%c %U: %s", tt.r, tt.r, tt.why)
	}
}

func TestCP932Unmappable(t *testing.T) {
	t.Parallel()
	tab := cp932()
	for _, r := range []rune{
		'〜',      // U+301C wave dash: CP932 has ～ U+FF5E
		'−',      // U+2212 minus sign: CP932 has － U+FF0D
		'¥',      // x/text writes 0x5C, which reads back as a backslash
		'‾',      // x/text writes 0x7E, which reads back as a tilde
		'‖', '—', // CP932 has ∥ U+2225 and ― U+2015
		'¢', '£', '¬', // CP932 has the full-width forms
		0x0080,   // a C1 control x/text would pass through
		0xE000,   // user-defined area (外字)
		'\uFFFD', // the replacement character
		'𠮷',      // outside the BMP
		'😀',      // emoji
		'ß', 'é', // Latin letters JIS X 0208 lacks
	} {
		require.False(t, encodable(tab, r), "%U", r)
	}
	require.True(t, encodable(tab, 'a'))
}

// Every code the table writes reads back, through x/text's decoder, as
// the character it was written for; none is a NEC-selected IBM code; and
// the table writes exactly what x/text writes, except that NEC-selected
// codes become IBM codes and one-way mappings are refused.
func TestCP932TableRoundTrips(t *testing.T) {
	t.Parallel()
	tab := cp932()
	enc := japanese.ShiftJIS.NewEncoder()
	dec := japanese.ShiftJIS.NewDecoder()
	var entries, ibm, remapped int
	for r := rune(0x80); r <= 0xFFFF; r++ {
		if 0xD800 <= r && r <= 0xDFFF {
			continue
		}
		code := tab[r]
		xb, xerr := enc.Bytes([]byte(string(r)))
		if code == 0 {
			if xerr == nil {
				back, err := dec.Bytes(xb)
				require.NoError(t, err)
				require.NotEqual(t, string(r), string(back), "%U: x/text round-trips it but the table refuses it", r)
			}
			continue
		}
		entries++
		b := []byte{byte(code >> 8), byte(code)}
		if code < 0x100 {
			b = b[1:]
		}
		back, err := dec.Bytes(b)
		require.NoError(t, err)
		require.Equal(t, string(r), string(back), "%U written as %X", r, code)
		require.False(t, 0xED40 <= code && code <= 0xEEFC, "%U written at a NEC-selected IBM code", r)
		require.NoError(t, xerr, "%U: the table writes what x/text cannot", r)
		if code >= 0xFA40 {
			ibm++
		}
		if fmt.Sprintf("%X", xb) != fmt.Sprintf("%X", b) {
			remapped++
			require.True(t, xb[0] == 0xED || xb[0] == 0xEE, "%U: only NEC-selected codes are remapped", r)
		}
	}
	// CP932 holds, besides ASCII, 63 half-width katakana, the 6,879
	// characters of JIS X 0208, the 83 NEC row 13 characters (9 of them,
	// ≒ ≡ ∫ √ ⊥ ∠ ∵ ∩ ∪, also in JIS X 0208) and 388 IBM extensions (15 of
	// them, ￢ ∵ Ⅰ–Ⅹ № ℡ ㈱, also in JIS X 0208 or row 13): 63 + 6,879 +
	// 74 + 373 distinct characters, the 373 written at IBM codes.
	require.Equal(t, 63+6879+74+373, entries)
	require.Equal(t, 373, ibm)
	require.Equal(t, ibm, remapped, "every IBM-code character was a NEC-selected code in x/text")
}

// The table is exactly Windows' code page 932 as the test vector lists it
// (made with glibc iconv, an implementation independent of x/text): the
// same characters at the same codes.
func TestCP932MatchesWindows(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/cp932_windows.txt")
	require.NoError(t, err)
	want := map[rune]uint16{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		var r rune
		var code uint16
		_, err := fmt.Sscanf(line, "U+%X %X", &r, &code)
		require.NoError(t, err, line)
		want[r] = code
	}
	require.Len(t, want, 7389)
	tab := cp932()
	for r := rune(0x80); r <= 0xFFFF; r++ {
		require.Equal(t, want[r], tab[r], "%U", r)
	}
}

// Decoding, for imports, reads the NEC-selected IBM codes as well.
func TestCP932DecodesNECSelected(t *testing.T) {
	t.Parallel()
	dec := japanese.ShiftJIS.NewDecoder()
	for _, tt := range []struct {
		b []byte
		r rune
	}{
		{[]byte{0xEE, 0xE0}, '髙'}, {[]byte{0xFB, 0xFC}, '髙'},
		{[]byte{0xED, 0x95}, '﨑'}, {[]byte{0xFA, 0xB1}, '﨑'},
	} {
		out, err := dec.Bytes(tt.b)
		require.NoError(t, err)
		r, _ := utf8.DecodeRune(out)
		require.Equal(t, tt.r, r, "% X", tt.b)
	}
}
