package ld

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Limits on untrusted input. Documents beyond them are refused with an error
// wrapping ErrTooLarge before any JSON-LD processing starts (or, for the RDF
// limits, before canonicalization starts).
const (
	// MaxDocumentBytes is the largest JSON text Decode accepts.
	MaxDocumentBytes = 4 << 20
	// MaxDepth is the deepest nesting of objects and arrays accepted; the
	// document itself is depth 1.
	MaxDepth = 64
	// MaxValues is the most JSON values (objects, arrays, strings, numbers,
	// booleans and nulls, counted together) a document may hold.
	MaxValues = 200_000
	// MaxQuads is the most RDF quads canonicalization accepts (the 1EdTech
	// complete.json fixture has 356).
	MaxQuads = 50_000
	// MaxValuePairs bounds the sum, over every property of every node, of n²
	// where n is the property's number of values. json-gold's conversion to
	// RDF compares each value of a property with all earlier ones, so its
	// cost grows with n² (about 30 ns per pair here: 8,000 values in one
	// property take 2 s). The limit is one property with 2,000 values.
	MaxValuePairs = 4_000_000
	// MaxBlankNodes is the most distinct blank nodes canonicalization accepts.
	MaxBlankNodes = 10_000
	// MaxHashingWork bounds the estimated work of RDFC-1.0's N-degree
	// hashing, which grows factorially with the number of interchangeable
	// blank nodes (nodes with identical surroundings, such as repeated
	// unnamed objects under a repeated unnamed parent). The estimate is the
	// sum, over blank nodes that share their first-degree hash with another,
	// of r! where r is the largest set of such neighbours they reach through
	// one predicate; credentials without repeated unnamed objects score 0.
	// One unit costs about 0.1-0.2 ms here, so the limit is about 0.2 s.
	MaxHashingWork = 1000
	// MaxContextRefs bounds the JSON-LD context references a document may
	// make in its own "@context" values (at the top, on any node, in the
	// scoped contexts and @import of its inline contexts): each inline
	// context or null counts 1, each context URL the number of context
	// documents processing it loads (see MaxContextLoads). json-gold
	// processes a context again wherever it appears, about 0.4-0.5 ms for the
	// VC 2.0 and Open Badges 3.0 contexts here, so the limit is about 0.5 s;
	// a presentation of 100 credentials with three contexts each uses about
	// 300.
	MaxContextRefs = 1000
	// MaxContextLoads bounds the context documents one context URL may pull
	// in when processed: itself plus, transitively, the URLs its "@context"
	// array and "@import" name. NewLoader refuses a set of contexts in which
	// one exceeds it; the embedded contexts need at most 2.
	MaxContextLoads = 32
)

// ErrTooLarge is returned (wrapped) for documents beyond the limits above.
var ErrTooLarge = errors.New("document exceeds processing limits")

// ErrHashingWork is returned (wrapped, together with ErrTooLarge) when a
// dataset's blank nodes are so alike that RDFC-1.0 canonicalization would
// exceed MaxHashingWork, as in the W3C "poison graph" tests.
var ErrHashingWork = errors.New("blank nodes too alike to canonicalize cheaply")

// ErrContextCycle is returned (wrapped, with the cycle) by NewLoader when a
// context includes itself, directly or through others, by its "@context"
// array or "@import": json-gold v0.4.2 would recurse without end on it.
var ErrContextCycle = errors.New("JSON-LD context includes itself")

// ErrNotJSON is returned (wrapped) when a document holds Go values that JSON
// decoding cannot produce (only map[string]any, []any, string, float64,
// json.Number, bool and nil are accepted).
var ErrNotJSON = errors.New("document holds a non-JSON value")

// Decode parses a JSON object of at most MaxDocumentBytes into the form the
// Processor takes and checks it against MaxDepth and MaxValues.
func Decode(data []byte) (map[string]any, error) {
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("decode JSON-LD document: %w: %d bytes (limit %d)", ErrTooLarge, len(data), MaxDocumentBytes)
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode JSON-LD document: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("decode JSON-LD document: data after the JSON object")
	}
	if doc == nil {
		return nil, fmt.Errorf("decode JSON-LD document: not a JSON object")
	}
	if err := checkDocument(doc); err != nil {
		return nil, fmt.Errorf("decode JSON-LD document: %w", err)
	}
	return doc, nil
}

// checkDocument enforces MaxDepth and MaxValues and that doc holds only values
// JSON decoding produces.
func checkDocument(doc map[string]any) error {
	n := 0
	return checkValue(doc, 1, &n, "")
}

func checkValue(v any, depth int, n *int, path string) error {
	*n++
	if *n > MaxValues {
		return fmt.Errorf("%w: more than %d JSON values", ErrTooLarge, MaxValues)
	}
	switch t := v.(type) {
	case map[string]any:
		if depth > MaxDepth {
			return fmt.Errorf("%w: nested deeper than %d levels at %s", ErrTooLarge, MaxDepth, displayPath(path))
		}
		for k, x := range t {
			if err := checkValue(x, depth+1, n, joinKey(path, k)); err != nil {
				return err
			}
		}
	case []any:
		if depth > MaxDepth {
			return fmt.Errorf("%w: nested deeper than %d levels at %s", ErrTooLarge, MaxDepth, displayPath(path))
		}
		for i, x := range t {
			if err := checkValue(x, depth+1, n, joinIndex(path, i)); err != nil {
				return err
			}
		}
	case string, float64, json.Number, bool, nil:
	default:
		return fmt.Errorf("%w: %T at %s", ErrNotJSON, v, displayPath(path))
	}
	return nil
}

// joinKey and joinIndex build the JSON paths used in error messages:
// credentialSubject.achievement.alignment[1].targetName.
func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func joinIndex(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

func displayPath(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}
