package wallet

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/ld"
)

// claimPathsOf returns the paths of claims, split into the always-shown,
// the selectable and the unavailable ones.
func claimPathsOf(claims []Claim) (always, selectable, unavailable []string) {
	for _, c := range claims {
		switch {
		case c.Always:
			always = append(always, c.Path)
		case c.Unavailable:
			unavailable = append(unavailable, c.Path)
		default:
			selectable = append(selectable, c.Path)
		}
	}
	return always, selectable, unavailable
}

// checkClaims checks what every list of claims of vc must be: bounded,
// unique paths, one-line previews, each selectable path planned alone
// and each unavailable one refused for want of ids.
func checkClaims(t *testing.T, vc map[string]any, claims []Claim) {
	t.Helper()
	require.LessOrEqual(t, len(claims), MaxClaims)
	seen := map[string]bool{}
	for _, c := range claims {
		require.NotEmpty(t, c.Path)
		require.NotEmpty(t, c.Label, c.Path)
		require.False(t, seen[c.Path], "path %q listed twice", c.Path)
		seen[c.Path] = true
		require.False(t, c.Always && c.Unavailable, c.Path)
		require.True(t, utf8.ValidString(c.Value), c.Path)
		require.LessOrEqual(t, utf8.RuneCountInString(c.Value), MaxClaimValue, c.Path)
		require.Equal(t, -1, strings.IndexFunc(c.Value, unicode.IsControl), "%q: %q", c.Path, c.Value)
		require.Equal(t, strings.TrimSpace(c.Value), c.Value, c.Path)
		_, err := planDisclosure(vc, []string{c.Path})
		if c.Unavailable {
			require.ErrorIs(t, err, ErrNeedsIDs, c.Path)
		} else {
			require.NoError(t, err, c.Path)
		}
	}
}

// TestClaims lists the claims of a BBS+ badge in a real wallet; each one
// offered can be previewed alone, the Always ones with any choice, and a
// presentation of two of them shows those and none of the others; other
// credentials are whole-only.
func TestClaims(t *testing.T) {
	w, v2, id := bbsWallet(t)
	claims, err := w.Claims(id[:12])
	require.NoError(t, err)
	always, selectable, unavailable := claimPathsOf(claims)
	require.Equal(t, []string{"id", "type", "issuer", "issuanceDate", "expirationDate", "credentialSubject.id", "credentialSubject.type"}, always)
	require.Equal(t, []string{
		"credentialSubject.achievement.achievementType", "credentialSubject.achievement.criteria",
		"credentialSubject.achievement.description", "credentialSubject.achievement.name",
		"credentialSubject.activityEndDate", "credentialSubject.activityStartDate", "credentialSubject.creditsEarned",
		"credentialSubject.licenseNumber", "credentialSubject.narrative", "credentialSubject.role", "credentialSubject.term",
		"name",
	}, selectable)
	require.Empty(t, unavailable)

	byPath := map[string]Claim{}
	for _, c := range claims {
		byPath[c.Path] = c
	}
	for path, want := range map[string][2]string{
		"credentialSubject.achievement.name":     {"achievement › name", bbsAchName},
		"credentialSubject.creditsEarned":        {"credits earned", "12"},
		"credentialSubject.activityEndDate":      {"activity end date", bbsEndDate},
		"credentialSubject.achievement.criteria": {"achievement › criteria", "narrative: Passed the 40-hour course and a supervised asses…"},
		"credentialSubject.narrative":            {"narrative", "Completed the course while working part time at the Riversi…"},
		"issuanceDate":                           {"issuance date", bbsIssued},
		"id":                                     {"credential id", bbsCredID},
		"credentialSubject.type":                 {"subject type", "AchievementSubject"},
	} {
		require.Equal(t, want[0], byPath[path].Label, path)
		require.Equal(t, want[1], byPath[path].Value, path)
	}
	rec, err := w.Get(id)
	require.NoError(t, err)
	vc, err := ld.Decode([]byte(rec.Raw))
	require.NoError(t, err)
	checkClaims(t, vc, claims)

	// Each claim offered, alone and with every Always path, previews:
	// the consent names it.
	for _, p := range selectable {
		pv, err := w.PreviewPresentation(PresentRequest{Credentials: []Choice{{ID: id, Disclose: append([]string{p}, always...)}}})
		require.NoError(t, err, p)
		c := pv.Credentials[0]
		require.False(t, c.Whole)
		if rel, under := strings.CutPrefix(p, "credentialSubject."); under {
			require.Condition(t, func() bool {
				for _, got := range c.Claims {
					if got == rel || strings.HasPrefix(got, rel+".") {
						return true
					}
				}
				return false
			}, "%s in %q", p, c.Claims)
		} else {
			require.Contains(t, c.Fields, p)
		}
	}

	// Two claims and the Always paths, as the share screen sends them.
	p, err := w.Present(context.Background(), PresentRequest{Credentials: []Choice{{
		ID: id, Disclose: append([]string{"credentialSubject.achievement.name", "credentialSubject.creditsEarned"}, always...),
	}}})
	require.NoError(t, err)
	require.Equal(t, []string{"achievement.id", "achievement.name", "achievement.type", "creditsEarned", "id", "type"}, p.Preview.Credentials[0].Claims)
	require.Contains(t, string(p.JSON), bbsAchName)
	for _, hidden := range append([]string{bbsEndDate}, bbsHidden...) {
		require.NotContains(t, string(p.JSON), hidden)
	}
	r := mustVerify(t, employer(t, soon(), "", ""), p.JSON)
	require.True(t, r.Verified, "%q", r.Errors)

	_, err = w.Claims(v2)
	require.ErrorIs(t, err, ErrWholeOnly, "an Ed25519 credential is shown whole")
	_, err = w.Claims("no-such-credential")
	require.ErrorIs(t, err, ErrNotFound)
	w.Lock()
	_, err = w.Claims(id)
	require.ErrorIs(t, err, ErrLocked)
}

// TestClaimsWithoutIDs: a claim holding an object without an id is listed
// as unavailable (Present would refuse it); a credential without an id has
// no claim to choose.
func TestClaimsWithoutIDs(t *testing.T) {
	w, _, id := bbsWallet(t, "criteria")
	claims, err := w.Claims(id)
	require.NoError(t, err)
	_, selectable, unavailable := claimPathsOf(claims)
	require.Equal(t, []string{"credentialSubject.achievement.criteria"}, unavailable)
	require.Contains(t, selectable, "credentialSubject.achievement.name")
	_, err = w.PreviewPresentation(PresentRequest{Credentials: []Choice{{ID: id, Disclose: unavailable}}})
	require.ErrorIs(t, err, ErrNeedsIDs, "the wallet refuses what Claims calls unavailable")

	w2, _, id2 := bbsWallet(t, "credential")
	_, err = w2.Claims(id2)
	require.ErrorIs(t, err, ErrWholeOnly)
	require.ErrorIs(t, err, ErrNeedsIDs)
}

// bbsProof is a proof of the type claimsOf looks for (claimsOf reads no
// signature).
var bbsProof = map[string]any{"type": "BbsBlsSignature2020", "proofValue": "x"}

// oddCredential is a BBS+ credential with subject as its credentialSubject
// and extra top-level properties.
func oddCredential(subject any, extra map[string]any) map[string]any {
	vc := map[string]any{
		"@context":          []any{contextV1},
		"id":                "urn:uuid:odd",
		"type":              []any{"VerifiableCredential"},
		"issuer":            "did:example:issuer",
		"credentialSubject": subject,
		"proof":             bbsProof,
	}
	for k, v := range extra {
		if v == nil {
			delete(vc, k)
			continue
		}
		vc[k] = v
	}
	return vc
}

// manyProps is an object with an id and n properties.
func manyProps(n int) map[string]any {
	m := map[string]any{"id": "did:example:s"}
	for i := range n {
		m[fmt.Sprintf("p%04d", i)] = i
	}
	return m
}

// TestClaimsShapes: odd credentials give bounded lists or ErrWholeOnly,
// never a panic, and every list passes checkClaims. The cases are
// FuzzClaims' seeds too.
func TestClaimsShapes(t *testing.T) {
	for _, tc := range claimShapes() {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := json.Marshal(tc.vc)
			require.NoError(t, err)
			vc, err := ld.Decode(raw)
			require.NoError(t, err)
			claims, err := claimsOf(vc)
			if tc.err != nil {
				for _, e := range tc.err {
					require.ErrorIs(t, err, e)
				}
				return
			}
			require.NoError(t, err)
			checkClaims(t, vc, claims)
			_, selectable, unavailable := claimPathsOf(claims)
			if tc.selectable != nil {
				require.Equal(t, tc.selectable, append([]string{}, selectable...))
			}
			require.Equal(t, append([]string{}, tc.unavailable...), append([]string{}, unavailable...))
			if tc.count > 0 {
				require.Len(t, claims, tc.count)
			}
			for path, v := range tc.values {
				found := false
				for _, c := range claims {
					if c.Path == path {
						found = true
						require.Equal(t, v, c.Value, path)
					}
				}
				require.True(t, found, path)
			}
		})
	}
}

// claimShape is one case of TestClaimsShapes.
type claimShape struct {
	name        string
	vc          map[string]any
	err         []error           // the sentinels claimsOf wraps, or none
	selectable  []string          // nil: not checked
	unavailable []string          // checked always
	count       int               // the number of claims, when > 0
	values      map[string]string // previews by path
}

func claimShapes() []claimShape {
	long := strings.Repeat("ab\ncd\t", 200)
	return []claimShape{
		{name: "no proof", vc: oddCredential(map[string]any{"id": "did:example:s"}, map[string]any{"proof": nil}), err: []error{ErrWholeOnly}},
		{name: "Ed25519 proof", vc: oddCredential(map[string]any{"id": "did:example:s"}, map[string]any{"proof": map[string]any{"type": "Ed25519Signature2020"}}), err: []error{ErrWholeOnly}},
		{name: "proof a string", vc: oddCredential(map[string]any{"id": "did:example:s"}, map[string]any{"proof": "BbsBlsSignature2020"}), err: []error{ErrWholeOnly}},
		{name: "no id", vc: oddCredential(map[string]any{"id": "did:example:s"}, map[string]any{"id": nil}), err: []error{ErrWholeOnly, ErrNeedsIDs}},
		{name: "id a number", vc: oddCredential(map[string]any{"id": "did:example:s"}, map[string]any{"id": 7}), err: []error{ErrWholeOnly, ErrNeedsIDs}},
		{name: "subject without id", vc: oddCredential(map[string]any{"name": "x"}, nil), err: []error{ErrWholeOnly, ErrNeedsIDs}},
		{name: "issuer object without id", vc: oddCredential(map[string]any{"id": "did:example:s"}, map[string]any{"issuer": map[string]any{"name": "Acme"}}), err: []error{ErrWholeOnly, ErrNeedsIDs}},
		{name: "proof in a list", vc: oddCredential(map[string]any{"id": "did:example:s", "role": "cook"},
			map[string]any{"proof": []any{map[string]any{"type": "Ed25519Signature2020"}, bbsProof}}),
			selectable: []string{"credentialSubject.role"}},
		{name: "subject a string", vc: oddCredential("did:example:s", nil), selectable: []string{}, count: 3},
		{name: "subject null", vc: oddCredential(nil, nil), selectable: []string{}},
		{name: "no subject", vc: oddCredential(nil, map[string]any{"credentialSubject": nil}), selectable: []string{}, count: 3},
		{name: "subject an empty list", vc: oddCredential([]any{}, nil), selectable: []string{}},
		{name: "subject a list of scalars", vc: oddCredential([]any{1, "x", nil, true}, nil), selectable: []string{}},
		{
			name: "two subjects",
			vc: oddCredential([]any{
				map[string]any{"id": "did:example:a", "role": "cook", "achievement": map[string]any{"id": "urn:x:1", "name": "Baking"}},
				map[string]any{"id": "did:example:b", "term": "Spring", "achievement": map[string]any{"id": "urn:x:2", "name": "Icing", "level": 2}},
			}, nil),
			selectable: []string{"credentialSubject.achievement.level", "credentialSubject.achievement.name", "credentialSubject.role", "credentialSubject.term"},
			values:     map[string]string{"credentialSubject.achievement.name": "Baking, Icing", "credentialSubject.id": "did:example:a, did:example:b"},
		},
		{
			name:       "odd keys skipped",
			vc:         oddCredential(map[string]any{"id": "did:example:s", "a.b": 1, "@foo": 2, " x": 3, "": 4, "proof": 5, "ok": 6}, map[string]any{"c.d": 1}),
			selectable: []string{"credentialSubject.ok"},
		},
		{
			name:        "object without id unavailable, list with one",
			vc:          oddCredential(map[string]any{"id": "did:example:s", "result": []any{map[string]any{"value": "A"}, map[string]any{"id": "urn:r", "value": "B"}}, "score": map[string]any{"value": 3}, "empty": map[string]any{}}, nil),
			selectable:  []string{},
			unavailable: []string{"credentialSubject.empty", "credentialSubject.result", "credentialSubject.score"},
			values:      map[string]string{"credentialSubject.result": "value: A, value: B", "credentialSubject.score": "value: 3"},
		},
		{
			name:       "scalars of every kind",
			vc:         oddCredential(map[string]any{"id": "did:example:s", "n": 1.5, "b": false, "z": nil, "big": 1e21, "list": []any{1, 2, 3, 4, 5}, "nested": []any{[]any{[]any{[]any{"deep"}}}}}, nil),
			selectable: []string{"credentialSubject.b", "credentialSubject.big", "credentialSubject.list", "credentialSubject.n", "credentialSubject.nested", "credentialSubject.z"},
			values: map[string]string{"credentialSubject.n": "1.5", "credentialSubject.b": "false", "credentialSubject.z": "",
				"credentialSubject.big": "1000000000000000000000", "credentialSubject.list": "1, 2, 3 (+2 more)", "credentialSubject.nested": "…"},
		},
		{
			name:       "long text with line breaks",
			vc:         oddCredential(map[string]any{"id": "did:example:s", "note": long, "name": map[string]any{"@value": "Köchin\u2028in\x00 Ausbildung", "@language": "de"}}, nil),
			selectable: []string{"credentialSubject.name", "credentialSubject.note"},
			values: map[string]string{"credentialSubject.note": strings.Repeat("ab cd ", 10)[:MaxClaimValue-1] + "…",
				"credentialSubject.name": "Köchin in Ausbildung"},
		},
		{name: "many properties", vc: oddCredential(manyProps(3*MaxClaims), nil), count: MaxClaims},
		{name: "type a number", vc: oddCredential(map[string]any{"id": "did:example:s", "type": 3, "x": map[string]any{"id": "urn:x", "type": []any{1, "T"}, "y": 1}}, map[string]any{"type": 5}),
			selectable: []string{"credentialSubject.x.y"}},
	}
}

// FuzzClaims: no input makes claimsOf panic, and what it lists passes
// checkClaims.
func FuzzClaims(f *testing.F) {
	for _, tc := range claimShapes() {
		raw, err := json.Marshal(tc.vc)
		require.NoError(f, err)
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		vc, err := ld.Decode(raw)
		if err != nil {
			return
		}
		claims, err := claimsOf(vc)
		if err != nil {
			require.ErrorIs(t, err, ErrWholeOnly)
			return
		}
		checkClaims(t, vc, claims)
	})
}
