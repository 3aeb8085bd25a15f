package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	gojose "github.com/go-jose/go-jose/v3"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// allPaths returns the path of every value in v (objects and lists too).
func allPaths(v any, prefix []step) [][]step {
	var out [][]step
	if len(prefix) > 0 {
		out = append(out, prefix)
	}
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			out = append(out, allPaths(x, append(append([]step(nil), prefix...), step{key: k}))...)
		}
	case []any:
		for i, x := range t {
			out = append(out, allPaths(x, append(append([]step(nil), prefix...), step{index: i}))...)
		}
	}
	return out
}

// replaceAt returns a copy of doc with the value at path replaced by val.
func replaceAt(doc map[string]any, path []step, val any) map[string]any {
	out := copyDoc(doc)
	var parent any = out
	for _, s := range path[:len(path)-1] {
		if s.key != "" {
			parent = parent.(map[string]any)[s.key]
		} else {
			parent = parent.([]any)[s.index]
		}
	}
	if last := path[len(path)-1]; last.key != "" {
		parent.(map[string]any)[last.key] = val
	} else {
		parent.([]any)[last.index] = val
	}
	return out
}

// TestNoPanics replaces every value of signed credentials and presentations
// of each proof kind with values of other JSON types: the verifier must
// answer (never panic), and never with a verified result.
func TestNoPanics(t *testing.T) {
	v := newVerifier(t, Options{Challenge: "c", Domain: "d"})
	ed, holder := newEdKey(t, 81), newEdKey(t, 82)
	p256 := newP256(t)
	bbs := newBBSKey(t)
	cred := ed2020(ed).sign(t, credV1(ed.did, ctxEd2020))
	auth := ed2020(holder)
	auth.purpose, auth.challenge, auth.domain = relAuthentication, "c", "d"
	docs := map[string]map[string]any{
		"simple_v1.json":        mustMap(t, fixture(t, "simple_v1.json")),
		"simple.json":           mustMap(t, fixture(t, "simple.json")),
		"JsonWebSignature2020":  jws2020P256(p256).sign(t, credV1(p256.did, ctxJWS2020)),
		"BbsBlsSignatureProof":  deriveBBS(t, bbs, bbs2020(bbs).sign(t, credV1(bbs.did, ctxBBS))),
		"presentation":          auth.sign(t, presV1(holder.did, cred)),
		"DataIntegrity VC 2.0":  signDI(t, v, credV2(ed.did), ed, ed.vm, dataintegrity.ProofOptions{}),
		"VC-JWT payload as doc": vcClaims(ed.did),
	}
	weird := []any{nil, []any{}, map[string]any{}, float64(-1), 1e300, true, "", []any{nil, "x"}}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			for _, p := range allPaths(doc, nil) {
				for _, w := range weird {
					data, err := json.Marshal(replaceAt(doc, p, w))
					require.NoError(t, err)
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Fatalf("panic with %s = %v: %v", pathString(p), w, r)
							}
						}()
						r, err := v.Verify(context.Background(), data)
						if err != nil {
							require.ErrorIs(t, err, ErrNotCredential)
							return
						}
						require.NotEmpty(t, r.Errors, "%s = %v gave no error", pathString(p), w)
					}()
				}
			}
		})
	}

	// JWT headers of every shape.
	for i, hdr := range []map[string]any{
		{"alg": float64(1)}, {"alg": "EdDSA", "kid": float64(3)}, {"alg": "EdDSA", "kid": "did:key:"},
		{"alg": "EdDSA", "kid": "did:web:"}, {"alg": "EdDSA", "jwk": "x"}, {"alg": "ES256", "jwk": map[string]any{"kty": "EC"}},
		{"alg": "EdDSA", "crit": []any{"exp"}, "kid": ed.vm}, {"alg": "EdDSA", "b64": false, "kid": ed.vm},
		{"alg": "RS256", "jwk": map[string]any{"kty": "RSA", "n": "AQAB", "e": "AQAB"}},
	} {
		token := unsecured(t, hdr, vcClaims(ed.did), "c2ln")
		r := verifyBytes(t, v, []byte(token))
		require.False(t, r.Verified, "header %d", i)
		require.NotEmpty(t, r.Errors)
	}
	// A signed JWT whose vc claim has odd types.
	for i, vc := range []any{map[string]any{"credentialSubject": "x", "type": float64(1)}, map[string]any{"issuer": []any{1}}} {
		token := signJWT(t, gojose.EdDSA, ed.priv, map[string]any{"vc": vc, "iss": ed.did, "nbf": "soon", "exp": []any{}}, nil)
		r := verifyBytes(t, v, []byte(token))
		require.False(t, r.Verified, "vc %d", i)
	}
}

// FuzzVerify feeds arbitrary bytes to Verify, seeded with every fixture.
func FuzzVerify(f *testing.F) {
	for _, name := range []string{"simple.json", "simple_v1.json", "simple.jwt", "simple-noproof.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"type":"VerifiablePresentation","verifiableCredential":["a.b.c",{"type":"VerifiableCredential"}]}`))
	v := newVerifier(f, Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := v.Verify(context.Background(), data)
		if err != nil {
			if r != nil {
				t.Fatal("result with error")
			}
			return
		}
		if r.Errors == nil {
			t.Fatal(fmt.Sprintf("nil errors for %q", data))
		}
	})
}

// TestConcurrentUse verifies credentials of every kind from several
// goroutines at once with one Verifier; every verdict must stay right (BBS+
// verification in aries is not safe for concurrent use on its own).
func TestConcurrentUse(t *testing.T) {
	v := newVerifier(t, Options{})
	ed := newEdKey(t, 91)
	bbs := newBBSKey(t)
	bbsSigned := bbs2020(bbs).sign(t, credV1(bbs.did, ctxBBS))
	inputs := [][]byte{
		mustJSON(t, bbsSigned),
		mustJSON(t, deriveBBS(t, bbs, bbsSigned)),
		mustJSON(t, signDI(t, v, credV2(ed.did), ed, ed.vm, dataintegrity.ProofOptions{})),
		mustJSON(t, jws2020Ed(ed).sign(t, credV1(ed.did, ctxJWS2020))),
		fixture(t, "simple_v1.json"),
		fixture(t, "simple.json"),
		[]byte(signJWT(t, gojose.EdDSA, ed.priv, vcClaims(ed.did), map[string]any{"kid": ed.vm})),
	}
	errs := make(chan error, 64)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 * len(inputs) {
				in := inputs[(i+g)%len(inputs)]
				r, err := v.Verify(context.Background(), in)
				if err == nil && !r.Verified {
					err = fmt.Errorf("input %d not verified: %q", (i+g)%len(inputs), r.Errors)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
