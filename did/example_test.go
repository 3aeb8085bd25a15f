package did_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"

	"github.com/skillpass/skillpass/did"
)

func ExampleNewKey() {
	// The Ed25519 key of the all-zero seed (a W3C did:key test vector).
	pub := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	id, err := did.NewKey(did.Ed25519, pub)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id)
	// Output: did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
}

func ExampleWebURL() {
	for _, d := range []string{"did:web:example.com", "did:web:example.com%3A8443:issuers:1"} {
		u, err := did.WebURL(d)
		fmt.Println(u, err)
	}
	// Output:
	// https://example.com/.well-known/did.json <nil>
	// https://example.com:8443/issuers/1/did.json <nil>
}

func ExampleDirFetcher() {
	dir, err := os.MkdirTemp("", "offline")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	doc := `{"id": "did:web:example.com",
	  "verificationMethod": [{"id": "#key-1", "type": "Ed25519VerificationKey2018",
	    "publicKeyBase58": "4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS"}],
	  "assertionMethod": ["#key-1"]}`
	p := filepath.Join(dir, "example.com", ".well-known", "did.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		fmt.Println(err)
		return
	}
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		fmt.Println(err)
		return
	}

	r := did.NewResolver(did.DirFetcher(dir))
	vm, d, err := r.VerificationMethod(context.Background(), "did:web:example.com#key-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vm.KeyType, len(vm.PublicKey), d.IsAssertionMethod(vm.ID))

	_, err = did.NewResolver(nil).Resolve(context.Background(), "did:web:example.com")
	fmt.Println(err)
	// Output:
	// Ed25519 32 true
	// resolve did:web:example.com: fetch https://example.com/.well-known/did.json: network access needed but no fetcher is set (offline)
}
