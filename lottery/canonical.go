package lottery

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"sync"
	"sync/atomic"
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
	return newEncoderBuf(tag, make([]byte, 0, min(max(size, 1024), encoderBuffer)))
}

// newEncoderBuf is newEncoder over a buffer left by another encoder.
func newEncoderBuf(tag string, buf []byte) *encoder {
	e := &encoder{h: sha256.New(), buf: buf[:0]}
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

// ties appends u32(r.tie) for each record.
func (e *encoder) ties(rs []rec) {
	for len(rs) > 0 {
		e.room(4)
		k := min(len(rs), (cap(e.buf)-len(e.buf))/4)
		b := e.buf
		for j := range rs[:k] {
			b = binary.BigEndian.AppendUint32(b, uint32(rs[j].tie))
		}
		e.buf, rs = b, rs[k:]
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

// write hashes what is buffered, then b.
func (e *encoder) write(b []byte) {
	e.h.Write(e.buf)
	e.buf = e.buf[:0]
	e.h.Write(b)
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
	n := len(p.canon)
	e := newEncoder(tagInput, 64*n+64*len(p.slotOrder))
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
	e.u32(uint32(n))
	p.encodeEntries(e)
	d := e.sum()
	p.encBuf = e.buf // for the result digest
	return d
}

// maxEntryBytes bounds one entry's encoding: ID, category, four numbers,
// a count and up to MaxPrefsLimit+1 preferences.
const maxEntryBytes = 2*(4+MaxIDBytes) + 4*4 + 4*(MaxPrefsLimit+1)

// encodeEntry appends the canonical encoding of the entry at canonical
// position c to b.
//
// It avoids reading the input: entries arrive here in ID order, which is
// a random order over the input, and reading an Entry and then its ID's
// bytes costs two cache misses each. Receipt numbers are short, and the
// ID sort left the first 31 bytes of every ID in canonical order; and
// the category, if not empty, is almost always a reserved category.
func (p *prepared) encodeEntry(b []byte, c int) []byte {
	be := binary.BigEndian
	i := p.canon[c]
	e := &p.ent[i]
	if r := &p.idKeys[c]; r.tie == i && !r.continues() {
		b = be.AppendUint32(b, uint32(r.chunkLen()))
		b = r.idBytes(b)
	} else {
		id := p.arenaID(i)
		b = be.AppendUint32(b, uint32(len(id)))
		b = append(b, id...)
	}
	b = be.AppendUint32(b, uint32(e.size))
	b = be.AppendUint32(b, uint32(e.weight))
	b = be.AppendUint32(b, e.tier)
	switch e.cat {
	case noCategory:
		b = be.AppendUint32(b, 0)
	case otherCategory:
		b = be.AppendUint32(b, uint32(len(p.in.Entries[i].Category)))
		b = append(b, p.in.Entries[i].Category...)
	default:
		b = be.AppendUint32(b, uint32(len(p.pools[e.cat])))
		b = append(b, p.pools[e.cat]...)
	}
	prefs := p.prefsOf(i)
	b = be.AppendUint32(b, uint32(len(prefs)))
	for _, s := range prefs {
		b = be.AppendUint32(b, uint32(s))
	}
	return b
}

// digestPiece is how many entries one piece of the parallel encoding
// holds: about half a megabyte of encoding, which stays in cache between
// the worker that writes it and the goroutine that hashes it.
const digestPiece = 8192

// encodeEntries appends every entry's encoding, in canonical order.
//
// SHA-256 over one stream cannot be split, so hashing the ~50 MB that a
// million entries encode to is the longest sequential step of a draw.
// Gathering each entry's fields in canonical order reads the input out of
// order, which is slower than the hashing itself; so workers encode pieces
// of the canonical order into buffers, in parallel, while this goroutine
// hashes the pieces in order as they become ready. A worker takes a free
// buffer before it takes a piece, so the piece the hasher waits for always
// has a buffer and a worker, and a fixed set of buffers bounds the memory.
func (p *prepared) encodeEntries(e *encoder) {
	n := len(p.canon)
	workers := workerCount(n)
	if workers == 1 || n < 4*digestPiece {
		// Small inputs: the hashing takes well under a millisecond.
		for c := range p.canon {
			e.room(maxEntryBytes)
			e.buf = p.encodeEntry(e.buf, c)
		}
		return
	}
	pieces := (n + digestPiece - 1) / digestPiece
	ready := make([]chan []byte, pieces)
	for k := range ready {
		ready[k] = make(chan []byte, 1)
	}
	free := make(chan []byte, 2*workers)
	for range 2 * workers {
		free <- make([]byte, 0, digestPiece*64) // receipt numbers and a few preferences
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				buf := <-free
				k := int(next.Add(1) - 1)
				if k >= pieces {
					free <- buf
					return
				}
				buf = buf[:0]
				for c := k * digestPiece; c < min(n, (k+1)*digestPiece); c++ {
					buf = p.encodeEntry(buf, c)
				}
				ready[k] <- buf
			}
		})
	}
	for k := range pieces {
		buf := <-ready[k]
		e.write(buf)
		free <- buf
	}
	wg.Wait()
}
