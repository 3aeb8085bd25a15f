// Package qr turns a JSON-LD verifiable presentation (or credential) into
// the text of one QR code and back, and renders and reads QR images.
//
// # The SP1 payload
//
// Encode produces Prefix ("SP1:") followed by base45 (RFC 9285) of a raw
// DEFLATE stream (RFC 1951, compressed with a preset dictionary) of one CBOR
// data item (RFC 8949, core deterministic encoding) that stands for the
// JSON document:
//
//   - a JSON object is a CBOR map; a key equal to a dictionary entry is the
//     entry's number (unsigned integer), any other key a text string;
//   - a JSON array is a CBOR array; true, false and null are themselves;
//   - a JSON string equal to a dictionary entry is the entry's number;
//   - a string "YYYY-MM-DDThh:mm:ssZ" is tag 1 (epoch seconds, an integer),
//     a string "YYYY-MM-DD" tag 100 (RFC 8943: days since 1970-01-01), each
//     only when formatting the integer gives back the exact string;
//   - other strings are text, or a byte string whose first byte names a
//     binary form when that form is shorter and gives back the exact string:
//     0 did:key:z<base58btc>, 1 did:key:z<b>#z<b> (a did:key key's own
//     verification method), 2 multibase z<base58btc>, 3 multibase
//     u<base64url>, 4 urn:uuid:<lowercase UUID> (16 bytes), 6
//     "YYYY-MM-DDThh:mm:ss.<1-9 digits>Z" (digit count, int64 seconds and
//     uint32 fraction, big-endian), 7 base64url without padding, 8 standard
//     base64 with padding; the rest of the byte string is the decoded bytes;
//   - a JSON number is a byte string of kind 5 followed by the number's text,
//     so that numbers come back exactly as written.
//
// The dictionary (table_gen.go) holds the term names of the W3C credentials
// v1 and v2, Data Integrity, Ed25519Signature2020, BBS+, Bitstring Status
// List and Open Badges 3.0 contexts, common context URLs, proof types,
// cryptosuites, proof purposes and Open Badges enumerations; the DEFLATE
// dictionary (flatedict_gen.go) is built from representative credentials and
// presentations. Both are generated ahead of time by internal/gen
// (go generate) and committed.
//
// SP1 is frozen: once released, the dictionary, the DEFLATE dictionary and
// the rules above must never change, because printed codes live for years.
// A change makes a new version (SP2) with its own prefix; decoders keep
// reading SP1. Decode refuses versions it does not know with
// ErrUnsupportedVersion.
//
// Encode may end DEFLATE blocks around long random byte strings
// (signatures, BBS+ proofs) so that DEFLATE stores them as they are rather
// than Huffman-coding them with the text's codes, when that is shorter: any
// DEFLATE decoder reads the stream alike, so this is no change of format.
//
// Decoding gives back JSON whose parsed value equals the encoded document's
// (same keys, strings and numbers, numbers as written), so that signatures
// over it verify unchanged. Key order and white space are not kept: JSON-LD
// signatures do not depend on them.
//
// Decode treats its input as hostile: see the Max constants for the limits
// it enforces before and while decoding.
package qr
