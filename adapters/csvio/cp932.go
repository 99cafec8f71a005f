package csvio

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// The encoder's table: see "CP932" in the package documentation for what
// it holds and why it differs from x/text's encoder.

// cp932Table maps a code point from U+0080 to U+FFFF to its CP932 code: a
// single byte (0xA1–0xDF) or a lead and trail byte (0x8140 and up); 0 means
// the code point cannot be written. ASCII is written as is.
type cp932Table [0x10000]uint16

// cp932 builds the table on first use. It is computed from x/text, never
// modified afterwards, and safe for concurrent use.
var cp932 = sync.OnceValue(buildCP932)

func buildCP932() *cp932Table {
	t := new(cp932Table)
	enc := japanese.ShiftJIS.NewEncoder()
	dec := japanese.ShiftJIS.NewDecoder()
	decodes := func(code uint16, r rune) bool {
		b := []byte{byte(code >> 8), byte(code)}
		if code < 0x100 {
			b = b[1:]
		}
		out, err := dec.Bytes(b)
		return err == nil && string(out) == string(r)
	}
	// The IBM extension codes, by the code point they decode to.
	ibm := make(map[rune]uint16, 400)
	for lead := 0xFA; lead <= 0xFC; lead++ {
		for trail := 0x40; trail <= 0xFC; trail++ {
			out, err := dec.Bytes([]byte{byte(lead), byte(trail)})
			if r, _ := utf8.DecodeRune(out); err == nil && r != utf8.RuneError {
				if _, seen := ibm[r]; !seen {
					ibm[r] = uint16(lead<<8 | trail)
				}
			}
		}
	}
	var src [utf8.UTFMax]byte
	for r := rune(0x80); r <= 0xFFFF; r++ {
		if 0xD800 <= r && r <= 0xDFFF {
			continue
		}
		n := utf8.EncodeRune(src[:], r)
		b, err := enc.Bytes(src[:n])
		if err != nil || len(b) == 0 || len(b) > 2 {
			continue
		}
		code := uint16(b[0])
		if len(b) == 2 {
			code = code<<8 | uint16(b[1])
		}
		if 0xED40 <= code && code <= 0xEEFC {
			if c, ok := ibm[r]; ok {
				code = c
			}
		}
		if decodes(code, r) {
			t[r] = code
		}
	}
	return t
}

// encodable reports whether CP932 as kuji writes it holds r.
func encodable(t *cp932Table, r rune) bool {
	return r < utf8.RuneSelf || r <= 0xFFFF && t[r] != 0
}
