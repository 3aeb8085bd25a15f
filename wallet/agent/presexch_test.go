package agent

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// sampleVC is a credential the matching tests read.
const sampleVC = `{
  "@context": ["https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
  "id": "urn:uuid:1",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "did:key:z6Mkissuer", "name": "Example Training"},
  "issuanceDate": "2025-03-01T10:00:00Z",
  "credentialSubject": {
    "id": "did:key:z6Mklearner",
    "achievement": {"name": "Teamwork", "level": 3, "tags": ["soft", "group"]},
    "results": [{"value": "A"}, {"value": "B"}],
    "creditsEarned": 12.5
  }
}`

func sample(t *testing.T) map[string]any {
	t.Helper()
	var vc map[string]any
	require.NoError(t, json.Unmarshal([]byte(sampleVC), &vc))
	return vc
}

func TestParsePath(t *testing.T) {
	tests := []struct {
		path  string
		names [][]string // the names of every hit in sampleVC
		bad   bool
	}{
		{path: "$.credentialSubject.achievement.name", names: [][]string{{"credentialSubject", "achievement", "name"}}},
		{path: "$['credentialSubject']['achievement'].name", names: [][]string{{"credentialSubject", "achievement", "name"}}},
		{path: `$["issuer"]["id"]`, names: [][]string{{"issuer", "id"}}},
		{path: "$.credentialSubject.results[*].value", names: [][]string{{"credentialSubject", "results", "value"}, {"credentialSubject", "results", "value"}}},
		{path: "$.credentialSubject.results[1].value", names: [][]string{{"credentialSubject", "results", "value"}}},
		{path: "$.credentialSubject.results[5].value"},
		{path: "$.issuer[0].name", names: [][]string{{"issuer", "name"}}},
		{path: "$.issuer.*", names: [][]string{{"issuer", "id"}, {"issuer", "name"}}},
		{path: "$.nothing.here"},
		{path: "$.type", names: [][]string{{"type"}}},
		{path: "$..name", bad: true},
		{path: "credentialSubject.id", bad: true},
		{path: "$.a[", bad: true},
		{path: "$.a[-1]", bad: true},
		{path: "$.a[1:2]", bad: true},
		{path: "$.a[?(@.x)]", bad: true},
		{path: "$.", bad: true},
		{path: "$['']", bad: true},
	}
	vc := sample(t)
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			steps, err := parsePath(tc.path)
			if tc.bad {
				require.ErrorIs(t, err, errPathUnsupported)
				return
			}
			require.NoError(t, err)
			hits := evalPath(vc, steps, nil)
			var names [][]string
			for _, h := range hits {
				names = append(names, h.names)
			}
			require.Equal(t, tc.names, names)
		})
	}
}

func TestFilter(t *testing.T) {
	tests := []struct {
		name   string
		filter string
		value  string
		want   bool
		bad    bool
	}{
		{name: "no filter", filter: `null`, value: `"x"`, want: true},
		{name: "string const", filter: `{"type":"string","const":"Teamwork"}`, value: `"Teamwork"`, want: true},
		{name: "string const, other", filter: `{"type":"string","const":"Teamwork"}`, value: `"Leadership"`},
		{name: "wrong type", filter: `{"type":"number"}`, value: `"3"`},
		{name: "integer", filter: `{"type":"integer","minimum":3}`, value: `3`, want: true},
		{name: "integer, fraction", filter: `{"type":"integer"}`, value: `3.5`},
		{name: "type list", filter: `{"type":["string","number"]}`, value: `4`, want: true},
		{name: "enum", filter: `{"enum":["A","B"]}`, value: `"B"`, want: true},
		{name: "enum miss", filter: `{"enum":["A","B"]}`, value: `"C"`},
		{name: "pattern", filter: `{"type":"string","pattern":"^did:key:"}`, value: `"did:key:z6Mk"`, want: true},
		{name: "pattern miss", filter: `{"pattern":"^did:web:"}`, value: `"did:key:z6Mk"`},
		{name: "exclusive maximum", filter: `{"exclusiveMaximum":12.5}`, value: `12.5`},
		{name: "maximum", filter: `{"maximum":12.5}`, value: `12.5`, want: true},
		{name: "length", filter: `{"minLength":2,"maxLength":3}`, value: `"abc"`, want: true},
		{name: "length miss", filter: `{"maxLength":2}`, value: `"abc"`},
		{name: "array contains", filter: `{"type":"array","contains":{"const":"OpenBadgeCredential"}}`, value: `["VerifiableCredential","OpenBadgeCredential"]`, want: true},
		{name: "array contains miss", filter: `{"type":"array","contains":{"const":"X"}}`, value: `["VerifiableCredential"]`},
		{name: "element of a list", filter: `{"type":"string","const":"OpenBadgeCredential"}`, value: `["VerifiableCredential","OpenBadgeCredential"]`, want: true},
		{name: "items", filter: `{"items":{"type":"string"}}`, value: `["a","b"]`, want: true},
		{name: "items miss", filter: `{"type":"array","items":{"type":"string"}}`, value: `["a",1]`},
		{name: "date", filter: `{"type":"string","format":"date-time","formatMinimum":"2025-01-01"}`, value: `"2025-03-01T10:00:00Z"`, want: true},
		{name: "date too old", filter: `{"format":"date","formatMinimum":"2025-06-01"}`, value: `"2025-03-01T10:00:00Z"`},
		{name: "not", filter: `{"not":{"const":"revoked"}}`, value: `"active"`, want: true},
		{name: "not miss", filter: `{"not":{"const":"revoked"}}`, value: `"revoked"`},
		{name: "unknown keyword", filter: `{"type":"string","multipleOf":2}`, value: `"x"`, bad: true},
		{name: "unknown format", filter: `{"format":"email"}`, value: `"a@b"`, bad: true},
		{name: "bad pattern", filter: `{"pattern":"("}`, value: `"x"`, bad: true},
		{name: "unknown type", filter: `{"type":"thing"}`, value: `"x"`, bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var f map[string]any
			require.NoError(t, json.Unmarshal([]byte(tc.filter), &f))
			var v any
			require.NoError(t, json.Unmarshal([]byte(tc.value), &v))
			got, err := passes(f, v, 0)
			if tc.bad {
				require.ErrorIs(t, err, errFilterUnsupported)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestMatchDescriptor(t *testing.T) {
	tests := []struct {
		name   string
		desc   string
		match  bool
		claims []string
		bad    bool
	}{
		{name: "no constraints", desc: `{"id":"a"}`, match: true},
		{name: "field", desc: `{"id":"a","constraints":{"fields":[{"path":["$.credentialSubject.achievement.name"],"filter":{"const":"Teamwork"}}]}}`,
			match: true, claims: []string{"credentialSubject.achievement.name"}},
		{name: "second path", desc: `{"id":"a","constraints":{"fields":[{"path":["$.vc.name","$.credentialSubject.creditsEarned"],"filter":{"minimum":10}}]}}`,
			match: true, claims: []string{"credentialSubject.creditsEarned"}},
		{name: "field fails", desc: `{"id":"a","constraints":{"fields":[{"path":["$.credentialSubject.achievement.level"],"filter":{"minimum":4}}]}}`},
		{name: "missing optional field", desc: `{"id":"a","constraints":{"fields":[{"path":["$.x"],"optional":true},{"path":["$.issuer.id"]}]}}`,
			match: true, claims: []string{"issuer.id"}},
		{name: "missing field", desc: `{"id":"a","constraints":{"fields":[{"path":["$.x"]}]}}`},
		{name: "schema by type", desc: `{"id":"a","schema":[{"uri":"https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"}]}`, match: true},
		{name: "schema by context", desc: `{"id":"a","schema":[{"uri":"https://purl.imsglobal.org/spec/ob/v3p0/context.json"}]}`, match: true},
		{name: "other schema", desc: `{"id":"a","schema":[{"uri":"https://example.org/DriverLicense"}]}`},
		{name: "unsupported path", desc: `{"id":"a","constraints":{"fields":[{"path":["$..name"]}]}}`, bad: true},
		{name: "no path", desc: `{"id":"a","constraints":{"fields":[{"filter":{"const":1}}]}}`, bad: true},
	}
	vc := sample(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in pexDescriptor
			require.NoError(t, json.Unmarshal([]byte(tc.desc), &in))
			ok, claims, err := matchDescriptor(&in, vc)
			if tc.bad {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.match, ok)
			require.Equal(t, tc.claims, claims)
		})
	}
}

func TestParsePEXRequest(t *testing.T) {
	def := `{"id":"d","input_descriptors":[{"id":"a"}]}`
	tests := []struct {
		name              string
		raw               string
		challenge, domain string
		wantErr           string
	}{
		{name: "RFC 0510 options", raw: `{"options":{"challenge":"c","domain":"d.example"},"presentation_definition":` + def + `}`, challenge: "c", domain: "d.example"},
		{name: "aries middleware form", raw: `{"challenge":"c2","domain":"e.example","presentation_definition":` + def + `}`, challenge: "c2", domain: "e.example"},
		{name: "bare definition", raw: def},
		{name: "not JSON", raw: `nope`, wantErr: "cannot be read"},
		{name: "no definition", raw: `{"options":{}}`, wantErr: "no presentation_definition"},
		{name: "no descriptors", raw: `{"presentation_definition":{"id":"d","input_descriptors":[]}}`, wantErr: "asks for nothing"},
		{name: "descriptor without id", raw: `{"presentation_definition":{"id":"d","input_descriptors":[{"name":"x"}]}}`, wantErr: "has no id"},
		{name: "duplicate ids", raw: `{"presentation_definition":{"id":"d","input_descriptors":[{"id":"a"},{"id":"a"}]}}`, wantErr: "used twice"},
		{name: "bad limit", raw: `{"presentation_definition":{"id":"d","input_descriptors":[{"id":"a","constraints":{"limit_disclosure":"always"}}]}}`, wantErr: "neither required nor preferred"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, c, dom, err := parsePEXRequest([]byte(tc.raw))
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "d", d.ID)
			require.Equal(t, tc.challenge, c)
			require.Equal(t, tc.domain, dom)
		})
	}
}

func TestAnswerPlan(t *testing.T) {
	bbs := func(id string, claims ...string) Match {
		return Match{CredentialID: id, Selective: true, Claims: claims, Verified: true}
	}
	whole := func(id string) Match { return Match{CredentialID: id, Verified: true} }
	req := func(ds ...Descriptor) *Request { return &Request{Descriptors: ds} }
	def := func(raw string) *pexDefinition {
		var d pexDefinition
		require.NoError(t, json.Unmarshal([]byte(raw), &d))
		return &d
	}
	two := `{"id":"d","input_descriptors":[{"id":"a"},{"id":"b"}]}`
	picked := `{"id":"d","input_descriptors":[{"id":"a","group":["G"]},{"id":"b","group":["G"]}],
		"submission_requirements":[{"rule":"pick","count":1,"from":"G"}]}`
	tests := []struct {
		name    string
		req     *Request
		def     *pexDefinition
		sel     Selection
		want    string // the choices as JSON
		wantErr bool
	}{
		{name: "first match of each", req: req(Descriptor{ID: "a", Matches: []Match{whole("c1"), whole("c2")}}, Descriptor{ID: "b", Matches: []Match{whole("c3")}}),
			def: def(two), want: `[{"ID":"c1","Disclose":null},{"ID":"c3","Disclose":null}]`},
		{name: "selected", req: req(Descriptor{ID: "a", Matches: []Match{whole("c1"), whole("c2")}}, Descriptor{ID: "b", Matches: []Match{whole("c3")}}),
			def: def(two), sel: Selection{"a": "c2"}, want: `[{"ID":"c2","Disclose":null},{"ID":"c3","Disclose":null}]`},
		{name: "one credential for both, claims merged", req: req(Descriptor{ID: "a", LimitDisclosure: "required", Matches: []Match{bbs("c1", "x")}}, Descriptor{ID: "b", LimitDisclosure: "required", Matches: []Match{bbs("c1", "y", "x")}}),
			def: def(two), want: `[{"ID":"c1","Disclose":["x","y"]}]`},
		{name: "whole wins over limited", req: req(Descriptor{ID: "a", LimitDisclosure: "preferred", Matches: []Match{bbs("c1", "x")}}, Descriptor{ID: "b", Matches: []Match{whole("c1")}}),
			def: def(two), want: `[{"ID":"c1","Disclose":null}]`},
		{name: "a descriptor without match", req: req(Descriptor{ID: "a", Matches: []Match{whole("c1")}}, Descriptor{ID: "b"}),
			def: def(two), wantErr: true},
		{name: "whole-only for required", req: req(Descriptor{ID: "a", LimitDisclosure: "required", Matches: []Match{{CredentialID: "c1", Problem: "whole only"}}}, Descriptor{ID: "b", Matches: []Match{whole("c3")}}),
			def: def(two), wantErr: true},
		{name: "selection not among the matches", req: req(Descriptor{ID: "a", Matches: []Match{whole("c1")}}, Descriptor{ID: "b", Matches: []Match{whole("c3")}}),
			def: def(two), sel: Selection{"a": "c3"}, wantErr: true},
		{name: "unknown descriptor selected", req: req(Descriptor{ID: "a", Matches: []Match{whole("c1")}}, Descriptor{ID: "b", Matches: []Match{whole("c3")}}),
			def: def(two), sel: Selection{"z": "c1"}, wantErr: true},
		{name: "pick 1: the first answerable", req: req(Descriptor{ID: "a"}, Descriptor{ID: "b", Matches: []Match{whole("c3")}}),
			def: def(picked), want: `[{"ID":"c3","Disclose":null}]`},
		{name: "pick 1: the selected", req: req(Descriptor{ID: "a", Matches: []Match{whole("c1")}}, Descriptor{ID: "b", Matches: []Match{whole("c3")}}),
			def: def(picked), sel: Selection{"b": "c3"}, want: `[{"ID":"c3","Disclose":null}]`},
		{name: "pick 1: two selected", req: req(Descriptor{ID: "a", Matches: []Match{whole("c1")}}, Descriptor{ID: "b", Matches: []Match{whole("c3")}}),
			def: def(picked), sel: Selection{"a": "c1", "b": "c3"}, wantErr: true},
		{name: "pick 1: none answerable", req: req(Descriptor{ID: "a"}, Descriptor{ID: "b"}),
			def: def(picked), wantErr: true},
		{name: "nested requirements", req: req(Descriptor{ID: "a", Matches: []Match{whole("c1")}}),
			def: def(`{"id":"d","input_descriptors":[{"id":"a","group":["G"]}],"submission_requirements":[{"rule":"all","from_nested":[{"rule":"all","from":"G"}]}]}`), wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := answerPlan(tc.req, tc.def, tc.sel)
			if tc.wantErr {
				require.ErrorIs(t, err, ErrCannotAnswer)
				return
			}
			require.NoError(t, err)
			raw, err := json.Marshal(got)
			require.NoError(t, err)
			require.JSONEq(t, tc.want, string(raw))
		})
	}
}
