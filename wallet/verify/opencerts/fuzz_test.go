package opencerts

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzVerify feeds arbitrary JSON to Verify, Reveal and Describe: none may
// panic.
func FuzzVerify(f *testing.F) {
	for _, name := range []string{"oa-batch-0.json", "oa-obfuscated-wrapped.json", "opencerts-unissued.opencert"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":"https://schema.openattestation.com/2.0/schema.json","data":{"a":[[],{},null,1e400]},"signature":{"type":"SHA3MerkleProof","proof":[1]},"privacy":{"obfuscatedData":[null]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil {
			return
		}
		r, err := Verify(doc)
		if Detect(doc) != (err == nil) || (err == nil && r == nil) {
			t.Fatalf("Detect and Verify disagree: %v", err)
		}
		_, _ = Reveal(doc)
		_, _ = Describe(doc)
	})
}
