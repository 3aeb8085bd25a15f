package blockcerts

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/skillpass/skillpass/wallet/ld"
)

// FuzzVerify feeds arbitrary JSON to Verify and DecodeProofValue: neither
// may panic.
func FuzzVerify(f *testing.F) {
	for _, name := range []string{"v2-testnet-valid-2.0.json", "v3-testnet-v3-did.json", "v3-mocknet-v3-valid.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "certs", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"signature":{"type":"MerkleProof2017","proof":[{"left":"00"}],"anchors":[{}]}}`))
	f.Add([]byte(`{"proof":[{"type":"ChainedProof2021","chainedProofType":"MerkleProof2019","proofValue":"z"}]}`))
	v := New(testProcessor(f), nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ld.Decode(data)
		if err != nil {
			return
		}
		if Detect(doc) {
			r, err := v.Verify(context.Background(), doc)
			if err != nil || r == nil {
				t.Fatalf("Detect accepted but Verify failed: %v", err)
			}
			_ = Describe(doc)
		}
		if p, ok := doc["proof"].(map[string]any); ok {
			_, _ = DecodeProofValue(str(p["proofValue"]))
		}
		var s string
		if json.Unmarshal(data, &s) == nil {
			_, _ = DecodeProofValue(s)
		}
	})
}
