package qr_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/skillpass/skillpass/wallet/qr"
)

// FuzzDecode feeds Decode arbitrary text (seed corpus in
// testdata/fuzz/FuzzDecode: payloads of the 1EdTech vectors and of hostile
// CBOR). It must never panic; what it accepts must be valid JSON that
// Encode takes back and that decodes to the same bytes again.
func FuzzDecode(f *testing.F) {
	f.Add("")
	f.Add(qr.Prefix)
	f.Add("SP2:ABC")
	f.Add(qr.Prefix + "%69 VD92EX0")
	for _, doc := range []string{`{"a":1}`, `{"id":"urn:uuid:2f7a3c2e-6d0b-4a1e-9f53-1c3f2b8e7d10","b":[true,null,"2010-01-01T00:00:00.5Z"]}`} {
		text, err := qr.Encode([]byte(doc))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out, err := qr.Decode(text)
		if err != nil {
			if out != nil {
				t.Fatalf("output %q with error %v", out, err)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON %q", out)
		}
		again, err := qr.Encode(out)
		if err != nil {
			t.Fatalf("re-encode %q: %v", out, err)
		}
		out2, err := qr.Decode(again)
		if err != nil {
			t.Fatalf("decode re-encoded %q: %v", out, err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("unstable: %q then %q", out, out2)
		}
	})
}

// FuzzRoundTrip feeds Encode arbitrary bytes: whatever it accepts must
// decode to the same parsed value (numbers as written).
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte(`{"a":1.50,"b":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","c":"2010-01-01T00:00:00.000Z"}`))
	f.Add([]byte(`{"type":["VerifiableCredential"],"x":"u\u2028AQID","y":[[],{}]}`))
	f.Add([]byte(`{"proofValue":"zz","n":-0.0e-0}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		text, err := qr.Encode(doc)
		if err != nil {
			return
		}
		out, err := qr.Decode(text)
		if err != nil {
			t.Fatalf("decode %q: %v", doc, err)
		}
		var want, got any
		for _, p := range []struct {
			b []byte
			v *any
		}{{doc, &want}, {out, &got}} {
			d := json.NewDecoder(bytes.NewReader(p.b))
			d.UseNumber()
			if err := d.Decode(p.v); err != nil {
				t.Fatalf("parse %q: %v", p.b, err)
			}
		}
		wantJSON, _ := json.Marshal(want)
		gotJSON, _ := json.Marshal(got)
		if !bytes.Equal(wantJSON, gotJSON) {
			t.Fatalf("round trip of %q gave %q", doc, out)
		}
	})
}
