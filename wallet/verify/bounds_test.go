package verify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v3"
	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// TestPresentationCredentialCap: a presentation of more than
// MaxPresentationCredentials credentials is not verified and none of them is
// checked; one at the cap is verified as usual.
func TestPresentationCredentialCap(t *testing.T) {
	issuer, holder := newEdKey(t, 51), newEdKey(t, 52)
	v := newVerifier(t, Options{})
	vcJWT := signJWT(t, gojose.EdDSA, issuer.priv, vcClaims(issuer.did), map[string]any{"kid": issuer.vm})
	cred := ed2020(issuer).sign(t, credV1(issuer.did, ctxEd2020))
	auth := ed2020(holder)
	auth.purpose = relAuthentication

	members := func(n int, m any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = m
		}
		return out
	}
	vpJWT := func(n int) []byte {
		return []byte(signJWT(t, gojose.EdDSA, holder.priv, map[string]any{
			"iss": holder.did, "exp": float64(testNow.Add(time.Hour).Unix()),
			"vp": map[string]any{
				"@context": []any{contextV1}, "type": []any{"VerifiablePresentation"},
				"verifiableCredential": members(n, vcJWT),
			},
		}, map[string]any{"kid": holder.vm}))
	}
	vpLD := func(n int) []byte {
		return mustJSON(t, auth.sign(t, presV1(holder.did, members(n, cred)...)))
	}

	tests := []struct {
		name     string
		data     []byte
		verified bool
		members  int
	}{
		{"VP-JWT at the cap", vpJWT(MaxPresentationCredentials), true, MaxPresentationCredentials},
		{"VP-JWT over the cap", vpJWT(MaxPresentationCredentials + 1), false, 0},
		{"JSON-LD presentation with a few", vpLD(2), true, 2},
		{"JSON-LD presentation over the cap", vpLD(MaxPresentationCredentials + 1), false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := verifyBytes(t, v, tc.data)
			require.Equal(t, KindPresentation, r.Kind)
			require.Equal(t, tc.verified, r.Verified, "errors: %q", r.Errors)
			require.Len(t, r.Credentials, tc.members)
			for _, c := range r.Credentials {
				require.True(t, c.Verified, "%q", c.Errors)
			}
			if tc.verified {
				require.Empty(t, r.Errors)
				return
			}
			// The holder's own proof still counts; only the size refuses it.
			require.Equal(t, SigOK, r.Checks.Signature, "errors: %q", r.Errors)
			errorsContain(t, r, fmt.Sprintf("holds %d credentials", MaxPresentationCredentials+1),
				fmt.Sprintf("at most %d per presentation", MaxPresentationCredentials))
		})
	}
}

// TestNestedPresentations: a presentation listed as a member of another is
// refused unchecked, and presentations reached through credentials (a CLR
// transcript listing a VP-JWT) are checked only MaxPresentationNesting deep.
func TestNestedPresentations(t *testing.T) {
	issuer, holder := newEdKey(t, 53), newEdKey(t, 54)
	var fetches atomic.Int32
	v := newVerifier(t, Options{Fetcher: did.FetcherFunc(func(context.Context, string) ([]byte, error) {
		fetches.Add(1)
		return nil, errors.New("offline")
	})})
	vcJWT := signJWT(t, gojose.EdDSA, issuer.priv, vcClaims(issuer.did), map[string]any{"kid": issuer.vm})
	vpJWT := func(kid string, members ...any) string {
		return signJWT(t, gojose.EdDSA, holder.priv, map[string]any{
			"iss": holder.did,
			"vp": map[string]any{
				"@context": []any{contextV1}, "type": []any{"VerifiablePresentation"},
				"verifiableCredential": members,
			},
		}, map[string]any{"kid": kid})
	}
	clr := func(members ...any) map[string]any {
		return map[string]any{
			"@context":          []any{contextV1},
			"type":              []any{"VerifiableCredential", "ClrCredential"},
			"issuer":            issuer.did,
			"issuanceDate":      "2024-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": "did:example:learner-1", "verifiableCredential": members},
		}
	}

	t.Run("a presentation as a member", func(t *testing.T) {
		// The inner presentation's key is a did:web one: checking it would
		// fetch the DID document.
		inner := vpJWT("did:web:holder.test#key-1", vcJWT)
		r := verifyBytes(t, v, []byte(vpJWT(holder.vm, inner)))
		require.Len(t, r.Credentials, 1)
		m := r.Credentials[0]
		require.False(t, m.Verified)
		require.Empty(t, m.Credentials)
		require.Equal(t, []string{msgNotMember(0, "is a presentation, not a credential")}, m.Errors)
		require.Zero(t, fetches.Load(), "the inner presentation was checked")
		require.False(t, r.Verified)
	})

	t.Run("presentations inside transcripts", func(t *testing.T) {
		// depth 1: the outer VP-JWT; 2: the VP-JWT in its transcript; 3: the
		// VP-JWT in that one's transcript.
		third := vpJWT(holder.vm, vcJWT)
		second := vpJWT(holder.vm, clr(third))
		first := vpJWT(holder.vm, clr(second))
		r := verifyBytes(t, v, []byte(first))

		path := []*Result{r}
		cur := r
		for range 4 {
			require.Len(t, cur.Credentials, 1, "errors: %q", cur.Errors)
			cur = &cur.Credentials[0]
			path = append(path, cur)
		}
		kinds := make([]string, len(path))
		for i, p := range path {
			kinds[i] = p.Kind
		}
		require.Equal(t, []string{KindPresentation, KindCredential, KindPresentation, KindCredential, KindPresentation}, kinds)
		middle := path[2]
		require.Equal(t, SigOK, middle.Checks.Signature, "%q", middle.Errors)
		require.NotContains(t, middle.Errors, msgNestedTooDeep())

		deepest := path[4]
		require.Empty(t, deepest.Credentials)
		require.False(t, deepest.Verified)
		require.Equal(t, SigOK, deepest.Checks.Signature, "%q", deepest.Errors)
		require.Contains(t, deepest.Errors, msgNestedTooDeep())
		require.False(t, r.Verified)
	})
}

// poisonSubject returns the graph of the W3C RDF canonicalization test
// test074c (ten blank nodes, each related to all by one predicate; package
// ld's testdata, W3C licence) as a credential subject: blank node e0 with
// the others nested in it.
func poisonSubject(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "ld", "testdata", "rdfc10", "test074-in.nq"))
	require.NoError(t, err)
	nodes := make(map[string]map[string]any)
	node := func(label string) map[string]any {
		if nodes[label] == nil {
			nodes[label] = map[string]any{"id": label}
		}
		return nodes[label]
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		require.Len(t, f, 4, "line %q", line)
		pred := strings.Trim(f[1], "<>")
		s := node(f[0])
		objs, _ := s[pred].([]any)
		s[pred] = append(objs, map[string]any{"id": f[2]})
	}
	require.Len(t, nodes, 10)
	subject := nodes["_:e0"]
	// Nest every other node (with its relations) once, under e0.
	for label, n := range nodes {
		if label != "_:e0" {
			subject["https://skillpass.test/member"] = append(asList(subject["https://skillpass.test/member"]), n)
		}
	}
	return subject
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// TestPoisonCredential: a credential whose subject is test074c's blank node
// clique is refused by the canonicalization limits, quickly, before its
// (made up) eddsa-rdfc-2022 proof could be checked.
func TestPoisonCredential(t *testing.T) {
	k := newEdKey(t, 55)
	v := newVerifier(t, Options{})
	cred := map[string]any{
		"@context":          []any{contextV2},
		"type":              []any{"VerifiableCredential"},
		"issuer":            k.did,
		"validFrom":         "2024-01-01T00:00:00Z",
		"credentialSubject": poisonSubject(t),
		"proof": map[string]any{
			"type": dataintegrity.ProofType, "cryptosuite": dataintegrity.Cryptosuite,
			"created": created.Format(time.RFC3339), "verificationMethod": k.vm,
			"proofPurpose": relAssertion, "proofValue": "z" + base58.Encode(make([]byte, 64)),
		},
	}
	r := verifyDoc(t, v, cred)
	require.False(t, r.Verified)
	require.Equal(t, SigInvalid, r.Checks.Signature, "errors: %q", r.Errors)
	errorsContain(t, r, "MaxHashingWork")
}

// TestPoisonCredentialAries sends the poison graph under a proof aries
// checks (Ed25519Signature2020): our limits must refuse it before aries'
// canonicalization, which has none and would not return.
func TestPoisonCredentialAries(t *testing.T) {
	k := newEdKey(t, 56)
	v := newVerifier(t, Options{})
	cred := map[string]any{
		"@context":          []any{contextV1, ctxEd2020},
		"type":              []any{"VerifiableCredential"},
		"issuer":            k.did,
		"issuanceDate":      "2024-01-01T00:00:00Z",
		"credentialSubject": poisonSubject(t),
		"proof": map[string]any{
			"type": "Ed25519Signature2020", "created": created.Format(time.RFC3339),
			"verificationMethod": k.vm, "proofPurpose": relAssertion,
			"proofValue": "z" + base58.Encode(make([]byte, 64)),
		},
	}
	r := verifyDoc(t, v, cred)
	require.False(t, r.Verified)
	require.Equal(t, SigInvalid, r.Checks.Signature, "errors: %q", r.Errors)
	errorsContain(t, r, "MaxHashingWork")
	errorsContain(t, r, "beyond what Skillpass will process")
}
