package passport

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// parseBoth parses doc with our parser and with encoding/json and checks
// they agree: both reject it as JSON, or both accept it with equal values
// (where encoding/json can hold the value: numbers beyond float64 are valid
// JSON it will not decode).
func parseBoth(t testing.TB, doc string) {
	t.Helper()
	var p jparser
	got, err := p.parse(doc)
	if errors.Is(err, errTooDeep) {
		return // deeper than we allow; encoding/json allows more
	}
	if !json.Valid([]byte(doc)) {
		require.Error(t, err, "encoding/json rejects %q", doc)
		return
	}
	require.NoError(t, err, "encoding/json accepts %q", doc)
	var want any
	if json.Unmarshal([]byte(doc), &want) == nil {
		require.Equal(t, want, got.toAny(), "doc %q", doc)
	}
}

func TestParserMatchesEncodingJSON(t *testing.T) {
	docs := []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e-3`, `-12.75E+2`, `"x"`,
		` { "a" : [ 1 , 2 , { "b" : null } ] } `,
		`{"a":1,"a":2}`,                      // duplicate: the last wins
		`"\u00e9\u20ac\ud83d\ude00"`,         // BMP and a surrogate pair
		`"\ud83d"`,                           // lone high surrogate
		`"\ude00x"`,                          // lone low surrogate
		`"\ud83d\u0041"`,                     // high surrogate then a non-surrogate
		`"a\"b\\c\/d\b\f\n\r\t"`,             // every short escape
		"\"caf\xc3\xa9\"",                    // UTF-8
		"\"bad \xff byte\"",                  // invalid UTF-8 becomes U+FFFD
		"\"cut \xe2\x82\"",                   // truncated sequence
		`{"k\u0041y":"v"}`,                   // escaped member name
		`[1,]`, `{"a":1,}`, `{"a"}`, `{a:1}`, // invalid
		`01`, `1.`, `.5`, `-`, `1e`, `+1`, // invalid numbers
		`"\x"`, `"\u12"`, `"\u12G4"`, "\"\t\"", // invalid strings
		`"unterminated`, `[`, `{"a":`, `tru`, `nul`, `[] []`, ``, ` `,
		`{"a":[]} x`,
	}
	for _, d := range docs {
		t.Run(d, func(t *testing.T) { parseBoth(t, d) })
	}
}

func TestParserDepthLimit(t *testing.T) {
	var p jparser
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	_, err := p.parse(deep)
	require.ErrorIs(t, err, errTooDeep)

	ok := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	_, err = p.parse(ok)
	require.NoError(t, err)
}

func TestParserReuse(t *testing.T) {
	// One parser, many documents: each tree is right while it is current.
	var p jparser
	for _, d := range []string{`{"a":"x\ny","b":[1,2]}`, `{"c":{"d":"é"}}`, `[{"e":"\u0041"}]`} {
		parseBoth(t, d)
		var want any
		require.NoError(t, json.Unmarshal([]byte(d), &want))
		got, err := p.parse(d)
		require.NoError(t, err)
		require.Equal(t, want, got.toAny())
	}
}

func TestFromAnyMatchesParse(t *testing.T) {
	doc := `{"s":"é\"","n":-1.25,"b":true,"z":null,"a":[1,"two",{"x":[]}],"o":{"k":"v"}}`
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc), &m))
	v, err := fromAny(m)
	require.NoError(t, err)
	require.Equal(t, any(m), v.toAny())
	require.Equal(t, "v", v.get("o").get("k").text())
	require.Equal(t, "-1.25", v.get("n").text())

	// Go values a caller may build by hand.
	v, err = fromAny(map[string]any{"tags": []string{"a", "b"}, "list": []map[string]any{{"id": "x"}},
		"m": map[string]string{"k": "v"}, "i": 3, "f": struct{}{}})
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, v.get("tags").strs())
	require.Equal(t, "x", v.get("list").items2()[0].ref())
	require.Equal(t, "v", v.get("m").get("k").text())
	require.Equal(t, "3", v.get("i").text())
	require.Equal(t, jNull, v.get("f").kind())
}

func TestValueAccessors(t *testing.T) {
	var p jparser
	v, err := p.parse(`{"type":["A","B"],"one":"x","many":["x",2,"y"],"ref":{"id":"urn:1"},"null":null}`)
	require.NoError(t, err)
	require.True(t, v.hasType("B"))
	require.False(t, v.hasType("C"))
	require.Equal(t, []string{"x"}, v.get("one").strs())
	require.Equal(t, []string{"x", "y"}, v.get("many").strs())
	require.Equal(t, "urn:1", v.get("ref").ref())
	require.Equal(t, "x", v.get("one").ref())
	require.Empty(t, v.get("null").items2())
	require.Empty(t, v.get("missing").items2())
	require.False(t, v.get("missing").get("deeper").ok())
	require.Equal(t, "", v.get("many").text())
}

// items2 collects items() for assertions.
func (v jv) items2() []jv {
	var out []jv
	for x := range v.items() {
		out = append(out, x)
	}
	return out
}

func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":"\u00e9"}]}`, `"\ud83d\ude00"`, `[1e5,-0.5,true,false,null]`,
		"\"\xff\"", `{"a":1,"a":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		parseBoth(t, doc)
	})
}
