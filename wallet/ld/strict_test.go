package ld_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/ld"
)

func TestCheckDefinedAcceptsFixtures(t *testing.T) {
	p := ld.NewProcessor(testLoader(t))
	for _, name := range ob30JSON {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, p.CheckDefined(fixture(t, name)))
		})
	}
}

func TestCheckDefinedFindsDroppedTerms(t *testing.T) {
	p := ld.NewProcessor(testLoader(t))
	ex := func(s string) string { return "https://example.org/" + s }
	tests := []struct {
		name string
		doc  func(t *testing.T) map[string]any
		err  error
		path string
	}{
		{"VC 1.1 achievement property", func(t *testing.T) map[string]any {
			d := fixture(t, "simple_v1.json")
			at(t, d, "credentialSubject", "achievement").(map[string]any)["fooBar"] = "x"
			return d
		}, ld.ErrUndefinedTerm, "credentialSubject.achievement.fooBar"},
		{"VC 2.0 subject property", func(t *testing.T) map[string]any {
			d := fixture(t, "complete.json")
			at(t, d, "credentialSubject").(map[string]any)["fooBar"] = "x"
			return d
		}, ld.ErrUndefinedTerm, "credentialSubject.fooBar"},
		{"property in an array element", func(t *testing.T) map[string]any {
			d := fixture(t, "complete.json")
			at(t, d, "credentialSubject", "achievement", "alignment", 1).(map[string]any)["fooBar"] = "x"
			return d
		}, ld.ErrUndefinedTerm, "credentialSubject.achievement.alignment[1].fooBar"},
		{"undefined type", func(t *testing.T) map[string]any {
			d := fixture(t, "simple.json")
			at(t, d, "credentialSubject").(map[string]any)["type"] = []any{"AchievementSubject", "Weird"}
			return d
		}, ld.ErrUndefinedTerm, "credentialSubject.type[1]"},
		{"undefined vocabulary value", func(t *testing.T) map[string]any {
			d := fixture(t, "simple.json")
			at(t, d, "proof", 0).(map[string]any)["proofPurpose"] = "bogusPurpose"
			return d
		}, ld.ErrUndefinedTerm, "proof[0].proofPurpose"},
		{"keyword look-alike", func(t *testing.T) map[string]any {
			d := fixture(t, "simple.json")
			at(t, d, "credentialSubject").(map[string]any)["@foo"] = "x"
			return d
		}, ld.ErrUndefinedTerm, "credentialSubject.@foo"},
		{"undefined term inside a presentation's credential", func(t *testing.T) map[string]any {
			vc := fixture(t, "simple.json")
			at(t, vc, "credentialSubject").(map[string]any)["fooBar"] = "x"
			return map[string]any{
				"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
				"type":                 "VerifiablePresentation",
				"verifiableCredential": []any{vc},
			}
		}, ld.ErrUndefinedTerm, "verifiableCredential[0].credentialSubject.fooBar"},
		{"undefined parent reported, not its children", func(t *testing.T) map[string]any {
			return map[string]any{"@context": map[string]any{"a": ex("a")}, "a": "x", "z": map[string]any{"y": "x"}}
		}, ld.ErrUndefinedTerm, "z"},
		{"context reset to null", func(t *testing.T) map[string]any {
			return map[string]any{"@context": map[string]any{"a": ex("a")}, "a": map[string]any{"@context": nil, "b": "x"}}
		}, ld.ErrUndefinedTerm, "a.b"},
		{"@vocab reset to null", func(t *testing.T) map[string]any {
			return map[string]any{"@context": map[string]any{"@vocab": ex("")}, "a": map[string]any{"@context": map[string]any{"@vocab": nil}, "b": "x"}}
		}, ld.ErrUndefinedTerm, "a.b"},
		{"term defined as null", func(t *testing.T) map[string]any {
			return map[string]any{"@context": map[string]any{"a": ex("a"), "b": nil}, "a": "x", "b": "x"}
		}, ld.ErrUndefinedTerm, "b"},
		{"term with a null @id", func(t *testing.T) map[string]any {
			return map[string]any{"@context": map[string]any{"a": ex("a"), "b": map[string]any{"@id": nil}}, "a": "x", "b": "x"}
		}, ld.ErrUndefinedTerm, "b"},
		{"datatype not defined", func(t *testing.T) map[string]any {
			return map[string]any{"@context": map[string]any{"a": ex("a")}, "a": map[string]any{"@value": "x", "@type": "Foo"}}
		}, ld.ErrUndefinedTerm, "a.@type"},
		// "x" is defined under a (property-scoped context) and not under b,
		// and the other way round: the report must name the right one.
		{"same name, undefined second", func(t *testing.T) map[string]any {
			return map[string]any{
				"@context": map[string]any{"a": map[string]any{"@id": ex("a"), "@context": map[string]any{"x": ex("x")}}, "b": ex("b")},
				"a":        map[string]any{"x": "1"}, "b": map[string]any{"x": "2"},
			}
		}, ld.ErrUndefinedTerm, "b.x"},
		{"same name, undefined first", func(t *testing.T) map[string]any {
			return map[string]any{
				"@context": map[string]any{"b": map[string]any{"@id": ex("b"), "@context": map[string]any{"x": ex("x")}}, "a": ex("a")},
				"a":        map[string]any{"x": "1"}, "b": map[string]any{"x": "2"},
			}
		}, ld.ErrUndefinedTerm, "a.x"},
		{"relative id", func(t *testing.T) map[string]any {
			d := fixture(t, "simple.json")
			at(t, d, "credentialSubject").(map[string]any)["id"] = "relative/id"
			return d
		}, ld.ErrDroppedValue, "credentialSubject.id"},
		{"malformed IRI", func(t *testing.T) map[string]any {
			d := fixture(t, "simple.json")
			at(t, d, "issuer").(map[string]any)["id"] = "https://exa mple.com/issuer"
			return d
		}, ld.ErrDroppedValue, "issuer.id"},
		{"malformed language tag", func(t *testing.T) map[string]any {
			d := fixture(t, "simple.json")
			d["name"] = map[string]any{"@value": "Teamwork", "@language": "en US"}
			return d
		}, ld.ErrDroppedValue, "name.@language"},
		{"terms mapped by @vocab are defined", func(t *testing.T) map[string]any {
			return map[string]any{"@context": map[string]any{"@vocab": ex("")}, "anything": map[string]any{"atAll": "x"}}
		}, nil, ""},
		{"JSON literals are not checked", func(t *testing.T) map[string]any {
			return map[string]any{"@context": map[string]any{"j": map[string]any{"@id": ex("j"), "@type": "@json"}}, "j": map[string]any{"free": "form"}}
		}, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.doc(t)
			err := p.CheckDefined(doc)
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
			require.ErrorContains(t, err, " at "+tc.path)
			require.True(t, len(err.Error()) > len(tc.path))
			require.Equal(t, " at "+tc.path, err.Error()[len(err.Error())-len(tc.path)-4:])
		})
	}
}

// TestUndefinedTermsAreUnsigned shows why CheckDefined matters: an undefined
// term does not change the canonical form, so a signature cannot cover it.
func TestUndefinedTermsAreUnsigned(t *testing.T) {
	p := ld.NewProcessor(testLoader(t))
	doc := fixture(t, "simple_v1.json")
	before, err := p.Canonize(doc)
	require.NoError(t, err)
	at(t, doc, "credentialSubject", "achievement").(map[string]any)["fooBar"] = "anything"
	after, err := p.Canonize(doc)
	require.NoError(t, err)
	require.Equal(t, before, after)
	require.ErrorIs(t, p.CheckDefined(doc), ld.ErrUndefinedTerm)
}
