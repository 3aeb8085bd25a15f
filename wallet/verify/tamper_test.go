package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// step is one key or index on the way to a JSON value.
type step struct {
	key   string
	index int // used when key is ""
}

func (s step) String() string {
	if s.key != "" {
		return "." + s.key
	}
	return fmt.Sprintf("[%d]", s.index)
}

func pathString(p []step) string {
	var b strings.Builder
	for _, s := range p {
		b.WriteString(s.String())
	}
	return b.String()
}

// leaves returns the path of every scalar (string, number, bool, null) in v.
func leaves(v any, prefix []step) [][]step {
	var out [][]step
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			out = append(out, leaves(x, append(append([]step(nil), prefix...), step{key: k}))...)
		}
	case []any:
		for i, x := range t {
			out = append(out, leaves(x, append(append([]step(nil), prefix...), step{index: i}))...)
		}
	default:
		out = append(out, prefix)
	}
	return out
}

// tamper returns a copy of doc with the leaf at path changed (del false) or
// removed (del true: the key deleted, or the element cut from its list).
func tamper(doc map[string]any, path []step, del bool) map[string]any {
	out := copyDoc(doc)
	var parent any = out
	for _, s := range path[:len(path)-1] {
		if s.key != "" {
			parent = parent.(map[string]any)[s.key]
		} else {
			parent = parent.([]any)[s.index]
		}
	}
	last := path[len(path)-1]
	if last.key != "" {
		m := parent.(map[string]any)
		if del {
			delete(m, last.key)
		} else {
			m[last.key] = changed(m[last.key])
		}
		return out
	}
	l := parent.([]any)
	if !del {
		l[last.index] = changed(l[last.index])
		return out
	}
	cut := append(append([]any(nil), l[:last.index]...), l[last.index+1:]...)
	// Put the shortened list where the old one was.
	if len(path) == 1 {
		return out
	}
	var grand any = out
	for _, s := range path[:len(path)-2] {
		if s.key != "" {
			grand = grand.(map[string]any)[s.key]
		} else {
			grand = grand.([]any)[s.index]
		}
	}
	if p := path[len(path)-2]; p.key != "" {
		grand.(map[string]any)[p.key] = cut
	} else {
		grand.([]any)[p.index] = cut
	}
	return out
}

// changed returns a different value of the same JSON type.
func changed(v any) any {
	switch t := v.(type) {
	case string:
		return t + "x"
	case float64:
		return t + 1
	case bool:
		return !t
	case nil:
		return "x"
	}
	panic(fmt.Sprintf("not a leaf: %T", v))
}

// TestTamperEveryLeaf changes, then deletes, each value of each signed and
// valid credential in turn. No changed value may verify. A deletion may
// only verify when it leaves the signed RDF dataset as it was — a statement
// the credential makes twice (complete.json repeats its issuer profile and
// endorsements), or a context nothing uses — which any RDF canonicalization
// signature accepts by design; the test proves that with the canonical
// N-Quads of both documents.
func TestTamperEveryLeaf(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every value of every fixture")
	}
	v := newVerifier(t, Options{Challenge: "c-9", Domain: "employer.example"})
	issuer, holder := newEdKey(t, 1), newEdKey(t, 9)
	p256 := newP256(t)
	bbs := newBBSKey(t)
	bbsSigned := bbs2020(bbs).sign(t, credV1(bbs.did, ctxBBS))
	auth := ed2020(holder)
	auth.purpose, auth.challenge, auth.domain = relAuthentication, "c-9", "employer.example"
	signed := map[string]map[string]any{
		"Ed25519Signature2018":              ed2018(issuer).sign(t, credV1(issuer.did)),
		"JsonWebSignature2020 P-256":        jws2020P256(p256).sign(t, credV1(p256.did, ctxJWS2020)),
		"BbsBlsSignature2020":               bbsSigned,
		"BbsBlsSignatureProof2020":          deriveBBS(t, bbs, bbsSigned),
		"eddsa-rdfc-2022 did:key":           signDI(t, v, credV2(issuer.did), issuer, issuer.vm, dataintegrity.ProofOptions{}),
		"presentation Ed25519Signature2020": auth.sign(t, presV1(holder.did, ed2020(issuer).sign(t, credV1(issuer.did, ctxEd2020)))),
	}
	for _, f := range []string{"simple.json", "complete.json", "simple-did-key-method.json", "simple_v1.json"} {
		signed[f] = mustMap(t, fixture(t, f))
	}
	for name, doc := range signed {
		t.Run(name, func(t *testing.T) {
			r := verifyDoc(t, v, doc)
			require.Equal(t, SigOK, r.Checks.Signature, "errors: %q", r.Errors)
			require.Equal(t, ValidOK, r.Checks.Validity)
			require.NotEqual(t, IssuerMismatch, r.Checks.Issuer)
			original := canonicalWithoutProof(t, v, doc)

			paths := leaves(doc, nil)
			require.Greater(t, len(paths), 20)
			type job struct {
				path []step
				del  bool
			}
			jobs := make(chan job)
			var mu sync.Mutex
			var survivors, sameMeaning []string
			var wg sync.WaitGroup
			for range runtime.GOMAXPROCS(0) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := range jobs {
						tampered := tamper(doc, j.path, j.del)
						data, err := json.Marshal(tampered)
						if err != nil {
							panic(err) // values decoded from JSON always encode
						}
						r, err := v.Verify(context.Background(), data)
						if err != nil {
							// No longer a credential at all (its type was changed).
							if !errors.Is(err, ErrNotCredential) {
								mu.Lock()
								survivors = append(survivors, fmt.Sprintf("%s: error %v", pathString(j.path), err))
								mu.Unlock()
							}
							continue
						}
						if !r.Verified && r.Checks.Signature != SigOK {
							continue
						}
						what := fmt.Sprintf("changed %s: %+v", pathString(j.path), r.Checks)
						if j.del {
							what = fmt.Sprintf("deleted %s: %+v", pathString(j.path), r.Checks)
						}
						same := false
						if j.del {
							bare := copyDoc(tampered)
							delete(bare, "proof")
							c, err := v.proc.Canonize(bare)
							same = err == nil && c == original
						}
						mu.Lock()
						if same {
							sameMeaning = append(sameMeaning, what)
						} else {
							survivors = append(survivors, what)
						}
						mu.Unlock()
					}
				}()
			}
			for _, p := range paths {
				jobs <- job{p, false}
				jobs <- job{p, true}
			}
			close(jobs)
			wg.Wait()
			require.Empty(t, survivors, "tampered credentials that still verify")
			t.Logf("%d values, %d deletions that leave the signed dataset unchanged", len(paths), len(sameMeaning))
		})
	}
}

// canonicalWithoutProof returns the canonical N-Quads of doc without its
// proof: what a Data Integrity or Linked Data signature covers.
func canonicalWithoutProof(t testing.TB, v *Verifier, doc map[string]any) string {
	t.Helper()
	bare := copyDoc(doc)
	delete(bare, "proof")
	c, err := v.proc.Canonize(bare)
	require.NoError(t, err)
	return c
}
