package ld

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	jsonld "github.com/piprate/json-gold/ld"
	"github.com/stretchr/testify/require"
)

// TestRDFC10Suite runs the W3C RDF Dataset Canonicalization test suite
// (testdata/rdfc10, W3C licence) through the normalization and serialization
// Canonize uses.
func TestRDFC10Suite(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "rdfc10", "manifest.csv"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(rows), 60)
	for _, row := range rows[1:] {
		id, name, hashAlg, kind := row[0], row[1], row[5], row[6]
		t.Run(id+" "+name, func(t *testing.T) {
			if hashAlg != "" {
				t.Skipf("hash algorithm %s: Skillpass only uses SHA-256", hashAlg)
			}
			in, err := os.ReadFile(filepath.Join("testdata", "rdfc10", id+"-in.nq"))
			require.NoError(t, err)
			text, err := unescapeForParser(string(in))
			require.NoError(t, err)
			ds, err := jsonld.ParseNQuads(text)
			require.NoError(t, err)
			restoreBackslashes(ds)
			got, err := canonicalizeDataset(ds)
			switch kind {
			case "RDFC10NegativeEvalTest":
				require.ErrorIs(t, err, ErrTooLarge)
			case "TRUE":
				want, rerr := os.ReadFile(filepath.Join("testdata", "rdfc10", id+"-rdfc10.nq"))
				require.NoError(t, rerr)
				require.NoError(t, err)
				require.Equal(t, string(want), got)
			default:
				t.Skipf("no RDFC-1.0 expectation (%s)", kind)
			}
		})
	}
}

// backslash stands in for a literal backslash while json-gold's parser reads
// a test file: its unescaping (successive replacements) turns \\n into a line
// feed.
const backslash = "\uE000"

// unescapeForParser rewrites the N-Quads escapes json-gold's parser does not
// know (\uXXXX, \UXXXXXXXX, \b, \f, \') into the characters they stand for,
// keeps \" \n \r \t as escapes (the parser knows them), and writes
// backslashes as the stand-in restoreBackslashes undoes.
func unescapeForParser(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		var r rune
		switch c := s[i+1]; c {
		case 'u', 'U':
			n := 4
			if c == 'U' {
				n = 8
			}
			if i+2+n > len(s) {
				return "", fmt.Errorf("short escape at byte %d", i)
			}
			v, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32)
			if err != nil {
				return "", fmt.Errorf("escape at byte %d: %w", i, err)
			}
			r = rune(v)
			i += 1 + n
		case 'b':
			r, i = '\b', i+1
		case 'f':
			r, i = '\f', i+1
		case '\'':
			r, i = '\'', i+1
		case '\\':
			r, i = '\\', i+1
		default:
			b.WriteString(s[i : i+2])
			i++
			continue
		}
		switch r {
		case '\\':
			b.WriteString(backslash)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// restoreBackslashes puts the backslashes unescapeForParser hid back.
func restoreBackslashes(ds *jsonld.RDFDataset) {
	fix := func(n jsonld.Node) {
		switch t := n.(type) {
		case *jsonld.IRI:
			t.Value = strings.ReplaceAll(t.Value, backslash, `\`)
		case *jsonld.Literal:
			t.Value = strings.ReplaceAll(t.Value, backslash, `\`)
			t.Datatype = strings.ReplaceAll(t.Datatype, backslash, `\`)
		}
	}
	for _, qs := range ds.Graphs {
		for _, q := range qs {
			fix(q.Subject)
			fix(q.Predicate)
			fix(q.Object)
			fix(q.Graph)
		}
	}
}
