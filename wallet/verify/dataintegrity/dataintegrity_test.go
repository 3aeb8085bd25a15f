package dataintegrity_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

func TestVerify1EdTechVectors(t *testing.T) {
	p := processor(t)
	tests := []struct {
		file string
		err  error
	}{
		{"simple.json", nil},
		{"complete.json", nil},
		{"simple-did-key-method.json", nil},
		{"simple-err-proof-value.json", dataintegrity.ErrInvalid},
		{"simple_v1.json", dataintegrity.ErrUnsupported}, // Ed25519Signature2020
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			doc := readJSON(t, filepath.Join(ob30Dir, tc.file))
			before := clone(t, doc)
			ps := proofs(t, doc)
			require.Len(t, ps, 1)
			err := dataintegrity.Verify(p, doc, ps[0], keyOf(t, ps[0]["verificationMethod"].(string)))
			if tc.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.err)
			}
			require.Equal(t, before, doc, "Verify modified its input")
		})
	}
}

// proofOptionsOf turns a W3C proof configuration into ProofOptions.
func proofOptionsOf(t *testing.T, config map[string]any) dataintegrity.ProofOptions {
	t.Helper()
	created, err := time.Parse(time.RFC3339, config["created"].(string))
	require.NoError(t, err)
	o := dataintegrity.ProofOptions{
		VerificationMethod: config["verificationMethod"].(string),
		ProofPurpose:       config["proofPurpose"].(string),
		Created:            created,
	}
	if id, ok := config["id"].(string); ok {
		o.ID = id
	}
	switch prev := config["previousProof"].(type) {
	case string:
		o.PreviousProof = []string{prev}
	case []any:
		for _, x := range prev {
			o.PreviousProof = append(o.PreviousProof, x.(string))
		}
	}
	return o
}

// TestW3CVectors checks canonical forms, hashes, signature and signed
// document of the vc-di-eddsa eddsa-rdfc-2022 vectors byte for byte.
func TestW3CVectors(t *testing.T) {
	p := processor(t)
	pub, priv := keyPair(t, readJSON(t, filepath.Join(vectorsDir, "keyPair.json")))
	tests := []struct{ name, dir, unsigned string }{
		{"alumni credential", "eddsa-rdfc-2022", "unsigned.json"},
		{"employment authorization", filepath.Join("eddsa-rdfc-2022", "employ"), "employmentAuth.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := func(name string) string { return filepath.Join(vectorsDir, tc.dir, name) }
			unsigned := readJSON(t, filepath.Join(vectorsDir, tc.unsigned))
			config := readJSON(t, file("proofConfigDataInt.json"))

			d, err := dataintegrity.ComputeDigest(p, unsigned, config)
			require.NoError(t, err)
			require.Equal(t, readText(t, file("canonDocDataInt.txt")), d.CanonicalDocument)
			require.Equal(t, readText(t, file("proofCanonDataInt.txt")), d.CanonicalProofConfig)
			require.Equal(t, strings.TrimSpace(readText(t, file("docHashDataInt.txt"))), hex.EncodeToString(d.DocumentHash[:]))
			require.Equal(t, strings.TrimSpace(readText(t, file("proofHashDataInt.txt"))), hex.EncodeToString(d.ProofConfigHash[:]))
			require.Equal(t, strings.TrimSpace(readText(t, file("combinedHashDataInt.txt"))), hex.EncodeToString(d.HashData()))
			require.Equal(t, sha256.Sum256([]byte(d.CanonicalDocument)), d.DocumentHash)
			sig := ed25519.Sign(priv, d.HashData())
			require.Equal(t, strings.TrimSpace(readText(t, file("sigHexDataInt.txt"))), hex.EncodeToString(sig))
			require.Equal(t, strings.TrimSpace(readText(t, file("sigBTC58DataInt.txt"))), "z"+base58.Encode(sig))

			signed, err := dataintegrity.Sign(p, unsigned, proofOptionsOf(t, config), priv)
			require.NoError(t, err)
			want := readJSON(t, file("signedDataInt.json"))
			require.Equal(t, want, normalized(t, signed))
			require.NoError(t, dataintegrity.Verify(p, want, want["proof"].(map[string]any), pub))
		})
	}
}

// TestW3CProofSetsAndChains rebuilds the vc-di-eddsa proof set and proof
// chain vectors step by step and verifies every proof of the result.
func TestW3CProofSetsAndChains(t *testing.T) {
	p := processor(t)
	dir := filepath.Join(vectorsDir, "proof-set-chain")
	pairs := readJSON(t, filepath.Join(dir, "multiKeyPairs.json"))
	steps := []struct{ from, config, key, want string }{
		{"unsigned.json", "proofSetConfig1.json", "keyPair1", "signedProofSet1.json"},
		{"signedProofSet1.json", "proofSetConfig2.json", "keyPair2", "signedProofSet2.json"},
		{"signedProofSet2.json", "proofChainConfig1.json", "keyPair3", "signedProofChain1.json"},
		{"signedProofChain1.json", "proofChainConfig2.json", "keyPair4", "signedProofChain2.json"},
	}
	for _, s := range steps {
		t.Run(s.want, func(t *testing.T) {
			_, priv := keyPair(t, pairs[s.key].(map[string]any))
			from := readJSON(t, filepath.Join(dir, s.from))
			signed, err := dataintegrity.Sign(p, from, proofOptionsOf(t, readJSON(t, filepath.Join(dir, s.config))), priv)
			require.NoError(t, err)
			want := readJSON(t, filepath.Join(dir, s.want))
			require.Equal(t, want, normalized(t, signed))
			for i, proof := range proofs(t, want) {
				err := dataintegrity.Verify(p, want, proof, keyOf(t, proof["verificationMethod"].(string)))
				require.NoError(t, err, "proof %d", i)
			}
		})
	}

	// The document the first chained proof signs is the vectors' temporary
	// document: the credential with the two proofs it names.
	temp := readJSON(t, filepath.Join(dir, "proofChainTempDoc1.json"))
	chained := readJSON(t, filepath.Join(dir, "proofChainConfigSigned1.json"))
	d, err := dataintegrity.ComputeDigest(p, temp, chained)
	require.NoError(t, err)
	sig, err := base58.Decode(strings.TrimPrefix(chained["proofValue"].(string), "z"))
	require.NoError(t, err)
	pub3, _ := keyPair(t, pairs["keyPair3"].(map[string]any))
	require.True(t, ed25519.Verify(pub3, d.HashData(), sig))

	// A chained proof fails when a proof it names is missing or altered.
	chain := readJSON(t, filepath.Join(dir, "signedProofChain1.json"))
	last := proofs(t, chain)[2]
	dropped := clone(t, chain)
	dropped["proof"] = dropped["proof"].([]any)[1:]
	require.ErrorIs(t, dataintegrity.Verify(p, dropped, last, pub3), dataintegrity.ErrInvalid)
	altered := clone(t, chain)
	altered["proof"].([]any)[0].(map[string]any)["created"] = "2023-02-24T23:36:39Z"
	require.ErrorIs(t, dataintegrity.Verify(p, altered, last, pub3), dataintegrity.ErrInvalid)
}

func testKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey, string) {
	t.Helper()
	seed := sha256.Sum256([]byte("skillpass dataintegrity test key"))
	priv := ed25519.NewKeyFromSeed(seed[:])
	pub := priv.Public().(ed25519.PublicKey)
	mb := "z" + base58.Encode(append([]byte{0xed, 0x01}, pub...))
	return pub, priv, "did:key:" + mb + "#" + mb
}

func TestSignVerifyRoundTrip(t *testing.T) {
	p := processor(t)
	pub, priv, vm := testKey(t)
	doc := readJSON(t, filepath.Join(ob30Dir, "simple.json"))
	delete(doc, "proof")
	before := clone(t, doc)

	start := time.Now().UTC().Truncate(time.Second)
	signed, err := dataintegrity.Sign(p, doc, dataintegrity.ProofOptions{
		VerificationMethod: vm, Challenge: "c-4711", Domain: "verifier.example",
	}, priv)
	require.NoError(t, err)
	require.Equal(t, before, doc, "Sign modified its input")

	proof := signed["proof"].(map[string]any)
	require.Equal(t, "assertionMethod", proof["proofPurpose"])
	require.Equal(t, "c-4711", proof["challenge"])
	require.Equal(t, "verifier.example", proof["domain"])
	created, err := time.Parse("2006-01-02T15:04:05Z", proof["created"].(string))
	require.NoError(t, err)
	require.False(t, created.Before(start))
	require.WithinDuration(t, start, created, time.Minute)
	require.NoError(t, dataintegrity.Verify(p, signed, proof, pub))

	// Challenge and domain are signed.
	replayed := clone(t, signed)
	replayed["proof"].(map[string]any)["challenge"] = "c-4712"
	require.ErrorIs(t, dataintegrity.Verify(p, replayed, replayed["proof"].(map[string]any), pub), dataintegrity.ErrInvalid)

	// Created is written in UTC with whole seconds.
	at := time.Date(2024, 5, 6, 7, 8, 9, 999, time.FixedZone("CEST", 2*3600))
	signed, err = dataintegrity.Sign(p, doc, dataintegrity.ProofOptions{VerificationMethod: vm, Created: at, ProofPurpose: "authentication"}, priv)
	require.NoError(t, err)
	require.Equal(t, "2024-05-06T05:08:09Z", signed["proof"].(map[string]any)["created"])
	require.Equal(t, "authentication", signed["proof"].(map[string]any)["proofPurpose"])
	require.NoError(t, dataintegrity.Verify(p, signed, signed["proof"].(map[string]any), pub))
}

// TestSignAddsToAProofSet signs a credential that already carries the
// 1EdTech proof: both proofs then verify.
func TestSignAddsToAProofSet(t *testing.T) {
	p := processor(t)
	pub, priv, vm := testKey(t)
	doc := readJSON(t, filepath.Join(ob30Dir, "simple.json"))
	signed, err := dataintegrity.Sign(p, doc, dataintegrity.ProofOptions{VerificationMethod: vm}, priv)
	require.NoError(t, err)
	ps := proofs(t, signed)
	require.Len(t, ps, 2)
	require.NoError(t, dataintegrity.Verify(p, signed, ps[0], keyOf(t, ps[0]["verificationMethod"].(string))))
	require.NoError(t, dataintegrity.Verify(p, signed, ps[1], pub))
	require.Len(t, proofs(t, doc), 1, "Sign modified its input")
}

func TestSignRefuses(t *testing.T) {
	p := processor(t)
	_, priv, vm := testKey(t)
	simple := func(t *testing.T) map[string]any {
		d := readJSON(t, filepath.Join(ob30Dir, "simple.json"))
		delete(d, "proof")
		return d
	}
	tests := []struct {
		name string
		doc  func(t *testing.T) map[string]any
		opts dataintegrity.ProofOptions
		priv ed25519.PrivateKey
		err  error
	}{
		{"short private key", simple, dataintegrity.ProofOptions{VerificationMethod: vm}, priv[:32], nil},
		{"no verification method", simple, dataintegrity.ProofOptions{}, priv, nil},
		{"undefined term", func(t *testing.T) map[string]any {
			d := simple(t)
			d["credentialSubject"].(map[string]any)["fooBar"] = "x"
			return d
		}, dataintegrity.ProofOptions{VerificationMethod: vm}, priv, ld.ErrUndefinedTerm},
		{"contexts without Data Integrity terms", func(t *testing.T) map[string]any {
			return readJSON(t, filepath.Join(ob30Dir, "simple-noproof.json")) // VC 1.1
		}, dataintegrity.ProofOptions{VerificationMethod: vm}, priv, ld.ErrUndefinedTerm},
		{"no @context", func(t *testing.T) map[string]any {
			d := simple(t)
			delete(d, "@context")
			return d
		}, dataintegrity.ProofOptions{VerificationMethod: vm}, priv, nil},
		{"previous proof missing", simple, dataintegrity.ProofOptions{VerificationMethod: vm, PreviousProof: []string{"urn:uuid:nope"}}, priv, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dataintegrity.Sign(p, tc.doc(t), tc.opts, tc.priv)
			require.Error(t, err)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	p := processor(t)
	good := readJSON(t, filepath.Join(ob30Dir, "simple.json"))
	goodKey := keyOf(t, proofs(t, good)[0]["verificationMethod"].(string))
	otherKey, _, _ := testKey(t)
	tests := []struct {
		name   string
		mutate func(doc, proof map[string]any)
		key    ed25519.PublicKey
		err    error // nil: must verify; ErrAny: any error
	}{
		{"unchanged", func(doc, proof map[string]any) {}, goodKey, nil},
		{"other type", func(doc, proof map[string]any) { proof["type"] = "Ed25519Signature2020" }, goodKey, dataintegrity.ErrUnsupported},
		{"other cryptosuite", func(doc, proof map[string]any) { proof["cryptosuite"] = "eddsa-jcs-2022" }, goodKey, dataintegrity.ErrUnsupported},
		{"no cryptosuite", func(doc, proof map[string]any) { delete(proof, "cryptosuite") }, goodKey, dataintegrity.ErrUnsupported},
		{"no proofPurpose", func(doc, proof map[string]any) { delete(proof, "proofPurpose") }, goodKey, dataintegrity.ErrInvalid},
		{"no verificationMethod", func(doc, proof map[string]any) { delete(proof, "verificationMethod") }, goodKey, dataintegrity.ErrInvalid},
		{"created not a dateTime", func(doc, proof map[string]any) { proof["created"] = "yesterday" }, goodKey, dataintegrity.ErrInvalid},
		{"created month 13", func(doc, proof map[string]any) { proof["created"] = "2024-13-20T14:53:19Z" }, goodKey, dataintegrity.ErrInvalid},
		{"no proofValue", func(doc, proof map[string]any) { delete(proof, "proofValue") }, goodKey, dataintegrity.ErrInvalid},
		{"proofValue not base58btc", func(doc, proof map[string]any) { proof["proofValue"] = "u" + proof["proofValue"].(string)[1:] }, goodKey, dataintegrity.ErrInvalid},
		{"proofValue of 63 bytes", func(doc, proof map[string]any) {
			proof["proofValue"] = "z" + base58.Encode(make([]byte, 63))
		}, goodKey, dataintegrity.ErrInvalid},
		{"proofValue far too long", func(doc, proof map[string]any) {
			proof["proofValue"] = "z" + strings.Repeat("2", 100000)
		}, goodKey, dataintegrity.ErrInvalid},
		{"proof @context equal to the document's", func(doc, proof map[string]any) { proof["@context"] = doc["@context"] }, goodKey, nil},
		{"proof @context a prefix of the document's", func(doc, proof map[string]any) {
			proof["@context"] = "https://www.w3.org/ns/credentials/v2"
		}, goodKey, nil},
		{"proof @context not the document's", func(doc, proof map[string]any) {
			proof["@context"] = []any{"https://www.w3.org/ns/credentials/v2", "https://w3id.org/security/data-integrity/v2"}
		}, goodKey, dataintegrity.ErrInvalid},
		{"previousProof naming nothing", func(doc, proof map[string]any) { proof["previousProof"] = "urn:uuid:nope" }, goodKey, dataintegrity.ErrInvalid},
		{"undefined proof option", func(doc, proof map[string]any) { proof["fooBar"] = "unsigned" }, goodKey, dataintegrity.ErrInvalid},
		{"other key", func(doc, proof map[string]any) {}, otherKey, dataintegrity.ErrInvalid},
		{"document changed", func(doc, proof map[string]any) { doc["name"] = "Teamwork Badge!" }, goodKey, dataintegrity.ErrInvalid},
		{"unknown context", func(doc, proof map[string]any) {
			doc["@context"] = append(doc["@context"].([]any), "https://example.org/not-embedded")
		}, goodKey, ld.ErrUnknownContext},
		{"short public key", func(doc, proof map[string]any) {}, goodKey[:31], errAny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := clone(t, good)
			proof := proofs(t, doc)[0]
			tc.mutate(doc, proof)
			err := dataintegrity.Verify(p, doc, proof, tc.key)
			switch tc.err {
			case nil:
				require.NoError(t, err)
			case errAny:
				require.Error(t, err)
				require.NotErrorIs(t, err, dataintegrity.ErrInvalid)
			default:
				require.ErrorIs(t, err, tc.err)
			}
		})
	}
}

var errAny = fmt.Errorf("any error")

// leafPaths lists the path to every leaf (string, number, boolean, null) of v.
func leafPaths(v any, at []any, out *[][]any) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			leafPaths(x, append(append([]any(nil), at...), k), out)
		}
	case []any:
		for i, x := range t {
			leafPaths(x, append(append([]any(nil), at...), i), out)
		}
	default:
		*out = append(*out, at)
	}
}

// changeLeaf changes the leaf at path in doc (in place).
func changeLeaf(t *testing.T, doc map[string]any, path []any) {
	t.Helper()
	var parent any = doc
	for _, step := range path[:len(path)-1] {
		switch s := step.(type) {
		case string:
			parent = parent.(map[string]any)[s]
		case int:
			parent = parent.([]any)[s]
		}
	}
	change := func(v any) any {
		switch x := v.(type) {
		case string:
			return x + "x"
		case float64:
			return x + 1
		case bool:
			return !x
		default:
			return "x"
		}
	}
	switch s := path[len(path)-1].(type) {
	case string:
		m := parent.(map[string]any)
		m[s] = change(m[s])
	case int:
		l := parent.([]any)
		l[s] = change(l[s])
	}
}

// TestTamperEveryLeaf changes each leaf of each valid fixture in turn (the
// credential, its contexts and its proofs) and requires that at least one
// of the document's proofs then fails to verify.
func TestTamperEveryLeaf(t *testing.T) {
	p := processor(t)
	fixtures := map[string]string{
		"simple":               filepath.Join(ob30Dir, "simple.json"),
		"complete":             filepath.Join(ob30Dir, "complete.json"),
		"did:key":              filepath.Join(ob30Dir, "simple-did-key-method.json"),
		"w3c alumni":           filepath.Join(vectorsDir, "eddsa-rdfc-2022", "signedDataInt.json"),
		"w3c employment":       filepath.Join(vectorsDir, "eddsa-rdfc-2022", "employ", "signedDataInt.json"),
		"w3c proof set, chain": filepath.Join(vectorsDir, "proof-set-chain", "signedProofChain2.json"),
	}
	if testing.Short() {
		delete(fixtures, "complete")
	}
	for name, file := range fixtures {
		t.Run(name, func(t *testing.T) {
			original := readJSON(t, file)
			var keys []ed25519.PublicKey
			for _, proof := range proofs(t, original) {
				key := keyOf(t, proof["verificationMethod"].(string))
				require.NoError(t, dataintegrity.Verify(p, original, proof, key))
				keys = append(keys, key)
			}
			var paths [][]any
			leafPaths(original, nil, &paths)
			require.NotEmpty(t, paths)
			for _, path := range paths {
				doc := clone(t, original)
				changeLeaf(t, doc, path)
				failed := false
				for i, proof := range proofs(t, doc) {
					if dataintegrity.Verify(p, doc, proof, keys[i]) != nil {
						failed = true
						break
					}
				}
				require.True(t, failed, "changing %v went unnoticed", path)
			}
		})
	}
}

func BenchmarkVerifySimple(b *testing.B) {
	p := processor(b)
	doc := readJSON(b, filepath.Join(ob30Dir, "simple.json"))
	proof := proofs(b, doc)[0]
	key := keyOf(b, proof["verificationMethod"].(string))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := dataintegrity.Verify(p, doc, proof, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyComplete(b *testing.B) {
	p := processor(b)
	doc := readJSON(b, filepath.Join(ob30Dir, "complete.json"))
	proof := proofs(b, doc)[0]
	key := keyOf(b, proof["verificationMethod"].(string))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := dataintegrity.Verify(p, doc, proof, key); err != nil {
			b.Fatal(err)
		}
	}
}
