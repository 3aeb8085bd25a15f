package blockcerts

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
)

// The samples in testdata/certs are cert-verifier-js's test fixtures (MIT,
// see testdata/certs/LICENSE-cert-verifier-js.md); their names say what
// cert-verifier-js expects of them.
func TestVerifySamples(t *testing.T) {
	v := New(testProcessor(t), nil)
	tests := []struct {
		file      string
		version   int
		signature string
		issuer    string
		status    string
		proof     string
		errPart   string // in some error
	}{
		{"v2-mainnet-valid-2.0.json", 2, SigOK, IssuerUnconfirmed, StatusUnknown, TypeMerkleProof2017, "was not checked (offline)"},
		{"v2-testnet-valid-2.0.json", 2, SigOK, IssuerUnconfirmed, StatusUnknown, TypeMerkleProof2017, "revocation-list-testnet.json"},
		{"v3-certificate.json", 2, SigOK, IssuerUnconfirmed, StatusUnknown, TypeMerkleProof2017, "bitcoinMainnet"},
		// Only its anchor is wrong, which needs the transaction to see.
		{"v2-mainnet-merkle-root-unmatch-2.0.json", 2, SigOK, IssuerUnconfirmed, StatusUnknown, TypeMerkleProof2017, "was not checked (offline)"},
		{"v2-testnet-tampered-hashes-2.0.json", 2, SigInvalid, IssuerUnconfirmed, StatusUnknown, TypeMerkleProof2017, "does not match its targetHash"},
		{"v2-ethereum-tampered-2.0.json", 2, SigInvalid, IssuerUnconfirmed, StatusUnknown, TypeMerkleProof2017, "does not match its targetHash"},
		{"v2-mainnet-invalid-merkle-receipt-2.0.json", 2, SigInvalid, IssuerUnconfirmed, StatusUnknown, TypeMerkleProof2017, "does not lead from the targetHash"},
		{"v3-testnet-v3-did.json", 3, SigOK, IssuerUnconfirmed, StatusNone, TypeMerkleProof2019, "bitcoinTestnet"},
		{"v3-ethereum-sepolia-v3.json", 3, SigOK, IssuerUnconfirmed, StatusNone, TypeMerkleProof2019, "eth-sepolia.blockscout.com"},
		{"v3-mocknet-v3-valid.json", 3, SigOK, IssuerUnconfirmed, StatusNone, "ChainedProof2021/MerkleProof2019", "other proofs (EcdsaSecp256k1Signature2019) were not checked"},
		{"v3-testnet-v3--tampered.json", 3, SigInvalid, IssuerUnconfirmed, StatusNone, TypeMerkleProof2019, "does not match its targetHash"},
		// Its display.content is typed @id by the 3.0-beta context, so the
		// HTML shown to people is dropped from the hash.
		{"v3-blockcerts-3.0-beta.json", 3, SigInvalid, IssuerUnconfirmed, StatusNone, TypeMerkleProof2019, "data its hash does not cover"},
		{"v3-testnet-v3-did--verification-method-mismatch.json", 3, SigOK, IssuerMismatch, StatusNone, TypeMerkleProof2019, "but the certificate's issuer is did:ion:EiAdjtCU7lOOND5xRgjpDiAB2DxAs9-QoFBAbcd3ttZsSA"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc := loadCert(t, tt.file)
			require.True(t, Detect(doc))
			r, err := v.Verify(context.Background(), doc)
			require.NoError(t, err)
			require.Equal(t, tt.version, r.Version)
			require.Equal(t, tt.signature, r.Signature, r.Errors)
			require.Equal(t, AnchorUnknown, r.Anchor, "offline, no anchor is checked")
			require.Equal(t, tt.issuer, r.Issuer)
			require.Equal(t, tt.status, r.Status)
			require.Equal(t, tt.proof, r.Proof)
			require.Contains(t, strings.Join(r.Errors, "\n"), tt.errPart)
			require.NotEmpty(t, r.IssuerID)
			require.NotNil(t, r.Receipt)
			require.NotEmpty(t, r.Receipt.Anchors)
		})
	}
}

// TestTampered changes signed content or proofs of valid samples.
func TestTampered(t *testing.T) {
	v := New(testProcessor(t), nil)
	tests := []struct {
		name    string
		file    string
		change  func(doc map[string]any)
		errPart string
	}{
		{"v2 recipient name", "v2-mainnet-valid-2.0.json", func(d map[string]any) {
			d["recipientProfile"].(map[string]any)["name"] = "Mallory"
		}, "does not match its targetHash"},
		{"v2 badge name", "v2-testnet-valid-2.0.json", func(d map[string]any) {
			d["badge"].(map[string]any)["name"] = "Doctor of Everything"
		}, "does not match its targetHash"},
		// A term no context defines is dropped from the canonical form, so
		// the hash still matches: only the term check catches it.
		{"v2 added term no context defines", "v2-testnet-valid-2.0.json", func(d map[string]any) {
			d["grade"] = "A+"
		}, "data its hash does not cover"},
		{"v3 added term no context defines", "v3-testnet-v3-did.json", func(d map[string]any) {
			d["credentialSubject"].(map[string]any)["honours"] = "first class"
		}, "data its hash does not cover"},
		{"v2 proof step", "v2-mainnet-valid-2.0.json", func(d map[string]any) {
			d["signature"].(map[string]any)["proof"].([]any)[0] = map[string]any{"right": strings.Repeat("ab", 32)}
		}, "does not lead from the targetHash"},
		{"v2 proof step side", "v2-mainnet-valid-2.0.json", func(d map[string]any) {
			p := d["signature"].(map[string]any)["proof"].([]any)
			p[0] = map[string]any{"left": p[0].(map[string]any)["right"]}
		}, "does not lead from the targetHash"},
		{"v2 merkle root", "v2-mainnet-valid-2.0.json", func(d map[string]any) {
			d["signature"].(map[string]any)["merkleRoot"] = strings.Repeat("00", 32)
		}, "does not lead from the targetHash"},
		{"v2 target hash not hex", "v2-mainnet-valid-2.0.json", func(d map[string]any) {
			d["signature"].(map[string]any)["targetHash"] = "zz"
		}, "does not match its targetHash"},
		{"v2 proof step without side", "v2-mainnet-valid-2.0.json", func(d map[string]any) {
			d["signature"].(map[string]any)["proof"].([]any)[0] = map[string]any{"up": "00"}
		}, "neither \"left\" nor \"right\""},
		{"v3 subject name", "v3-testnet-v3-did.json", func(d map[string]any) {
			d["credentialSubject"].(map[string]any)["name"] = "Mallory"
		}, "does not match its targetHash"},
		{"v3 issuance date", "v3-ethereum-sepolia-v3.json", func(d map[string]any) {
			d["issuanceDate"] = "2020-01-01T00:00:00Z"
		}, "does not match its targetHash"},
		{"v3 proofValue not base58btc", "v3-testnet-v3-did.json", func(d map[string]any) {
			d["proof"].(map[string]any)["proofValue"] = "u" + d["proof"].(map[string]any)["proofValue"].(string)[1:]
		}, "must start with 'z'"},
		{"v3 proofValue cut short", "v3-testnet-v3-did.json", func(d map[string]any) {
			pv := d["proof"].(map[string]any)["proofValue"].(string)
			d["proof"].(map[string]any)["proofValue"] = pv[:len(pv)/2]
		}, "proofValue"},
		{"v3 proof purpose", "v3-testnet-v3-did.json", func(d map[string]any) {
			d["proof"].(map[string]any)["proofPurpose"] = "authentication"
		}, "not \"assertionMethod\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadCert(t, tt.file)
			tt.change(doc)
			r, err := v.Verify(context.Background(), doc)
			require.NoError(t, err)
			require.Equal(t, SigInvalid, r.Signature)
			require.Contains(t, strings.Join(r.Errors, "\n"), tt.errPart)
		})
	}
}

func TestUnknownContextIsUnsupported(t *testing.T) {
	l, err := ld.NewLoader()
	require.NoError(t, err)
	doc := loadCert(t, "v3-testnet-v3-did.json")
	ctxs := doc["@context"].([]any)
	for i, c := range ctxs {
		if c == "https://w3id.org/blockcerts/v3" {
			ctxs[i] = "https://w3id.org/blockcerts/v99" // a context Skillpass does not ship
		}
	}
	r, err := New(ld.NewProcessor(l), nil).Verify(context.Background(), doc)
	require.NoError(t, err)
	require.Equal(t, SigUnsupported, r.Signature)
	require.Contains(t, strings.Join(r.Errors, "\n"), "https://w3id.org/blockcerts/v99")
}

func TestVerifyDoesNotModify(t *testing.T) {
	v := New(testProcessor(t), nil)
	for _, f := range []string{"v2-testnet-valid-2.0.json", "v3-testnet-v3-did.json", "v3-mocknet-v3-valid.json"} {
		doc := loadCert(t, f)
		before := ld.Copy(doc)
		_, err := v.Verify(context.Background(), doc)
		require.NoError(t, err)
		require.Equal(t, before, doc, f)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		doc  map[string]any
		want bool
	}{
		{"nil", nil, false},
		{"empty", map[string]any{}, false},
		{"v2 signature", map[string]any{"signature": map[string]any{"type": []any{"MerkleProof2017", "Extension"}}}, true},
		{"v2 signature string type", map[string]any{"signature": map[string]any{"type": "MerkleProof2017"}}, true},
		{"v3 proof", map[string]any{"proof": map[string]any{"type": "MerkleProof2019"}}, true},
		{"v3 chained proof", map[string]any{"proof": []any{
			map[string]any{"type": "Ed25519Signature2020"},
			map[string]any{"type": "ChainedProof2021", "chainedProofType": "MerkleProof2019"},
		}}, true},
		{"other chained proof", map[string]any{"proof": []any{map[string]any{"type": "ChainedProof2021", "chainedProofType": "Ed25519Signature2020"}}}, false},
		{"ordinary VC", map[string]any{"proof": map[string]any{"type": "DataIntegrityProof"}}, false},
		{"Open Badges 2.0 hosted", map[string]any{"type": "Assertion", "verification": map[string]any{"type": "hosted"}}, false},
		{"OpenAttestation", map[string]any{"signature": map[string]any{"type": "SHA3MerkleProof"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, Detect(tt.doc))
		})
	}
	_, err := New(testProcessor(t), nil).Verify(context.Background(), map[string]any{"type": "VerifiableCredential"})
	require.ErrorIs(t, err, ErrNotBlockcerts)
}

func TestDecodeProofValue(t *testing.T) {
	doc := loadCert(t, "v3-ethereum-sepolia-v3.json")
	rc, err := DecodeProofValue(doc["proof"].(map[string]any)["proofValue"].(string))
	require.NoError(t, err)
	// A batch of one: the root is the target, the path empty.
	require.Equal(t, rc.TargetHash, rc.MerkleRoot)
	require.Empty(t, rc.Path)
	require.Equal(t, []Anchor{{Chain: "ethereumSepolia", TxID: "0x1f615470024000c3ab532ed74c5a60b8f6c2feb6489a67be20f103831996f9ab"}}, rc.Anchors)
	require.NoError(t, CheckPath(rc))

	doc = loadCert(t, "v3-testnet-v3-did.json")
	rc, err = DecodeProofValue(doc["proof"].(map[string]any)["proofValue"].(string))
	require.NoError(t, err)
	require.Len(t, rc.Path, 1)
	require.Equal(t, "bitcoinTestnet", rc.Anchors[0].Chain)
	require.NoError(t, CheckPath(rc))

	for _, bad := range []string{"", "z", "z0OIl", "zzzz", "z" + strings.Repeat("2", maxProofValue)} {
		_, err := DecodeProofValue(bad)
		require.Error(t, err, bad)
	}
}

func TestCheckPath(t *testing.T) {
	// A batch of two: leaves a and b, root sha256(a||b).
	a, b := strings.Repeat("11", 32), strings.Repeat("22", 32)
	ab, _ := hex.DecodeString(a + b)
	root := sha256Hex(ab)
	require.NoError(t, CheckPath(&Receipt{TargetHash: a, MerkleRoot: root, Path: []Step{{Hash: b}}}))
	require.NoError(t, CheckPath(&Receipt{TargetHash: b, MerkleRoot: root, Path: []Step{{Left: true, Hash: a}}}))
	require.Error(t, CheckPath(&Receipt{TargetHash: b, MerkleRoot: root, Path: []Step{{Hash: a}}}), "wrong side")
	require.Error(t, CheckPath(&Receipt{TargetHash: a, MerkleRoot: root}), "missing step")
	require.Error(t, CheckPath(&Receipt{TargetHash: a, MerkleRoot: root, Path: []Step{{Hash: "22"}}}), "short hash")
}

// TestAnchor reads transactions from an offline dir (the real DirFetcher)
// for a version 2 certificate whose anchor is pointed at them; the anchor
// sits in the signature, outside the hashed document.
func TestAnchor(t *testing.T) {
	doc := loadCert(t, "v2-mainnet-valid-2.0.json")
	sig := doc["signature"].(map[string]any)
	root, err := hex.DecodeString(sig["merkleRoot"].(string))
	require.NoError(t, err)
	other := make([]byte, 32)

	dir := t.TempDir()
	carries, carriesID := rawTx(t, false, []byte{0x76, 0xa9}, opReturn(root))
	segwit, segwitID := rawTx(t, true, opReturn(root))
	wrong, wrongID := rawTx(t, false, opReturn(other))
	none, noneID := rawTx(t, false, []byte{0x76, 0xa9})
	writeFile(t, dir, "blockstream.info/api/tx/"+carriesID+"/hex", []byte(hex.EncodeToString(carries)+"\n"))
	writeFile(t, dir, "blockstream.info/testnet/api/tx/"+segwitID+"/hex", []byte(hex.EncodeToString(segwit)))
	writeFile(t, dir, "blockstream.info/api/tx/"+wrongID+"/hex", []byte(hex.EncodeToString(wrong)))
	writeFile(t, dir, "blockstream.info/api/tx/"+noneID+"/hex", []byte(hex.EncodeToString(none)))
	// A file under another transaction's id.
	writeFile(t, dir, "blockstream.info/api/tx/"+strings.Repeat("ab", 32)+"/hex", []byte(hex.EncodeToString(carries)))
	writeFile(t, dir, "eth.blockscout.com/api/v2/transactions/0xfeed", []byte(`{"hash":"0xfeed","raw_input":"0x`+hex.EncodeToString(root)+`"}`))
	writeFile(t, dir, "eth.blockscout.com/api/v2/transactions/0xbeef", []byte(`{"jsonrpc":"2.0","result":{"hash":"0xbeef","input":"0x`+hex.EncodeToString(other)+`"}}`))

	tests := []struct {
		name    string
		anchor  map[string]any
		fetcher did.Fetcher
		want    string
		errPart string
	}{
		{"bitcoin mainnet carries the root", map[string]any{"sourceId": carriesID, "type": "BTCOpReturn", "chain": "bitcoinMainnet"}, did.DirFetcher(dir), AnchorOK, ""},
		{"segwit testnet carries the root", map[string]any{"sourceId": segwitID, "type": "BTCOpReturn", "chain": "bitcoinTestnet"}, did.DirFetcher(dir), AnchorOK, ""},
		{"no chain named: mainnet, then testnet", map[string]any{"sourceId": segwitID, "type": "BTCOpReturn"}, did.DirFetcher(dir), AnchorOK, ""},
		{"carries another root", map[string]any{"sourceId": wrongID, "type": "BTCOpReturn", "chain": "bitcoinMainnet"}, did.DirFetcher(dir), AnchorMismatch, "does not carry the certificate's Merkle root"},
		{"carries no OP_RETURN", map[string]any{"sourceId": noneID, "type": "BTCOpReturn", "chain": "bitcoinMainnet"}, did.DirFetcher(dir), AnchorMismatch, "does not carry"},
		{"file is another transaction", map[string]any{"sourceId": strings.Repeat("ab", 32), "type": "BTCOpReturn", "chain": "bitcoinMainnet"}, did.DirFetcher(dir), AnchorUnknown, "it is transaction " + carriesID},
		{"no local copy", map[string]any{"sourceId": strings.Repeat("cd", 32), "type": "BTCOpReturn", "chain": "bitcoinMainnet"}, did.DirFetcher(dir), AnchorUnknown, "could not be read"},
		{"offline", map[string]any{"sourceId": carriesID, "type": "BTCOpReturn", "chain": "bitcoinMainnet"}, nil, AnchorUnknown, "--offline-dir"},
		{"ethereum carries the root", map[string]any{"sourceId": "0xfeed", "type": "ETHData", "chain": "ethereumMainnet"}, did.DirFetcher(dir), AnchorOK, ""},
		{"ethereum carries another root", map[string]any{"sourceId": "0xbeef", "type": "ETHData", "chain": "ethereumMainnet"}, did.DirFetcher(dir), AnchorMismatch, "does not carry"},
		{"retired chain", map[string]any{"sourceId": "0xfeed", "type": "ETHData", "chain": "ethereumRopsten"}, did.DirFetcher(dir), AnchorUnknown, "cannot be checked"},
		{"test chain", map[string]any{"sourceId": "x", "type": "BTCOpReturn", "chain": "mockchain"}, did.DirFetcher(dir), AnchorUnknown, "test chain"},
		{"txid with a path", map[string]any{"sourceId": "../x", "type": "BTCOpReturn", "chain": "bitcoinMainnet"}, did.DirFetcher(dir), AnchorUnknown, "cannot be checked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ld.Copy(doc).(map[string]any)
			d["signature"].(map[string]any)["anchors"] = []any{tt.anchor}
			r, err := New(testProcessor(t), tt.fetcher).Verify(context.Background(), d)
			require.NoError(t, err)
			require.Equal(t, SigOK, r.Signature, "the anchor is not part of the hashed document")
			require.Equal(t, tt.want, r.Anchor, r.Errors)
			if tt.errPart != "" {
				require.Contains(t, strings.Join(r.Errors, "\n"), tt.errPart)
			}
		})
	}
}

// TestParseBitcoinGenesis reads the coinbase transaction of Bitcoin's
// genesis block, whose id is well known.
func TestParseBitcoinGenesis(t *testing.T) {
	raw, err := hex.DecodeString("01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000")
	require.NoError(t, err)
	tx, err := parseBitcoinTx(raw)
	require.NoError(t, err)
	require.Equal(t, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", tx.id)
	require.Empty(t, tx.opReturns)

	for n := 0; n < len(raw); n++ {
		_, err := parseBitcoinTx(raw[:n])
		require.Error(t, err, "truncated at %d", n)
	}
	_, err = parseBitcoinTx(append(raw, 0))
	require.Error(t, err, "trailing byte")
}

// TestRevocation reads version 2 revocation lists from an offline dir.
func TestRevocation(t *testing.T) {
	doc := loadCert(t, "v2-testnet-valid-2.0.json")
	id := doc["id"].(string)
	listURL := "www.blockcerts.org/samples/2.0/revocation-list-testnet.json"

	revoked := t.TempDir()
	writeFile(t, revoked, listURL, []byte(`{"type":"RevocationList","revokedAssertions":[{"id":"`+id+`","revocationReason":"Issued in error."}]}`))
	standing := t.TempDir()
	writeFile(t, standing, listURL, []byte(`{"type":"RevocationList","revokedAssertions":[{"id":"urn:uuid:other"}]}`))
	broken := t.TempDir()
	writeFile(t, broken, listURL, []byte(`not json`))

	// The mainnet sample names no list: its issuer profile does.
	mainnet := loadCert(t, "v2-mainnet-valid-2.0.json")
	profileDir := t.TempDir()
	writeFile(t, profileDir, "blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e.json",
		[]byte(`{"id":"https://blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e.json","revocationList":"https://blockcerts.learningmachine.com/issuer/revocation.json"}`))
	writeFile(t, profileDir, "blockcerts.learningmachine.com/issuer/revocation.json",
		[]byte(`{"revokedAssertions":[{"id":"`+mainnet["id"].(string)+`"}]}`))
	noListDir := t.TempDir()
	writeFile(t, noListDir, "blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e.json", []byte(`{"name":"no list"}`))

	tests := []struct {
		name    string
		doc     map[string]any
		fetcher did.Fetcher
		want    string
		errPart string
	}{
		{"listed", doc, did.DirFetcher(revoked), StatusRevoked, "Issued in error."},
		{"not listed", doc, did.DirFetcher(standing), StatusOK, ""},
		{"list unreadable", doc, did.DirFetcher(broken), StatusUnknown, "cannot be read"},
		{"list missing", doc, did.DirFetcher(t.TempDir()), StatusUnknown, "could not be read"},
		{"offline", doc, nil, StatusUnknown, "--offline-dir"},
		{"list named by the profile", mainnet, did.DirFetcher(profileDir), StatusRevoked, "has revoked"},
		{"profile names no list", mainnet, did.DirFetcher(noListDir), StatusNone, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(testProcessor(t), tt.fetcher).Verify(context.Background(), tt.doc)
			require.NoError(t, err)
			require.Equal(t, tt.want, r.Status)
			if tt.errPart != "" {
				require.Contains(t, strings.Join(r.Errors, "\n"), tt.errPart)
			}
		})
	}
}

func TestDates(t *testing.T) {
	v := New(testProcessor(t), nil)
	r, err := v.Verify(context.Background(), loadCert(t, "v2-testnet-valid-2.0.json"))
	require.NoError(t, err)
	require.Equal(t, []Date{{Field: "issuedOn", Value: "2017-06-29T14:58:57.461422+00:00"}}, r.Dates)
	r, err = v.Verify(context.Background(), loadCert(t, "v3-testnet-v3-did.json"))
	require.NoError(t, err)
	require.Equal(t, []Date{{Field: "issuanceDate", Value: "2022-02-02T15:00:00Z"}}, r.Dates)
}

func TestDateWithoutTime(t *testing.T) {
	r, err := New(testProcessor(t), nil).Verify(context.Background(), loadCert(t, "v2-testnet-tampered-hashes-2.0.json"))
	require.NoError(t, err)
	require.Equal(t, []Date{{Field: "issuedOn", Value: "2017-05-02T00:00:00Z"}}, r.Dates)
}

func TestDescribe(t *testing.T) {
	d := Describe(loadCert(t, "v2-mainnet-valid-2.0.json"))
	require.NotNil(t, d)
	require.Equal(t, "Certified Security Expert", d.Name)
	require.Equal(t, "Learning Machine", d.IssuerName)
	require.Equal(t, "https://blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e.json", d.IssuerID)
	require.Equal(t, "Dimi Arhontidis", d.Recipient)
	require.Equal(t, "2018-02-07T23:52:16.636+00:00", d.Issued)
	require.True(t, strings.HasPrefix(d.Description, "Software developer with 15 years"))

	d = Describe(loadCert(t, "v3-testnet-v3-did.json"))
	require.NotNil(t, d)
	require.Equal(t, Description{
		Name: "V3 issuance", Description: "A v3 working example for test purposes", Criteria: "it has been issued",
		IssuerName: "Hyland Innovation Team", IssuerID: "did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ",
		Recipient: "Julien Fraichot", Issued: "2022-02-02T15:00:00Z",
	}, *d)

	require.Nil(t, Describe(map[string]any{"type": "VerifiableCredential"}))
}

// generator is the compressed public key of private key 1 (the secp256k1
// generator point); its P2PKH addresses are well known.
const generator = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"

func TestP2PKHAddress(t *testing.T) {
	pub, err := hex.DecodeString(generator)
	require.NoError(t, err)
	require.Equal(t, "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", p2pkhAddress(pub, true))
	require.Equal(t, "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r", p2pkhAddress(pub, false))
	uncompressed, err := hex.DecodeString("0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")
	require.NoError(t, err)
	require.Equal(t, "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm", p2pkhAddress(uncompressed, true))
}

// TestIssuerKey anchors a version 2 certificate in a transaction paid by
// the generator's address and checks it against issuer profiles.
func TestIssuerKey(t *testing.T) {
	doc := loadCert(t, "v2-mainnet-valid-2.0.json") // issued 2018-02-07
	root, err := hex.DecodeString(doc["signature"].(map[string]any)["merkleRoot"].(string))
	require.NoError(t, err)
	pub, err := hex.DecodeString(generator)
	require.NoError(t, err)
	scriptSig := append(append([]byte{9}, bytes.Repeat([]byte{0x30}, 9)...), append([]byte{33}, pub...)...)
	tx, id := rawTxFrom(t, false, scriptSig, opReturn(root))
	doc["signature"].(map[string]any)["anchors"] = []any{map[string]any{"sourceId": id, "type": "BTCOpReturn", "chain": "bitcoinMainnet"}}
	const profile = "blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e.json"

	tests := []struct {
		name    string
		profile string // "" for none
		want    string
		errPart string
	}{
		{"listed", `{"publicKey":[{"id":"ecdsa-koblitz-pubkey:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH","created":"2018-01-01T00:00:00Z"}]}`, IssuerConfirmed, ""},
		{"revoked after issuance", `{"publicKey":[{"id":"ecdsa-koblitz-pubkey:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH","revoked":"2019-01-01T00:00:00Z"}]}`, IssuerConfirmed, ""},
		{"revoked before issuance", `{"publicKey":[{"id":"ecdsa-koblitz-pubkey:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH","revoked":"2018-01-01T00:00:00Z"}]}`, IssuerMismatch, "was revoked"},
		{"expired before issuance", `{"publicKey":[{"id":"ecdsa-koblitz-pubkey:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH","expires":"2018-02-01T00:00:00Z"}]}`, IssuerMismatch, "was expired"},
		{"other key", `{"publicKey":[{"id":"ecdsa-koblitz-pubkey:1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm"}]}`, IssuerMismatch, "does not list as its key"},
		{"no keys", `{"name":"x"}`, IssuerUnconfirmed, "lists no keys"},
		{"no profile", "", IssuerUnconfirmed, "could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "blockstream.info/api/tx/"+id+"/hex", []byte(hex.EncodeToString(tx)))
			if tt.profile != "" {
				writeFile(t, dir, profile, []byte(tt.profile))
			}
			r, err := New(testProcessor(t), did.DirFetcher(dir)).Verify(context.Background(), doc)
			require.NoError(t, err)
			require.Equal(t, AnchorOK, r.Anchor, r.Errors)
			require.Equal(t, tt.want, r.Issuer, r.Errors)
			if tt.errPart != "" {
				require.Contains(t, strings.Join(r.Errors, "\n"), tt.errPart)
			}
		})
	}
}
