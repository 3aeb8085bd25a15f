package ld

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"sync"

	jsonld "github.com/piprate/json-gold/ld"
)

// Conversion of an expanded document to RDF (JSON-LD 1.1 API section 8.1).
//
// json-gold's JsonLdApi.ToRDF does this too, but checks every http(s) IRI of
// every quad against a large URL regular expression (Quad.Valid), which took
// half the time of canonicalizing complete.json. This conversion builds the
// same dataset from json-gold's node map and applies the same validity rule,
// remembering the verdict per IRI. Value objects it does not handle itself
// (JSON literals, @direction, unusual numbers) go through json-gold's own
// conversion. TestCanonizeMatchesJSONGold and FuzzCanonize check that the
// result equals json-gold's.
//
// One deliberate difference: json-gold panics on a list holding a relative
// IRI (it emits a quad with no object); here the rdf:first quad is left out,
// as the specification says.

// maxRememberedIRIs bounds the per-Processor memory of IRI verdicts.
const maxRememberedIRIs = 8192

// iriVerdicts remembers jsonld.IsURL verdicts.
type iriVerdicts struct {
	mu sync.RWMutex
	ok map[string]bool
}

// valid reports whether json-gold keeps an IRI: anything but an http(s) IRI
// that fails its URL check.
func (v *iriVerdicts) valid(iri string) bool {
	if !strings.HasPrefix(iri, "http://") && !strings.HasPrefix(iri, "https://") {
		return true
	}
	v.mu.RLock()
	ok, known := v.ok[iri]
	v.mu.RUnlock()
	if known {
		return ok
	}
	ok = jsonld.IsURL(iri)
	v.mu.Lock()
	if v.ok == nil {
		v.ok = make(map[string]bool)
	}
	if len(v.ok) < maxRememberedIRIs {
		v.ok[iri] = ok
	}
	v.mu.Unlock()
	return ok
}

// validNode mirrors json-gold's InvalidNode, negated.
func (v *iriVerdicts) validNode(n jsonld.Node) bool {
	switch t := n.(type) {
	case *jsonld.IRI:
		return v.valid(t.Value)
	case *jsonld.Literal:
		if t.Language != "" && !languageTag.MatchString(t.Language) {
			return false
		}
		return t.Datatype == "" || v.valid(t.Datatype)
	}
	return true
}

// toDataset converts an expanded document to an RDF dataset.
func (p *Processor) toDataset(expanded []any) (*jsonld.RDFDataset, error) {
	issuer := jsonld.NewIdentifierIssuer("_:b")
	nodeMap := map[string]any{"@default": map[string]any{}}
	if _, err := jsonld.NewJsonLdApi().GenerateNodeMap(expanded, nodeMap, "@default", issuer, "", "", nil); err != nil {
		return nil, err
	}
	c := converter{issuer: issuer, iris: &p.iris}
	ds := jsonld.NewRDFDataset()
	for name, g := range nodeMap {
		if jsonld.IsRelativeIri(name) {
			continue
		}
		graph, _ := g.(map[string]any)
		ds.Graphs[name] = c.graph(name, graph)
	}
	return ds, nil
}

type converter struct {
	issuer *jsonld.IdentifierIssuer
	iris   *iriVerdicts
}

var rdfType = jsonld.NewIRI(jsonld.RDFType)

// graph converts one graph of the node map (section 8.1, step 1.3).
func (c *converter) graph(name string, graph map[string]any) []*jsonld.Quad {
	var quads []*jsonld.Quad
	for id, n := range graph {
		if jsonld.IsRelativeIri(id) {
			continue
		}
		node, _ := n.(map[string]any)
		subject := resource(id)
		for prop, vals := range node {
			predicate := rdfType
			switch {
			case prop == "@type":
			case jsonld.IsKeyword(prop), strings.HasPrefix(prop, "_:"), jsonld.IsRelativeIri(prop):
				continue
			default:
				predicate = jsonld.NewIRI(prop)
			}
			values, _ := vals.([]any)
			for _, item := range values {
				var object jsonld.Node
				object, quads = c.object(item, name, quads)
				if object != nil {
					quads = append(quads, jsonld.NewQuad(subject, predicate, object, name))
				}
			}
		}
	}
	// Drop statements with invalid IRIs or language tags, as json-gold does.
	kept := quads[:0]
	for _, q := range quads {
		if c.iris.validNode(q.Subject) && c.iris.validNode(q.Predicate) && c.iris.validNode(q.Object) &&
			(q.Graph == nil || c.iris.validNode(q.Graph)) {
			kept = append(kept, q)
		}
	}
	return kept
}

// resource is the IRI or blank node an identifier names.
func resource(id string) jsonld.Node {
	if strings.HasPrefix(id, "_:") {
		return jsonld.NewBlankNode(id)
	}
	return jsonld.NewIRI(id)
}

// object converts a value, list or node reference (section 8.1.2), adding
// list statements to quads. A nil node means the value yields no statement.
func (c *converter) object(item any, graph string, quads []*jsonld.Quad) (jsonld.Node, []*jsonld.Quad) {
	switch t := item.(type) {
	case string: // a type
		return resource(t), quads
	case map[string]any:
		if _, ok := t["@value"]; ok {
			return c.value(t, graph), quads
		}
		if l, ok := t["@list"]; ok {
			list, _ := l.([]any)
			return c.list(list, graph, quads)
		}
		id, _ := t["@id"].(string)
		if jsonld.IsRelativeIri(id) {
			return nil, quads
		}
		return resource(id), quads
	}
	return nil, quads
}

// list converts a list (section 8.1.3).
func (c *converter) list(list []any, graph string, quads []*jsonld.Quad) (jsonld.Node, []*jsonld.Quad) {
	if len(list) == 0 {
		return jsonld.NewIRI(jsonld.RDFNil), quads
	}
	first, rest := jsonld.NewIRI(jsonld.RDFFirst), jsonld.NewIRI(jsonld.RDFRest)
	head := jsonld.NewBlankNode(c.issuer.GetId(""))
	node := head
	for i, item := range list {
		var object jsonld.Node
		object, quads = c.object(item, graph, quads)
		if object != nil {
			quads = append(quads, jsonld.NewQuad(node, first, object, graph))
		}
		var next jsonld.Node = jsonld.NewIRI(jsonld.RDFNil)
		if i < len(list)-1 {
			next = jsonld.NewBlankNode(c.issuer.GetId(""))
		}
		quads = append(quads, jsonld.NewQuad(node, rest, next, graph))
		if bn, ok := next.(*jsonld.BlankNode); ok {
			node = bn
		}
	}
	return head, quads
}

// value converts a value object (section 8.1.2, steps 4-15) the way json-gold
// does for the common cases; others go to json-gold.
func (c *converter) value(v map[string]any, graph string) jsonld.Node {
	if _, ok := v["@direction"]; ok {
		return c.viaJSONGold(v, graph)
	}
	var datatype string
	switch dt := v["@type"].(type) {
	case nil:
	case string:
		if dt == "@json" {
			return c.viaJSONGold(v, graph)
		}
		datatype = dt
	default:
		return c.viaJSONGold(v, graph)
	}
	orDefault := func(d string) string {
		if datatype == "" {
			return d
		}
		return datatype
	}
	switch val := v["@value"].(type) {
	case bool:
		return jsonld.NewLiteral(strconv.FormatBool(val), orDefault(jsonld.XSDBoolean), "")
	case float64:
		return c.number(v, val, datatype, graph)
	case json.Number:
		f, err := val.Float64()
		if err != nil {
			return c.viaJSONGold(v, graph)
		}
		return c.number(v, f, datatype, graph)
	case string:
		if lang, ok := v["@language"]; ok {
			l, isString := lang.(string)
			if !isString {
				return c.viaJSONGold(v, graph)
			}
			return jsonld.NewLiteral(val, orDefault(jsonld.RDFLangString), l)
		}
		return jsonld.NewLiteral(val, orDefault(jsonld.XSDString), "")
	}
	return c.viaJSONGold(v, graph)
}

// number converts a numeric value: integers (numbers without a fractional
// part) as xsd:integer, others, and any number typed xsd:double, as a
// canonical xsd:double.
func (c *converter) number(v map[string]any, f float64, datatype, graph string) jsonld.Node {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= 1<<53 {
		return c.viaJSONGold(v, graph)
	}
	if f != math.Trunc(f) || datatype == jsonld.XSDDouble {
		if datatype == "" {
			datatype = jsonld.XSDDouble
		}
		return jsonld.NewLiteral(jsonld.GetCanonicalDouble(f), datatype, "")
	}
	if datatype == "" {
		datatype = jsonld.XSDInteger
	}
	return jsonld.NewLiteral(strconv.FormatInt(int64(f), 10), datatype, "")
}

// viaJSONGold converts one value object with json-gold's own conversion, by
// converting a one-statement graph. Used for the rare cases value does not
// handle itself. A panic inside json-gold yields no statement.
func (c *converter) viaJSONGold(v map[string]any, graph string) (out jsonld.Node) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	const subject, predicate = "_:skillpass-value", "urn:skillpass:value"
	ds := jsonld.NewRDFDataset()
	ds.GraphToRDF(graph, map[string]any{
		subject: map[string]any{"@id": subject, predicate: []any{v}},
	}, c.issuer, false)
	for _, q := range ds.Graphs[graph] {
		if q.Subject.GetValue() == subject && q.Predicate.GetValue() == predicate {
			return q.Object
		}
	}
	return nil
}
