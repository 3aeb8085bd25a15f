// Package ld is Skillpass' JSON-LD processing, offline: context loading from
// the contexts embedded in the binary (never the network), expansion, RDF
// Dataset Canonicalization (RDFC-1.0, also known as URDNA2015) and a
// strictness check that finds the terms a signature would silently not cover.
//
// It is built on json-gold v0.4.2 (github.com/piprate/json-gold/ld) and works
// around what that version lacks or gets wrong for untrusted input:
//
//   - [Loader] serves only embedded contexts and implements json-gold's
//     DocumentLoader, so aries-framework-go can use it too.
//   - [NewLoader] refuses contexts that include themselves through their
//     "@context" array or "@import" ([ErrContextCycle]; json-gold v0.4.2
//     would recurse until the stack overflows, a fatal error) or pull in
//     more than [MaxContextLoads] documents.
//   - [Processor] caches processed top-level contexts, converts expanded
//     documents to RDF without json-gold's per-quad URL regular expression,
//     serializes canonical N-Quads with RDFC-1.0's escaping, turns json-gold
//     panics into errors, and refuses documents beyond the limits below
//     ([MaxDocumentBytes], [MaxDepth], [MaxValues], [MaxContextRefs],
//     [MaxValuePairs], [MaxQuads], [MaxBlankNodes], [MaxHashingWork]) with
//     [ErrTooLarge] (and [ErrHashingWork] for blank nodes too alike, as in
//     the W3C "poison graph" test074c, refused in under a millisecond).
//     [Processor.CheckLimits] applies the same limits for callers that
//     canonicalize with another library (aries-framework-go's suites run
//     json-gold's canonicalization, which has none: it was still working
//     on test074c after 90 s here).
//   - [Processor.CheckDefined] reports properties, types and values that
//     expansion or RDF conversion would drop ([ErrUndefinedTerm],
//     [ErrDroppedValue]).
//
// Measured here (2 shared cores) on the 1EdTech complete.json (356 quads):
// plain json-gold canonicalization takes about 23 ms, the Processor about
// 10-12 ms (15 ms on its first document). Of the saving, caching the processed
// top-level context accounts for 0.5 ms; converting to RDF without running
// json-gold's URL regular expression on every IRI occurrence (2.7 ms for the
// first document, 0.6 ms once the IRIs are known, against about 12 ms) for
// the rest. What remains is mostly json-gold processing type-scoped contexts
// for every typed node, which it offers no way to cache. simple.json takes
// about 0.6 ms (1.4 ms with plain json-gold).
package ld
