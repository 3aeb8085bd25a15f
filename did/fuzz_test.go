package did

import (
	"strings"
	"testing"

	"github.com/hyperledger/aries-framework-go/spi/secretlock"
)

// The fuzz targets check that no input panics and that accepted input is
// consistent; `go test` runs them over their seeds.

func FuzzParseKey(f *testing.F) {
	f.Add("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	f.Add("did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169")
	f.Add("did:key:zUC7K4ndUaGZgV7Cp2yJy6JtMoUHY6u7tkcSYUvPrEidqBmLCTLmi6d5WvwnUqejscAkERJ3bfjEiSYtdPkRSE8kSa11hFBr4sTgnbZ95SJj19PN2jdvJjyzpSZgxkyyxNnBNnY")
	f.Add("did:key:z")
	f.Fuzz(func(t *testing.T, s string) {
		kt, pub, err := ParseKey(s)
		if err != nil {
			return
		}
		again, err := NewKey(kt, pub)
		if err != nil {
			t.Fatalf("parsed key %q does not re-encode: %v", s, err)
		}
		base, _, _ := strings.Cut(s, "#")
		if again != base {
			t.Fatalf("round trip %q -> %q", s, again)
		}
	})
}

func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(`{"id":"did:web:example.com","verificationMethod":[{"id":"#k","type":"JsonWebKey2020","publicKeyJwk":{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}}],"assertionMethod":["#k",{"id":"#e","type":"Multikey","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}]}`))
	f.Add([]byte(`{"id":"did:web:example.com","publicKey":[{"id":"#k","type":"Ed25519VerificationKey2018","publicKeyBase58":"4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := parseDocument("did:web:example.com", b)
		if err != nil {
			return
		}
		for _, vm := range doc.VerificationMethod {
			if _, err := normalizeKey(vm.KeyType, vm.PublicKey); err != nil {
				t.Fatalf("accepted an invalid key: %v", err)
			}
		}
	})
}

func FuzzWebURL(f *testing.F) {
	f.Add("did:web:example.com%3A3000:user:alice")
	f.Add("did:web:a:%2e%2e")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := WebURL(s)
		if err != nil {
			return
		}
		// Every URL WebURL makes must map safely into an offline dir.
		if _, err := urlToRelPath(u); err != nil {
			t.Fatalf("WebURL(%q) = %q, which DirFetcher refuses: %v", s, u, err)
		}
	})
}

func FuzzDirFetcherPath(f *testing.F) {
	f.Add("https://example.com/a/b.json")
	f.Add("https://example.com/%2e%2e/x")
	f.Fuzz(func(t *testing.T, s string) {
		rel, err := urlToRelPath(s)
		if err != nil {
			return
		}
		for _, seg := range strings.Split(rel, "/") {
			if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "\\\x00") {
				t.Fatalf("%q mapped to unsafe %q", s, rel)
			}
		}
	})
}

func FuzzSecretLockDecrypt(f *testing.F) {
	lock, err := NewSecretLock(make([]byte, 32))
	if err != nil {
		f.Fatal(err)
	}
	enc, err := lock.Encrypt("k", &secretlock.EncryptRequest{Plaintext: "hello"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc.Ciphertext, "k")
	f.Fuzz(func(t *testing.T, ct, uri string) {
		dec, err := lock.Decrypt(uri, &secretlock.DecryptRequest{Ciphertext: ct})
		if err == nil && (uri != "k" || dec.Plaintext != "hello") {
			t.Fatalf("forged ciphertext %q accepted for %q", ct, uri)
		}
	})
}
