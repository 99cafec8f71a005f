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
// where tag32 is the ticket tag padded with zero bytes to 32 bytes, with
// crypto/sha256: the portable path, for processors without the SHA
// extensions and for the rare tickets keysBatched leaves out. A draw
// hashes a ticket per unit of weight (two million for a million entries),
// so the fixed costs around each SHA-256 block matter as much as the block
// itself:
//
//   - tag32 and the seed fill exactly one 64-byte block, so the hasher
//     computes that block once and restores the state after it (the
//     midstate) for every ticket;
//   - it pads the rest of the message itself, as SHA-256 does, so writing
//     it runs the block function straight over the caller's bytes, and the
//     state after that write is the digest: it is read back with
//     AppendBinary instead of Sum, which would copy the state and pad
//     again;
//   - the padded message of an entry is built once and only the ticket
//     number is rewritten for each ticket.
//
// Reading the digest from the saved state relies on the layout of
// crypto/sha256's state encoding, so newTicketHasher checks it against
// sha256.Sum256 and falls back to plain Write and Sum if it ever differs.
type ticketHasher struct {
	h       hash.Hash
	restore encoding.BinaryUnmarshaler
	save    encoding.BinaryAppender
	state   []byte // the midstate after tag32 || seed
	fast    bool   // the state encoding holds the digest at stateDigest

	msg  []byte // str(id) || u32(t), then SHA-256 padding when fast
	tnum int    // where in msg the ticket number is
	out  []byte // the saved state, or the digest
}

// stateDigest is where crypto/sha256's state encoding ("sha\x03", then the
// eight state words big-endian, ...) holds the chaining value, which after
// a padded message is the digest.
const stateDigest = 4

func newTicketHasher(seed Digest) *ticketHasher {
	var block [64]byte
	copy(block[:32], tagTicket)
	copy(block[32:], seed[:])
	h := sha256.New()
	h.Write(block[:])
	th := &ticketHasher{
		h:       h,
		restore: h.(encoding.BinaryUnmarshaler),
		save:    h.(encoding.BinaryAppender),
		msg:     make([]byte, 0, 2*64+MaxIDBytes),
		out:     make([]byte, 0, 128),
	}
	state, err := th.save.AppendBinary(nil)
	if err != nil {
		panic("kuji/lottery: sha256 state cannot be saved: " + err.Error())
	}
	th.state = state
	th.fast = true
	var got Digest
	th.ticket("kuji", 7, &got)
	want := sha256.Sum256(append(append(block[:], "\x00\x00\x00\x04kuji"...), 0, 0, 0, 7))
	th.fast = got == want
	return th
}

// ticket writes the key of ticket t of the entry with this ID to out.
func (th *ticketHasher) ticket(id string, t uint32, out *Digest) {
	th.setID(id)
	th.sum(t, out)
}

// setID prepares the message of the entry with this ID.
func (th *ticketHasher) setID(id string) {
	b := binary.BigEndian.AppendUint32(th.msg[:0], uint32(len(id)))
	b = append(b, id...)
	b = append(b, 0, 0, 0, 0) // the ticket number, set by sum
	if th.fast {
		// SHA-256 padding: 0x80, zeros up to 8 bytes short of a block
		// boundary, then the message length in bits (the first block
		// included).
		n := len(b)
		b = append(b, 0x80)
		b = append(b, make([]byte, (119-n%64)%64)...)
		b = binary.BigEndian.AppendUint64(b, uint64(64+n)*8)
		th.tnum = n - 4
	} else {
		th.tnum = len(b) - 4
	}
	th.msg = b
}

func (th *ticketHasher) sum(t uint32, out *Digest) {
	if err := th.restore.UnmarshalBinary(th.state); err != nil {
		panic("kuji/lottery: sha256 state cannot be restored: " + err.Error())
	}
	binary.BigEndian.PutUint32(th.msg[th.tnum:], t)
	th.h.Write(th.msg)
	if th.fast {
		s, _ := th.save.AppendBinary(th.out[:0])
		copy(out[:], s[stateDigest:])
		th.out = s
		return
	}
	th.out = th.h.Sum(th.out[:0])
	copy(out[:], th.out)
}

// entryKey writes to out the smallest of the entry's weight ticket keys,
// compared as big-endian 256-bit integers: first on their leading eight
// bytes, which almost always differ.
func (th *ticketHasher) entryKey(id string, weight uint16, out *Digest) {
	th.setID(id)
	th.sum(0, out)
	if weight <= 1 {
		return
	}
	best := binary.BigEndian.Uint64(out[:8])
	var k Digest
	for t := uint16(1); t < weight; t++ {
		th.sum(uint32(t), &k)
		if lead := binary.BigEndian.Uint64(k[:8]); lead < best || lead == best && bytes.Compare(k[:], out[:]) < 0 {
			*out, best = k, lead
		}
	}
}

// keys computes every entry's key, in parallel, and writes each entry's
// priority-order record to recs (by input index): tier, key, canonical
// position, and what allocation reads.
func (p *prepared) keys(seed Digest, recs []rec) {
	parallel(len(recs), workerCount(len(recs)), func(_, lo, hi int) {
		if haveCompress2 {
			p.keysBatched(seed, recs, lo, hi)
			return
		}
		th := newTicketHasher(seed)
		var key Digest
		for i := lo; i < hi; i++ {
			th.entryKey(p.arenaID(int32(i)), p.ent[i].weight, &key)
			recs[i] = p.priorityRec(int32(i), &key)
		}
	})
}

// priorityRec is entry i's record for the priority order.
func (p *prepared) priorityRec(i int32, key *Digest) rec {
	e, next := &p.ent[i], &p.ent[i+1]
	prefs := p.prefs[e.prefOff:next.prefOff]
	r := rec{
		tier:   e.tier,
		tie:    p.pos[i],
		idOff:  e.idOff,
		size:   e.size,
		idLen:  uint8(next.idOff - e.idOff - 1),
		nprefs: uint8(len(prefs)),
		cat:    catNone,
	}
	switch {
	case e.cat >= maxRecCat:
		r.cat = catLookup
	case e.cat >= 0:
		r.cat = uint8(e.cat)
	}
	if p.inlinePrefs && len(prefs) <= inlinePrefs {
		for j, s := range prefs {
			r.prefs[j] = uint16(s)
		}
	} else {
		r.prefs[0], r.prefs[1] = uint16(e.prefOff), uint16(e.prefOff>>16)
	}
	for w := range r.key {
		r.key[w] = binary.BigEndian.Uint64(key[8*w:])
	}
	return r
}

// ticketBatch is how many tickets keysBatched hashes at a time.
const ticketBatch = 128

// maxBlockID is the longest ID whose ticket message, after the block of
// tag and seed, fits one block with its padding: 4 + 47 + 4 + 9 = 64.
const maxBlockID = 64 - 4 - 4 - 9

// batch is a worker's tickets waiting to be hashed: one padded block
// each (the second block of the message), and the entries they belong
// to, whose tickets are consecutive.
type batch struct {
	mid     [8]uint32 // the chaining value after tag32 || seed
	blocks  [ticketBatch][64]byte
	keys    [ticketBatch]Digest
	n       int
	entries []batchEntry
}

type batchEntry struct {
	i, first, n int32
}

// keysBatched is keys for entries lo..hi with compress2: it lays out the
// tickets of as many entries as fit a batch, hashes them two at a time,
// then takes each entry's smallest. IDs too long for one block, and
// weights larger than a batch, go through crypto/sha256.
func (p *prepared) keysBatched(seed Digest, recs []rec, lo, hi int) {
	b := &batch{entries: make([]batchEntry, 0, ticketBatch)}
	var first [2][64]byte
	copy(first[0][:32], tagTicket)
	copy(first[0][32:], seed[:])
	iv := [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
	var mid [2]Digest
	compress2(&iv, &first, &mid)
	for w := range b.mid {
		b.mid[w] = binary.BigEndian.Uint32(mid[0][4*w:])
	}
	var th *ticketHasher // for the exceptions, made when first needed
	var key Digest
	for i := lo; i < hi; i++ {
		id, weight := p.arenaID(int32(i)), int(p.ent[i].weight)
		if len(id) > maxBlockID || weight > ticketBatch {
			if th == nil {
				th = newTicketHasher(seed)
			}
			th.entryKey(id, uint16(weight), &key)
			recs[i] = p.priorityRec(int32(i), &key)
			continue
		}
		if b.n+weight > ticketBatch {
			p.flush(b, recs)
		}
		b.add(int32(i), id, weight)
	}
	p.flush(b, recs)
}

// add lays out the weight tickets of entry i.
func (b *batch) add(i int32, id string, weight int) {
	blk := &b.blocks[b.n]
	binary.BigEndian.PutUint32(blk[0:], uint32(len(id)))
	copy(blk[4:], id)
	n := 4 + len(id)
	binary.BigEndian.PutUint32(blk[n:], 0) // the ticket number
	blk[n+4] = 0x80
	clear(blk[n+5 : 56])
	binary.BigEndian.PutUint64(blk[56:], uint64(64+n+4)*8)
	for t := 1; t < weight; t++ {
		b.blocks[b.n+t] = *blk
		binary.BigEndian.PutUint32(b.blocks[b.n+t][n:], uint32(t))
	}
	b.entries = append(b.entries, batchEntry{i: i, first: int32(b.n), n: int32(weight)})
	b.n += weight
}

// flush hashes the batch and writes its entries' records.
func (p *prepared) flush(b *batch, recs []rec) {
	// With an odd number of tickets the last pair also hashes a stale
	// block, whose result is not read.
	for k := 0; k < b.n; k += 2 {
		compress2(&b.mid, (*[2][64]byte)(b.blocks[k:k+2]), (*[2]Digest)(b.keys[k:k+2]))
	}
	for _, e := range b.entries {
		keys := b.keys[e.first : e.first+e.n]
		best := 0
		for t := 1; t < len(keys); t++ {
			if bytes.Compare(keys[t][:], keys[best][:]) < 0 {
				best = t
			}
		}
		recs[e.i] = p.priorityRec(e.i, &keys[best])
	}
	b.n, b.entries = 0, b.entries[:0]
}
