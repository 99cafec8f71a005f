package pgp

import (
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/stretchr/testify/require"
)

// craft makes a key with go-crypto directly, for shapes GenerateKey never
// makes: cfg says how (nil: Curve25519 at created), edit changes it.
func craft(t *testing.T, cfg *packet.Config, edit func(e *openpgp.Entity, cfg *packet.Config)) *Key {
	t.Helper()
	if cfg == nil {
		cfg = pinnedConfig(created)
		cfg.Algorithm, cfg.Curve = packet.PubKeyAlgoEdDSA, packet.Curve25519
	}
	e, err := openpgp.NewEntity("Crafted", "", "crafted@example.jp", cfg)
	require.NoError(t, err)
	if edit != nil {
		edit(e, cfg)
	}
	k, err := newKey(e)
	require.NoError(t, err)
	return k
}

// config returns a pinned config at created, adjusted by set.
func config(set func(c *packet.Config)) *packet.Config {
	c := pinnedConfig(created)
	c.Algorithm, c.Curve = packet.PubKeyAlgoEdDSA, packet.Curve25519
	set(c)
	return c
}

func TestCheckKeys(t *testing.T) {
	t.Parallel()
	later := func(d time.Duration) *packet.Config {
		c := pinnedConfig(created.Add(d))
		c.Algorithm, c.Curve = packet.PubKeyAlgoEdDSA, packet.Curve25519
		return c
	}
	dropSubkeys := func(e *openpgp.Entity, _ *packet.Config) { e.Subkeys = nil }
	// replaceSubkey swaps the encryption subkey for one made by c.
	replaceSubkey := func(c *packet.Config) func(e *openpgp.Entity, _ *packet.Config) {
		return func(e *openpgp.Entity, _ *packet.Config) {
			e.Subkeys = nil
			require.NoError(t, e.AddEncryptionSubkey(c))
		}
	}

	cases := []struct {
		name      string
		key       func(t *testing.T) *Key
		now       time.Time
		recipient Reason // "" means accepted
		signer    Reason
		algo      string
	}{
		{
			name: "fresh curve25519",
			key:  func(t *testing.T) *Key { return keys(t).contractor },
		},
		{
			name: "fresh rsa3072",
			key:  func(t *testing.T) *Key { _, k := rsaKeys(t); return k },
		},
		{
			name: "expired",
			key: func(t *testing.T) *Key {
				return craft(t, config(func(c *packet.Config) { c.KeyLifetimeSecs = 3600 }), nil)
			},
			now:       created.Add(2 * time.Hour),
			recipient: ReasonExpired, signer: ReasonExpired,
		},
		{
			name:      "not yet valid",
			key:       func(t *testing.T) *Key { return keys(t).contractor },
			now:       created.Add(-time.Minute),
			recipient: ReasonNotYetValid, signer: ReasonNotYetValid,
		},
		{
			name: "revoked",
			key: func(t *testing.T) *Key {
				return craft(t, nil, func(e *openpgp.Entity, c *packet.Config) {
					require.NoError(t, e.Revoke(packet.KeyCompromised, "", later(time.Minute)))
				})
			},
			recipient: ReasonRevoked, signer: ReasonRevoked,
		},
		{
			name: "superseded, before the revocation",
			key: func(t *testing.T) *Key {
				return craft(t, nil, func(e *openpgp.Entity, c *packet.Config) {
					require.NoError(t, e.Revoke(packet.KeySuperseded, "", later(2*time.Hour)))
				})
			},
			now: created.Add(time.Hour),
		},
		{
			name:      "sign only",
			key:       func(t *testing.T) *Key { return craft(t, nil, dropSubkeys) },
			recipient: ReasonNoEncryptionKey,
		},
		{
			name: "encryption subkey expired",
			key: func(t *testing.T) *Key {
				return craft(t, nil, replaceSubkey(config(func(c *packet.Config) { c.KeyLifetimeSecs = 60 })))
			},
			recipient: ReasonExpired,
		},
		{
			name: "encryption subkey revoked",
			key: func(t *testing.T) *Key {
				return craft(t, nil, func(e *openpgp.Entity, c *packet.Config) {
					require.NoError(t, e.Subkeys[0].Revoke(packet.KeyCompromised, "", later(time.Minute)))
				})
			},
			recipient: ReasonRevoked,
		},
		{
			name: "weak encryption subkey",
			key: func(t *testing.T) *Key {
				return craft(t, nil, replaceSubkey(config(func(c *packet.Config) {
					c.Algorithm, c.RSABits = packet.PubKeyAlgoRSA, 2048
				})))
			},
			recipient: ReasonTooWeak, algo: "rsa2048",
		},
		{
			name: "rsa2048",
			key: func(t *testing.T) *Key {
				return craft(t, config(func(c *packet.Config) { c.Algorithm, c.RSABits = packet.PubKeyAlgoRSA, 2048 }), nil)
			},
			recipient: ReasonTooWeak, signer: ReasonTooWeak, algo: "rsa2048",
		},
		{
			name: "ed25519 of RFC 9580",
			key: func(t *testing.T) *Key {
				return craft(t, config(func(c *packet.Config) { c.Algorithm = packet.PubKeyAlgoEd25519 }), nil)
			},
			recipient: ReasonUnsupported, signer: ReasonUnsupported, algo: "ed25519 (RFC 9580 encoding)",
		},
		{
			name: "v6 key",
			key: func(t *testing.T) *Key {
				return craft(t, config(func(c *packet.Config) { c.Algorithm, c.V6Keys = packet.PubKeyAlgoEd25519, true }), nil)
			},
			recipient: ReasonUnsupported, signer: ReasonUnsupported, algo: "v6 key",
		},
		{
			name: "nist p-384",
			key: func(t *testing.T) *Key {
				return craft(t, config(func(c *packet.Config) { c.Algorithm, c.Curve = packet.PubKeyAlgoECDSA, packet.CurveNistP384 }), nil)
			},
			recipient: ReasonUnsupported, signer: ReasonUnsupported, algo: "ecdsa-p384",
		},
		{
			name: "legacy ed448",
			key: func(t *testing.T) *Key {
				return craft(t, config(func(c *packet.Config) { c.Curve = packet.Curve448 }), nil)
			},
			recipient: ReasonUnsupported, signer: ReasonUnsupported, algo: "eddsa-curve448",
		},
		{
			name: "advertises SEIPDv2 (still accepted: exports ignore preferences)",
			key: func(t *testing.T) *Key {
				return craft(t, config(func(c *packet.Config) { c.AEADConfig = &packet.AEADConfig{} }), nil)
			},
		},
		{
			name: "signing subkey without secret part",
			key: func(t *testing.T) *Key {
				return craft(t, nil, func(e *openpgp.Entity, c *packet.Config) {
					require.NoError(t, e.AddSigningSubkey(later(time.Minute)))
					// A primary key that may only certify (gpg --quick-gen-key
					// ... cert) and a signing subkey kept elsewhere.
					for _, id := range e.Identities {
						id.SelfCertifications[0].Packet.FlagSign = false
						require.NoError(t, id.ReSign(c))
					}
					e.Subkeys[1].PrivateKey = nil
				})
			},
			signer: ReasonNoPrivateKey,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k := tc.key(t)
			now := tc.now
			if now.IsZero() {
				now = created.Add(time.Hour)
			}
			o := &Options{Now: at(now)}
			for _, check := range []struct {
				fn     func(*Key, *Options) error
				reason Reason
			}{{CheckRecipient, tc.recipient}, {CheckSigner, tc.signer}} {
				err := check.fn(k, o)
				if check.reason == "" {
					require.NoError(t, err)
					continue
				}
				ke := requireKeyError(t, err, check.reason, k.Fingerprint())
				require.Equal(t, tc.algo, ke.Algorithm)
			}
		})
	}
}

// TestSelectKeyPrefersAcceptableSubkey: a newer subkey outside the profile
// does not hide an older one inside it.
func TestSelectKeyPrefersAcceptableSubkey(t *testing.T) {
	t.Parallel()
	weak := config(func(c *packet.Config) { c.Algorithm, c.RSABits = packet.PubKeyAlgoRSA, 2048 })
	weak.Time = at(created.Add(time.Minute))
	var good uint64
	k := craft(t, nil, func(e *openpgp.Entity, _ *packet.Config) {
		good = e.Subkeys[0].PublicKey.KeyId
		require.NoError(t, e.AddEncryptionSubkey(weak))
	})
	sel, kerr := selectKey(k, useEncrypt, created.Add(time.Hour))
	require.Nil(t, kerr)
	require.Equal(t, good, sel.public.KeyId)
}
