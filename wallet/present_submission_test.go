package wallet

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/qr"
)

// sp1Baseline is the QR version of presentations made by this wallet
// (fixtures simple.json / simple_v1.json, testChallenge, testDomain) as
// measured on 2026-11-27, before presentations could carry a
// presentation_submission: 19 for one badge, 22 for both. A presentation
// without a submission must not need a larger code.
var sp1Baseline = map[int]int{1: 19, 2: 22}

// submissionFor maps descriptor "d<i>" to credential i, each as ldp_vc.
func submissionFor(n int) *Submission {
	s := &Submission{DefinitionID: "hiring-1"}
	for i := range n {
		s.DescriptorMap = append(s.DescriptorMap, DescriptorMapping{
			ID: "d" + string(rune('0'+i)), Format: FormatLDPVC, Path: "$.verifiableCredential[" + string(rune('0'+i)) + "]",
		})
	}
	return s
}

// decodeVP decodes a presentation's JSON.
func decodeVP(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var vp map[string]any
	require.NoError(t, json.Unmarshal(raw, &vp))
	return vp
}

// TestPresentSubmission: a submission is carried as the Presentation
// Exchange presentation_submission, with the submission context and type,
// and the holder's proof covers it: the presentation verifies, and any
// change to the submission after signing (a descriptor, a path, the
// definition, the whole property, the type) makes it fail.
func TestPresentSubmission(t *testing.T) {
	w, v2, v1 := presentWallet(t)
	tests := []struct {
		name    string
		ids     []string
		context []any
	}{
		{"VC 2.0", []string{v2}, []any{contextV2, contextPE}},
		{"VC 1.1", []string{v1}, []any{contextV1, contextDI, contextPE}},
		{"both", []string{v2, v1}, []any{contextV2, contextPE}},
	}
	tampers := []struct {
		name   string
		change func(vp map[string]any)
	}{
		{"descriptor id", func(vp map[string]any) { entry(vp, 0)["id"] = "other" }},
		{"path", func(vp map[string]any) { entry(vp, 0)["path"] = "$.verifiableCredential[1]" }},
		{"format", func(vp map[string]any) { entry(vp, 0)["format"] = "jwt_vc" }},
		{"definition", func(vp map[string]any) {
			vp["presentation_submission"].(map[string]any)["definition_id"] = "hiring-2"
		}},
		{"entry added", func(vp map[string]any) {
			s := vp["presentation_submission"].(map[string]any)
			s["descriptor_map"] = append(s["descriptor_map"].([]any), map[string]any{"id": "x", "format": "ldp_vc", "path": "$.verifiableCredential[0]"})
		}},
		{"submission removed", func(vp map[string]any) { delete(vp, "presentation_submission") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := Choose(tc.ids...)
			req.Challenge, req.Domain = testChallenge, testDomain
			req.Submission = submissionFor(len(tc.ids))
			p, err := w.Present(context.Background(), req)
			require.NoError(t, err)
			require.NotNil(t, p.Submission)
			require.True(t, strings.HasPrefix(p.Submission.ID, "urn:uuid:"), p.Submission.ID)
			require.Equal(t, req.Submission.DescriptorMap, p.Submission.DescriptorMap)
			require.Empty(t, req.Submission.ID, "the caller's submission is not changed")

			vp := decodeVP(t, p.JSON)
			require.Equal(t, tc.context, vp["@context"])
			require.Equal(t, []any{"VerifiablePresentation", "PresentationSubmission"}, vp["type"])
			sub := vp["presentation_submission"].(map[string]any)
			require.Equal(t, p.Submission.ID, sub["id"])
			require.Equal(t, "hiring-1", sub["definition_id"])
			entries := sub["descriptor_map"].([]any)
			require.Len(t, entries, len(tc.ids))
			for i, e := range entries {
				m := e.(map[string]any)
				require.Equal(t, req.Submission.DescriptorMap[i].ID, m["id"])
				require.Equal(t, "ldp_vc", m["format"])
				require.Equal(t, req.Submission.DescriptorMap[i].Path, m["path"])
			}

			ver := employer(t, fixedNow().Add(time.Minute), testChallenge, testDomain)
			r := mustVerify(t, ver, p.JSON)
			require.True(t, r.Verified, "%q", r.Errors)
			require.Len(t, r.Credentials, len(tc.ids))
			for _, tm := range tampers {
				doc := decodeVP(t, p.JSON)
				tm.change(doc)
				raw, err := json.Marshal(doc)
				require.NoError(t, err)
				r := mustVerify(t, ver, raw)
				require.False(t, r.Verified, "%s changed after signing, and the presentation still verified", tm.name)
				require.Equal(t, "invalid", string(r.Checks.Signature), "%s: %q", tm.name, r.Errors)
			}
		})
	}
}

// entry returns descriptor map entry i of a decoded presentation.
func entry(vp map[string]any, i int) map[string]any {
	return vp["presentation_submission"].(map[string]any)["descriptor_map"].([]any)[i].(map[string]any)
}

// TestPresentWithoutSubmission: without a submission the presentation has
// exactly the context, type and properties it had before submissions
// existed, and its SP1 QR code is no larger than then; with one, the code
// grows (the submission is really left out, not merely hidden).
func TestPresentWithoutSubmission(t *testing.T) {
	w, v2, v1 := presentWallet(t)
	tests := []struct {
		name    string
		ids     []string
		context []any
	}{
		{"VC 2.0", []string{v2}, []any{contextV2}},
		{"VC 1.1", []string{v1}, []any{contextV1, contextDI}},
		{"both", []string{v2, v1}, []any{contextV2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := Choose(tc.ids...)
			req.Challenge, req.Domain = testChallenge, testDomain
			plain, err := w.Present(context.Background(), req)
			require.NoError(t, err)
			require.Nil(t, plain.Submission)
			vp := decodeVP(t, plain.JSON)
			keys := make([]string, 0, len(vp))
			for k := range vp {
				keys = append(keys, k)
			}
			require.ElementsMatch(t, []string{"@context", "id", "type", "holder", "verifiableCredential", "proof"}, keys)
			require.Equal(t, tc.context, vp["@context"])
			require.Equal(t, []any{"VerifiablePresentation"}, vp["type"])

			text, err := qr.Encode(plain.JSON)
			require.NoError(t, err)
			_, version, err := qr.PNG(text)
			require.NoError(t, err)
			require.LessOrEqual(t, version, sp1Baseline[len(tc.ids)], "a presentation without a submission needs a larger QR code than before")

			req.Submission = submissionFor(len(tc.ids))
			with, err := w.Present(context.Background(), req)
			require.NoError(t, err)
			withText, err := qr.Encode(with.JSON)
			require.NoError(t, err)
			require.Greater(t, len(withText), len(text))
			back, err := qr.Decode(withText)
			require.NoError(t, err)
			require.JSONEq(t, string(with.JSON), string(back), "SP1 carries the submission too")
		})
	}
}

// TestPresentSubmissionJWT: a VC-JWT credential is mapped as jwt_vc (it
// travels enveloped); ldp_vc for it is refused, and jwt_vc for a JSON-LD
// credential too.
func TestPresentSubmissionJWT(t *testing.T) {
	w, _, v1 := presentWallet(t)
	res, err := w.Import(context.Background(), "badge.jwt", []byte(badgeJWT(t)))
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Nil(t, res[0].Rejected)
	req := Choose(res[0].ID, v1)
	req.Submission = &Submission{ID: "sub-1", DefinitionID: "def", DescriptorMap: []DescriptorMapping{
		{ID: "jwt", Format: FormatJWTVC, Path: "$.verifiableCredential[0]"},
		{ID: "ld", Format: FormatLDPVC, Path: "$.verifiableCredential[1]"},
	}}
	p, err := w.Present(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, "sub-1", p.Submission.ID, "a given id is kept")
	r := mustVerify(t, employer(t, fixedNow().Add(time.Minute), "", ""), p.JSON)
	require.True(t, r.Verified, "%q", r.Errors)

	for i, wrong := range []string{FormatLDPVC, FormatJWTVC} {
		bad := *req.Submission
		bad.DescriptorMap = append([]DescriptorMapping(nil), req.Submission.DescriptorMap...)
		bad.DescriptorMap[i].Format = wrong
		breq := req
		breq.Submission = &bad
		_, err := w.Present(context.Background(), breq)
		require.ErrorIs(t, err, ErrBadRequest)
		require.ErrorContains(t, err, "does not fit credential")
	}
}

// TestPresentSubmissionRefused: submissions that do not fit the chosen
// credentials are refused by Present and PreviewPresentation alike, and
// nothing is logged.
func TestPresentSubmissionRefused(t *testing.T) {
	w, v2, v1 := presentWallet(t)
	one := func(id, format, path string) []DescriptorMapping {
		return []DescriptorMapping{{ID: id, Format: format, Path: path}}
	}
	many := make([]DescriptorMapping, maxDescriptorMap+1)
	for i := range many {
		many[i] = DescriptorMapping{ID: strings.Repeat("x", i+1), Format: FormatLDPVC, Path: "$.verifiableCredential[0]"}
	}
	tests := []struct {
		name string
		sub  Submission
		text string
	}{
		{"no definition", Submission{DescriptorMap: one("a", "ldp_vc", "$.verifiableCredential[0]")}, "no definition_id"},
		{"control character in definition", Submission{DefinitionID: "a\x00b", DescriptorMap: one("a", "ldp_vc", "$.verifiableCredential[0]")}, "definition_id"},
		{"control character in id", Submission{ID: "s\n", DefinitionID: "d", DescriptorMap: one("a", "ldp_vc", "$.verifiableCredential[0]")}, "submission id"},
		{"empty map", Submission{DefinitionID: "d"}, "empty"},
		{"too many entries", Submission{DefinitionID: "d", DescriptorMap: many}, "at most"},
		{"entry without id", Submission{DefinitionID: "d", DescriptorMap: one("", "ldp_vc", "$.verifiableCredential[0]")}, "no id"},
		{"descriptor twice", Submission{DefinitionID: "d", DescriptorMap: []DescriptorMapping{
			{ID: "a", Format: "ldp_vc", Path: "$.verifiableCredential[0]"}, {ID: "a", Format: "ldp_vc", Path: "$.verifiableCredential[1]"},
		}}, "mapped twice"},
		{"path past the credentials", Submission{DefinitionID: "d", DescriptorMap: one("a", "ldp_vc", "$.verifiableCredential[2]")}, "points past"},
		{"path elsewhere", Submission{DefinitionID: "d", DescriptorMap: one("a", "ldp_vc", "$.holder")}, "is not"},
		{"path into a credential", Submission{DefinitionID: "d", DescriptorMap: one("a", "ldp_vc", "$.verifiableCredential[0].issuer")}, "is not"},
		{"path with a leading zero", Submission{DefinitionID: "d", DescriptorMap: one("a", "ldp_vc", "$.verifiableCredential[01]")}, "is not"},
		{"path with a negative index", Submission{DefinitionID: "d", DescriptorMap: one("a", "ldp_vc", "$.verifiableCredential[-1]")}, "is not"},
		{"unknown format", Submission{DefinitionID: "d", DescriptorMap: one("a", "mso_mdoc", "$.verifiableCredential[0]")}, "does not fit"},
		{"no format", Submission{DefinitionID: "d", DescriptorMap: one("a", "", "$.verifiableCredential[0]")}, "does not fit"},
	}
	before, err := w.Activity()
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := Choose(v2, v1)
			req.Submission = &tc.sub
			_, err := w.Present(context.Background(), req)
			require.ErrorIs(t, err, ErrBadRequest)
			require.ErrorContains(t, err, tc.text)
			_, err = w.PreviewPresentation(req)
			require.ErrorIs(t, err, ErrBadRequest)
		})
	}
	after, err := w.Activity()
	require.NoError(t, err)
	require.Equal(t, before, after, "a refused presentation must not be logged")
}
