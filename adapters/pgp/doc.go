// Package pgp is kuji's OpenPGP adapter: personal data leaves an event only
// as an OpenPGP message encrypted to designated recipients (the ward) and
// signed by the contractor, and erasure certificates are signed documents.
// It is built on github.com/ProtonMail/go-crypto (openpgp/v2) and pinned to
// what GnuPG 2.2, the version wards run, reads.
//
// # Exports
//
// [Encrypt] returns a [Writer]: stream the plaintext (CSV rows) into it and
// Close it to finish the message. Memory stays flat whatever the size of
// the export: nothing but a DEFLATE window and a few 64 KiB buffers is held.
// After Close, [Writer.Result] gives what the audit entry records: the
// recipients' and signer's fingerprints, the number of bytes written and
// the SHA-256 of exactly those bytes, none of them personal.
//
// [Decrypt] is the ward's side (and the tests'): it opens a message with a
// secret key and returns a [Reader] whose final Read returns io.EOF only
// if the message is intact and signed by a trusted signer.
//
// # Pinned profile
//
// A message is what gpg --encrypt --sign writes, whatever algorithm
// preferences the recipient keys state:
//
//   - one v3 public-key encrypted session key packet per recipient;
//   - a SEIPDv1 packet (symmetrically encrypted, integrity protected with
//     the SHA-1 MDC) under AES-256 — never SEIPDv2/AEAD, which GnuPG 2.2
//     cannot read and which go-crypto's own Encrypt picks when every
//     recipient key advertises it;
//   - inside, a ZLIB (default) or ZIP compressed packet at level 6 holding a
//     one-pass signature, the literal data (binary, without file name or
//     date) and a v4 SHA-256 signature;
//   - optional ASCII armor, always with the CRC-24 line: GnuPG 2.2 misreads
//     armor without it.
//
// [GenerateKey] makes v4 keys only: by default an Ed25519 primary key and a
// Curve25519 encryption subkey in their legacy encodings (EdDSA and ECDH
// with curve OIDs, as gpg 2.2 makes them), or RSA-3072/4096. Their
// self-signatures state AES-256, SHA-256 and ZLIB and the MDC feature, not
// SEIPDv2. Exported secret keys are protected with AES-256 under an
// iterated and salted SHA-256 S2K, never Argon2 or AEAD.
//
// # Refused keys
//
// [CheckRecipient] and [CheckSigner] (and every operation that takes a key)
// refuse, with a [*KeyError] naming the key's fingerprint and a [Reason],
// keys that are expired, revoked or not yet valid; keys too weak (RSA under
// 3072 bits, DSA, ElGamal); keys gpg 2.2 cannot use or the profile does not
// admit (v5 and v6 keys, Ed25519/X25519 in the RFC 9580 encoding, Ed448,
// NIST and Brainpool curves, post-quantum algorithms); recipients without a
// valid encryption subkey; signers without a valid signing key or its
// secret part. A key with several subkeys is used through the newest valid
// subkey that the profile admits. [Encrypt] reports every refused key at
// once as [KeyErrors] and writes nothing.
//
// # Document signatures
//
// [SignDetached] and [VerifyDetached] sign and check a file byte for byte,
// like gpg --detach-sign. [ClearSign] and [VerifyClearSigned] make and read
// "-----BEGIN PGP SIGNED MESSAGE-----" documents, readable without any tool
// and checked by gpg --verify; ClearSign documents how the text is
// canonicalised (line endings, trailing white space).
//
// # Time
//
// Whether a key is valid, and the date a signature carries, depend on the
// time: every function takes it from Now in its options, so tests and
// replays are deterministic. Only when the caller injects nothing
// (a nil *Options or a nil Now) is the clock read, with time.Now.
//
// # Compatibility
//
// Messages, signatures and keys written by this package are read by GnuPG
// 2.2 and later, which the tests check with the real gpg. The profile is
// part of the API: changing a pinned algorithm is a breaking change.
package pgp
