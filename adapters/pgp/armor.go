package pgp

import (
	"bufio"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// Armor block types.
const (
	armorPublicKey  = "PGP PUBLIC KEY BLOCK"
	armorPrivateKey = "PGP PRIVATE KEY BLOCK"
	armorMessage    = "PGP MESSAGE"
	armorSignature  = "PGP SIGNATURE"
)

// writeArmored writes the packets that write produces as one armor block
// of the given type, with the CRC-24 checksum and a final line feed.
// GnuPG 2.2 needs the checksum: without it, it misreads the END line of a
// block whose base64 has no padding.
func writeArmored(w io.Writer, blockType string, write func(io.Writer) error) error {
	aw, err := armor.Encode(w, blockType, nil)
	if err != nil {
		return err
	}
	if err := write(aw); err != nil {
		return err
	}
	if err := aw.Close(); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// dearmor returns the OpenPGP packets in r: the body of its armor block
// when r is ASCII-armored (the block must be one of types), else r itself.
func dearmor(r io.Reader, types ...string) (io.Reader, error) {
	br := bufio.NewReader(r)
	for {
		b, err := br.ReadByte()
		if err != nil {
			return nil, err
		}
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			if err := br.UnreadByte(); err != nil {
				return nil, err
			}
			break
		}
	}
	const begin = "-----BEGIN PGP "
	if head, _ := br.Peek(len(begin)); string(head) != begin {
		return br, nil
	}
	block, err := armor.Decode(br)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		if block.Type == t {
			return block.Body, nil
		}
	}
	return nil, fmt.Errorf("kuji/pgp: unexpected armor block %q", block.Type)
}
