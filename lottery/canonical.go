package lottery

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
)

// Digest is a SHA-256 value: an input commitment, a seed, a key or a
// result digest. It is written as 64 lowercase hex digits.
type Digest [32]byte

// String returns the digest as lowercase hex.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// MarshalText writes the digest as lowercase hex.
func (d Digest) MarshalText() ([]byte, error) {
	out := make([]byte, 64)
	hex.Encode(out, d[:])
	return out, nil
}

// UnmarshalText reads 64 hex digits.
func (d *Digest) UnmarshalText(text []byte) error {
	if _, err := hex.Decode(d[:], text); err != nil || len(text) != 64 {
		return &InputError{Field: "digest", Reason: ReasonBadHex, Value: clip(string(text)), Want: "64 hex digits"}
	}
	return nil
}

// Domain tags: every hash the lottery computes starts with one, so a value
// computed for one purpose can never be taken for another.
const (
	tagInput  = "kuji-lottery/v1 input"
	tagSeed   = "kuji-lottery/v1 seed"
	tagResult = "kuji-lottery/v1 result"
	tagTicket = "kuji-lottery/v1 ticket" // padded with zero bytes to 32
)

// encoder streams a canonical encoding into a hash through a buffer.
// Callers ask for room before a group of appends, so the hot path is plain
// appends to a slice that never reallocates.
type encoder struct {
	h   hash.Hash
	buf []byte
}

const encoderBuffer = 64 << 10

// newEncoder starts an encoding with its tag; size is the expected length,
// which only sets the buffer size.
func newEncoder(tag string, size int) *encoder {
	e := &encoder{h: sha256.New(), buf: make([]byte, 0, min(max(size, 1024), encoderBuffer))}
	e.buf = append(e.buf, tag...)
	e.buf = append(e.buf, 0)
	return e
}

// room makes room for n more bytes (n at most 1024).
func (e *encoder) room(n int) {
	if cap(e.buf)-len(e.buf) < n {
		e.h.Write(e.buf)
		e.buf = e.buf[:0]
	}
}

func (e *encoder) u32(v uint32) {
	e.room(4)
	e.buf = binary.BigEndian.AppendUint32(e.buf, v)
}

// positions appends u32(x) for each x, a buffer's worth at a time.
func (e *encoder) positions(xs []int32) {
	for len(xs) > 0 {
		e.room(4)
		k := min(len(xs), (cap(e.buf)-len(e.buf))/4)
		b := e.buf
		for _, x := range xs[:k] {
			b = binary.BigEndian.AppendUint32(b, uint32(x))
		}
		e.buf, xs = b, xs[k:]
	}
}

// positionsOf appends u32(of[x]) for each x.
func (e *encoder) positionsOf(xs, of []int32) {
	for len(xs) > 0 {
		e.room(4)
		k := min(len(xs), (cap(e.buf)-len(e.buf))/4)
		b := e.buf
		for _, x := range xs[:k] {
			b = binary.BigEndian.AppendUint32(b, uint32(of[x]))
		}
		e.buf, xs = b, xs[k:]
	}
}

// str appends u32(len(s)) || s.
func (e *encoder) str(s string) {
	e.u32(uint32(len(s)))
	e.raw(s)
}

// bytes appends u32(len(b)) || b.
func (e *encoder) bytes(b []byte) {
	e.u32(uint32(len(b)))
	e.raw(string(b))
}

func (e *encoder) raw(s string) {
	for len(s) > 0 {
		e.room(1)
		k := min(len(s), cap(e.buf)-len(e.buf))
		e.buf = append(e.buf, s[:k]...)
		s = s[k:]
	}
}

func (e *encoder) sum() Digest {
	e.h.Write(e.buf)
	e.buf = e.buf[:0]
	var d Digest
	e.h.Sum(d[:0])
	return d
}

// Digest validates the input and returns the SHA-256 of its canonical
// encoding (SPEC.md, "Input digest"): the commitment to publish before the
// seed is known. The order of slots, entries and reserved categories in
// the Input does not change it.
func (in Input) Digest() (Digest, error) {
	p, err := prepare(&in)
	if err != nil {
		return Digest{}, err
	}
	return p.digest(), nil
}

func (p *prepared) digest() Digest {
	e := newEncoder(tagInput, 64*len(p.info)+64*len(p.slotOrder))
	cfg := p.in.Config
	e.u32(uint32(cfg.MaxPrefs))
	e.u32(uint32(cfg.MaxGroupSize))
	e.u32(uint32(p.maxWins))
	e.u32(uint32(len(p.slotOrder)))
	for _, i := range p.slotOrder {
		s := &p.in.Slots[i]
		e.str(s.ID)
		e.u32(uint32(s.Capacity))
		cats := sortedKeys(s.Reserved)
		var nonzero []string
		for _, c := range cats {
			if s.Reserved[c] > 0 {
				nonzero = append(nonzero, c)
			}
		}
		e.u32(uint32(len(nonzero)))
		for _, c := range nonzero {
			e.str(c)
			e.u32(uint32(s.Reserved[c]))
		}
	}
	e.u32(uint32(len(p.info)))
	be := binary.BigEndian
	for c := range p.info {
		in := &p.info[c]
		id, cat, prefs := p.id(int32(c)), p.category(int32(c)), p.prefsOf(int32(c))
		e.room(24 + len(id) + len(cat) + 4*len(prefs))
		b := be.AppendUint32(e.buf, uint32(len(id)))
		b = append(b, id...)
		b = be.AppendUint32(b, uint32(in.size))
		b = be.AppendUint32(b, uint32(in.weight))
		b = be.AppendUint32(b, in.tier)
		b = be.AppendUint32(b, uint32(len(cat)))
		b = append(b, cat...)
		b = be.AppendUint32(b, uint32(len(prefs)))
		for _, s := range prefs {
			b = be.AppendUint32(b, uint32(s))
		}
		e.buf = b
	}
	return e.sum()
}
