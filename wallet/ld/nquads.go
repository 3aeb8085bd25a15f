package ld

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	jsonld "github.com/piprate/json-gold/ld"
)

// ErrUnsupportedText is returned (wrapped) for text json-gold v0.4.2 would
// not canonicalize as RDFC-1.0 requires: an IRI with a character N-Quads
// forbids in IRIs (space, <, >, ", {, }, |, ^, `, \, control characters), or,
// in a statement about a blank node, a literal with a character RDFC-1.0
// escapes but json-gold does not (control characters other than TAB, LF and
// CR; U+FFFE; U+FFFF), because json-gold's blank node hashes would then
// differ from other implementations'. Such documents are refused rather than
// signed or verified with a canonical form nobody else computes.
var ErrUnsupportedText = errors.New("text not representable in canonical N-Quads")

// checkDataset enforces MaxQuads, MaxBlankNodes and MaxHashingWork and refuses
// text json-gold would serialize differently from RDFC-1.0.
func checkDataset(ds *jsonld.RDFDataset) error {
	quads := 0
	for _, qs := range ds.Graphs {
		quads += len(qs)
	}
	if quads > MaxQuads {
		return fmt.Errorf("%w: %d RDF quads (limit %d)", ErrTooLarge, quads, MaxQuads)
	}
	// Blank node -> the quads that mention it, with graph names resolved the
	// way the normalization algorithm will see them.
	mentions := make(map[string][]quadView)
	for graph, qs := range ds.Graphs {
		g := graphNode(graph)
		for _, q := range qs {
			v := quadView{s: q.Subject, p: q.Predicate, o: q.Object, g: g}
			aboutBlank := isBlank(q.Subject) || isBlank(q.Object) || isBlank(g)
			for _, n := range []jsonld.Node{q.Subject, q.Predicate, q.Object, g} {
				if err := checkText(n, aboutBlank); err != nil {
					return err
				}
			}
			for _, n := range []jsonld.Node{q.Subject, q.Object, g} {
				if b, ok := n.(*jsonld.BlankNode); ok {
					ms := mentions[b.Attribute]
					// A node that is both subject and object of one quad is
					// listed once, as RDFC-1.0 says (json-gold lists it
					// twice; for an estimate that makes no difference).
					if len(ms) == 0 || ms[len(ms)-1] != v {
						mentions[b.Attribute] = append(ms, v)
					}
				}
			}
		}
	}
	if len(mentions) > MaxBlankNodes {
		return fmt.Errorf("%w: %d blank nodes (limit %d)", ErrTooLarge, len(mentions), MaxBlankNodes)
	}
	if w := hashingWork(mentions); w > MaxHashingWork {
		return fmt.Errorf("%w: %w (work estimate %d, limit MaxHashingWork %d; give repeated objects an id)", ErrTooLarge, ErrHashingWork, w, MaxHashingWork)
	}
	return nil
}

// hashingWork estimates the cost of RDFC-1.0's N-degree hashing (section
// 4.8), which runs for blank nodes that share their first-degree hash (4.6)
// with another ("ambiguous" nodes) and, in each run, tries every order of each
// set of interchangeable ambiguous neighbours (same position, predicate and
// first-degree hash). The estimate is the sum over ambiguous nodes of r!,
// where r is the size of their largest such set. Measured with json-gold
// v0.4.2 here, one unit costs roughly 0.1-0.2 ms.
func hashingWork(mentions map[string][]quadView) int {
	first := make(map[string][sha256.Size]byte, len(mentions))
	count := make(map[[sha256.Size]byte]int)
	var b strings.Builder
	for id, ms := range mentions {
		lines := make([]string, len(ms))
		for i, m := range ms {
			b.Reset()
			writeQuad(&b, m.s, m.p, m.o, m.g, id)
			lines[i] = b.String()
		}
		sort.Strings(lines)
		h := sha256.Sum256([]byte(strings.Join(lines, "")))
		first[id] = h
		count[h]++
	}
	ambiguous := func(id string) bool { return count[first[id]] > 1 }
	work := 0
	for id, ms := range mentions {
		if !ambiguous(id) {
			continue
		}
		type relKey struct {
			pos  byte
			pred string
			hash [sha256.Size]byte
		}
		sets := make(map[relKey]map[string]bool)
		largest := 1
		for _, m := range ms {
			for _, c := range []struct {
				pos byte
				n   jsonld.Node
			}{{'s', m.s}, {'o', m.o}, {'g', m.g}} {
				bn, ok := c.n.(*jsonld.BlankNode)
				if !ok || bn.Attribute == id || !ambiguous(bn.Attribute) {
					continue
				}
				k := relKey{pos: c.pos, pred: m.p.GetValue(), hash: first[bn.Attribute]}
				if sets[k] == nil {
					sets[k] = make(map[string]bool)
				}
				sets[k][bn.Attribute] = true
				largest = max(largest, len(sets[k]))
			}
		}
		if largest > 12 {
			return MaxHashingWork + 1
		}
		f := 1
		for i := 2; i <= largest; i++ {
			f *= i
		}
		work += f
		if work > MaxHashingWork {
			return work
		}
	}
	return work
}

// valueCounts computes, on an expanded document, the quantity MaxValuePairs
// bounds and the number of property values (each becomes a quad, so more
// than MaxQuads can be refused before RDF conversion). Nodes are told apart
// by @id (nodes sharing one are merged by the RDF conversion), unnamed ones by
// position.
func valueCounts(expanded []any) (pairs, values int) {
	type slot struct{ node, prop string }
	counts := make(map[slot]int)
	unnamed := 0
	var walk func(v any)
	node := func(m map[string]any) string {
		if id, ok := m["@id"].(string); ok {
			return id
		}
		unnamed++
		return "\x00" + strconv.Itoa(unnamed)
	}
	walk = func(v any) {
		switch t := v.(type) {
		case []any:
			for _, x := range t {
				walk(x)
			}
		case map[string]any:
			if _, ok := t["@value"]; ok {
				return
			}
			id := node(t)
			for k, x := range t {
				switch k {
				case "@id", "@index":
				case "@reverse":
					rev, _ := x.(map[string]any)
					for rk, rx := range rev {
						for _, r := range asSlice(rx) {
							if rm, ok := r.(map[string]any); ok {
								counts[slot{node(rm), rk}]++
							}
						}
						walk(rx)
					}
				default:
					if !strings.HasPrefix(k, "@") || k == "@type" {
						counts[slot{id, k}] += len(asSlice(x))
					}
					walk(x)
				}
			}
		}
	}
	walk(expanded)
	for _, n := range counts {
		values += n
		if pairs <= MaxValuePairs {
			pairs += n * n
		}
	}
	return pairs, values
}

func asSlice(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// quadView is a quad with its graph name as a node (nil for the default graph).
type quadView struct{ s, p, o, g jsonld.Node }

func graphNode(name string) jsonld.Node {
	switch {
	case name == "@default" || name == "":
		return nil
	case strings.HasPrefix(name, "_:"):
		return jsonld.NewBlankNode(name)
	default:
		return jsonld.NewIRI(name)
	}
}

func isBlank(n jsonld.Node) bool {
	_, ok := n.(*jsonld.BlankNode)
	return ok
}

// checkText refuses text json-gold would not canonicalize as RDFC-1.0 does
// (see ErrUnsupportedText); aboutBlank tells whether the node's statement
// mentions a blank node.
func checkText(n jsonld.Node, aboutBlank bool) error {
	switch t := n.(type) {
	case *jsonld.IRI:
		if i := strings.IndexFunc(t.Value, forbiddenInIRI); i >= 0 {
			r, _ := utf8.DecodeRuneInString(t.Value[i:])
			return fmt.Errorf("%w: IRI %q holds %U", ErrUnsupportedText, t.Value, r)
		}
	case *jsonld.Literal:
		if i := strings.IndexFunc(t.Datatype, forbiddenInIRI); i >= 0 {
			r, _ := utf8.DecodeRuneInString(t.Datatype[i:])
			return fmt.Errorf("%w: datatype IRI %q holds %U", ErrUnsupportedText, t.Datatype, r)
		}
		if aboutBlank {
			if i := strings.IndexFunc(t.Value, escapedDifferently); i >= 0 {
				r, _ := utf8.DecodeRuneInString(t.Value[i:])
				return fmt.Errorf("%w: literal of a blank node holds %U", ErrUnsupportedText, r)
			}
		}
	}
	return nil
}

// forbiddenInIRI reports the characters N-Quads' IRIREF production excludes.
func forbiddenInIRI(r rune) bool {
	return r <= 0x20 || strings.ContainsRune("<>\"{}|^`\\", r)
}

// escapedDifferently reports the characters RDFC-1.0 writes as \b, \f or
// \uXXXX, which json-gold v0.4.2 writes verbatim (it escapes only \ " LF CR
// TAB).
func escapedDifferently(r rune) bool {
	return uchar(r) || r == '\b' || r == '\f'
}

// uchar reports the characters RDFC-1.0 writes as \uXXXX in literals.
func uchar(r rune) bool {
	return (r < 0x20 && r != '\b' && r != '\t' && r != '\n' && r != '\f' && r != '\r') ||
		r == 0x7f || r == 0xfffe || r == 0xffff
}

// writeQuad writes one quad in canonical N-Quads form (RDFC-1.0 appendix A),
// ending in LF. If self is not empty, blank node self is written _:a and every
// other blank node _:z (the first-degree hash form).
func writeQuad(b *strings.Builder, s, p, o, g jsonld.Node, self string) {
	writeTerm(b, s, self)
	b.WriteByte(' ')
	writeTerm(b, p, self)
	b.WriteByte(' ')
	writeTerm(b, o, self)
	if g != nil {
		b.WriteByte(' ')
		writeTerm(b, g, self)
	}
	b.WriteString(" .\n")
}

func writeTerm(b *strings.Builder, n jsonld.Node, self string) {
	switch t := n.(type) {
	case *jsonld.IRI:
		b.WriteByte('<')
		b.WriteString(t.Value)
		b.WriteByte('>')
	case *jsonld.BlankNode:
		switch {
		case self == "":
			b.WriteString(t.Attribute)
		case t.Attribute == self:
			b.WriteString("_:a")
		default:
			b.WriteString("_:z")
		}
	case *jsonld.Literal:
		b.WriteByte('"')
		writeEscaped(b, t.Value)
		b.WriteByte('"')
		switch {
		case t.Datatype == jsonld.RDFLangString:
			b.WriteByte('@')
			b.WriteString(t.Language)
		case t.Datatype != jsonld.XSDString && t.Datatype != "":
			b.WriteString("^^<")
			b.WriteString(t.Datatype)
			b.WriteByte('>')
		}
	}
}

// writeEscaped writes a string literal body as RDFC-1.0 appendix A requires:
// ECHAR for BS, TAB, LF, FF, CR, " and \, UCHAR (\u with upper-case hex) for
// the other control characters, DEL, U+FFFE and U+FFFF, everything else as is.
func writeEscaped(b *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if uchar(r) {
				fmt.Fprintf(b, "\\u%04X", r)
			} else {
				b.WriteRune(r)
			}
		}
	}
}

// serialize writes normalized quads (blank nodes already relabelled, sorted by
// the algorithm) as canonical N-Quads.
func serialize(quads []*jsonld.Quad) string {
	lines := make([]string, len(quads))
	var b strings.Builder
	for i, q := range quads {
		b.Reset()
		writeQuad(&b, q.Subject, q.Predicate, q.Object, q.Graph, "")
		lines[i] = b.String()
	}
	// The algorithm sorts its own serialization; sort ours so the output is
	// canonical even where the two could differ, and drop duplicates (a
	// dataset is a set).
	sort.Strings(lines)
	var out strings.Builder
	prev := ""
	for _, l := range lines {
		if l != prev {
			out.WriteString(l)
		}
		prev = l
	}
	return out.String()
}
