package lottery

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"hash"
)

// ticketHasher computes ticket keys (SPEC.md "Keys"):
//
//	SHA-256( tag32 || seed || u32(len(id)) || id || u32(t) )
//
// where tag32 is the ticket tag padded with zero bytes to 32 bytes. tag32
// and the seed fill exactly one 64-byte SHA-256 block, so the hasher
// computes that block once and restores its state for every ticket.
type ticketHasher struct {
	h     hash.Hash
	state []byte
	buf   []byte
	out   Digest
}

func newTicketHasher(seed Digest) *ticketHasher {
	var block [64]byte
	copy(block[:32], tagTicket)
	copy(block[32:], seed[:])
	h := sha256.New()
	h.Write(block[:])
	state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("kuji/lottery: sha256 state cannot be saved: " + err.Error())
	}
	return &ticketHasher{h: h, state: state, buf: make([]byte, 0, MaxIDBytes+8)}
}

// ticket returns the key of ticket t of the entry with this ID.
func (th *ticketHasher) ticket(id string, t uint32) *Digest {
	if err := th.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(th.state); err != nil {
		panic("kuji/lottery: sha256 state cannot be restored: " + err.Error())
	}
	b := binary.BigEndian.AppendUint32(th.buf[:0], uint32(len(id)))
	b = append(b, id...)
	b = binary.BigEndian.AppendUint32(b, t)
	th.h.Write(b)
	th.h.Sum(th.out[:0])
	return &th.out
}

// entryKey is the smallest of the entry's weight ticket keys, compared as
// big-endian 256-bit integers (bytewise).
func (th *ticketHasher) entryKey(id string, weight int32) Digest {
	best := *th.ticket(id, 0)
	for t := int32(1); t < weight; t++ {
		if k := th.ticket(id, uint32(t)); bytes.Compare(k[:], best[:]) < 0 {
			best = *k
		}
	}
	return best
}

// keys computes every entry's key, by canonical position, in parallel.
func (p *prepared) keys(seed Digest) []Digest {
	n := len(p.info)
	keys := make([]Digest, n)
	parallel(n, workerCount(n), func(_, lo, hi int) {
		th := newTicketHasher(seed)
		for c := lo; c < hi; c++ {
			keys[c] = th.entryKey(p.id(int32(c)), int32(p.info[c].weight))
		}
	})
	return keys
}
