package applicant

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Normalisation keeps two forms of every text value apart:
//
//   - the display form is what the person wrote, tidied: width-folded
//     (full-width Latin letters and digits to ASCII, half-width katakana to
//     full-width), NFC, white space runs collapsed to one space and trimmed,
//     invisible characters (zero-width space, BOM, word joiner, soft hyphen)
//     dropped. It is what is stored, shown and exported.
//   - matching keys are derived from the display form only to compare
//     values (duplicate identity, reception-desk search, residence check)
//     and are never shown: NFKC, variant kanji folded, case folded,
//     separators dropped; see nameKey, kanaKey and the phone and postal
//     code parsers.

// Display returns the display form of s: width-folded, NFC, white space
// collapsed and trimmed, invisible characters dropped. Invalid UTF-8 is
// replaced by U+FFFD, which validation then refuses.
func Display(s string) string {
	d, _ := display(s)
	return d
}

// display returns the display form of s, and ReasonInvalidCharacters if s
// is not valid UTF-8 or holds characters no text field accepts: control
// characters other than white space, format characters other than the
// zero-width joiners, bidirectional overrides, private-use characters and
// U+FFFD (the mark of text decoded with the wrong encoding).
func display(s string) (string, Reason) {
	var bad Reason
	if !utf8.ValidString(s) {
		bad = ReasonInvalidCharacters
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFC.String(width.Fold.String(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case invisible(r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == utf8.RuneError, unicode.Is(unicode.Cc, r), unicode.Is(unicode.Co, r),
			unicode.Is(unicode.Cf, r) && r != '\u200C' && r != '\u200D':
			bad = ReasonInvalidCharacters
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String(), bad
}

// invisible reports characters dropped from the display form: they carry
// nothing a person meant to write and would defeat matching.
func invisible(r rune) bool {
	switch r {
	case '\u00AD', '\u200B', '\u2060', '\uFEFF':
		return true
	}
	return false
}

// isDash reports the characters people type for a hyphen or a long vowel
// mark: hyphen-minus, hyphen, non-breaking hyphen, figure dash, en and em
// dashes, horizontal bar, minus sign, small and full-width hyphen-minus,
// hyphen bullet, the katakana long vowel mark and its half-width form.
func isDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212',
		'\uFE58', '\uFE63', '\uFF0D', '\u2043', '\u30FC', '\uFF70':
		return true
	}
	return false
}

// isSeparator reports characters dropped from name and kana keys: white
// space, middle dots, full stops, commas, equals signs and apostrophes.
func isSeparator(r rune) bool {
	if unicode.IsSpace(r) {
		return true
	}
	switch r {
	case '・', '\u00B7', '.', ',', '、', '。', '=', '\'', '\u2019':
		return true
	}
	return false
}

func isKana(r rune) bool {
	return (r >= 0x3041 && r <= 0x309F) || (r >= 0x30A0 && r <= 0x30FF) || (r >= 0x31F0 && r <= 0x31FF)
}

func isVariationSelector(r rune) bool {
	return (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF)
}

// prepareKey turns spacing voiced sound marks into combining ones, so that
// NFKC composes "カ゛" into "ガ" instead of splitting off a space, then
// applies NFKC.
func prepareKey(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u309B':
			return '\u3099'
		case '\u309C':
			return '\u309A'
		}
		return r
	}, s)
	return norm.NFKC.String(s)
}

// nameKey is the matching key of a name:
//
//  1. ゛ and ゜ become combining marks, then NFKC (full-width Latin and
//     digits to ASCII, half-width katakana to full-width, compatibility
//     ideographs to unified ones);
//  2. variation selectors are dropped (辻 with one dot or two is one name);
//  3. variant kanji fold to one form (髙→高, 﨑→崎, 齋/齊/斉→斎, 邊/邉→辺, ...;
//     see variant);
//  4. a dash-like character right after kana or ー becomes ー (ル-シ- is
//     ルーシー); any other dash-like character is dropped (Jean-Pierre is
//     Jean Pierre);
//  5. separators (white space, middle dots, full stops, commas, equals
//     signs, apostrophes) are dropped;
//  6. Unicode case folding, then NFKC again.
func nameKey(s string) string {
	return foldKey(s, false)
}

// kanaKey is the matching key of a name written in kana: nameKey's steps,
// plus hiragana to katakana and small kana to large (キョウコ and きようこ
// match, as bank kana matching does).
func kanaKey(s string) string {
	return foldKey(s, true)
}

func foldKey(s string, kana bool) string {
	s = prepareKey(s)
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	for _, r := range s {
		switch {
		case isVariationSelector(r), invisible(r):
			continue
		case isDash(r):
			if prev != 0 && (isKana(prev) || prev == 'ー') {
				r = 'ー'
			} else {
				continue
			}
		case isSeparator(r):
			continue
		}
		r = variant(r)
		if kana {
			r = largeKana(toKatakana(r))
		}
		b.WriteRune(r)
		prev = r
	}
	return norm.NFKC.String(cases.Fold().String(b.String()))
}

// toKatakana maps a hiragana letter to its katakana counterpart.
func toKatakana(r rune) rune {
	switch {
	case r >= 0x3041 && r <= 0x3096:
		return r + 0x60
	case r == 0x309D || r == 0x309E:
		return r + 0x60
	}
	return r
}

// largeKana maps small katakana to their full-size letters.
func largeKana(r rune) rune {
	switch r {
	case 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ッ', 'ャ', 'ュ', 'ョ', 'ヮ':
		return r + 1
	case 'ヵ':
		return 'カ'
	case 'ヶ':
		return 'ケ'
	}
	return r
}

// addressKey is the key an address is matched on for the residence check:
// NFKC, variation selectors dropped, variant kanji folded, white space
// dropped.
func addressKey(s string) string {
	s = prepareKey(s)
	return strings.Map(func(r rune) rune {
		if isVariationSelector(r) || unicode.IsSpace(r) {
			return -1
		}
		return variant(r)
	}, s)
}

// optionKey is the key a choice (category, sex, course, slot, yes/no) is
// matched on: NFKC, white space dropped, lower case.
func optionKey(s string) string {
	if simpleASCII(s) {
		return s
	}
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.ToLower(s)
}

// checkKana reports whether a display-form name is written in kana (with
// spaces, middle dots and long vowel marks).
func checkKana(s string) bool {
	for _, r := range norm.NFKC.String(s) {
		if !(isKana(r) || r == ' ' || isDash(r) || isSeparator(r)) {
			return false
		}
	}
	return true
}

// checkName reports whether a display-form name holds only letters, marks
// and the punctuation names use (spaces, middle dots, full stops, hyphens,
// apostrophes, equals signs, spacing voiced sound marks ゛゜; 々 and 〆 are
// letters already).
func checkName(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsMark(r) || isSeparator(r) || isDash(r) || r == '゛' || r == '゜' {
			continue
		}
		return false
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// simpleASCII reports ASCII without white space or capitals: its own
// optionKey.
func simpleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c <= ' ' || c >= 'A' && c <= 'Z' || c == 0x7f {
			return false
		}
	}
	return true
}
