package opencerts

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
)

func TestMain(m *testing.M) { fetchtest.Main(m) }

func load(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc
}

// The expectations for the samples are those of the OpenAttestation
// library's verifySignature (@govtechsg/open-attestation 6.9.7), run on the
// same files when they were added; see testdata/README.md.
func TestVerifySamples(t *testing.T) {
	tests := []struct {
		file       string
		signature  string
		obfuscated int
		issuer     string
		errPart    string
	}{
		{"opencerts-homestead.opencert", SigOK, 0, "ethereum:0x641bDE53Df8C249dD123e532764420Ed82cfb664", "not checked offline"},
		{"opencerts-sepolia.opencert", SigOK, 0, "ethereum:0x9b0c63fD8924398D677d9c5Ae7E228864D4e47e0", "DNS-TXT"},
		{"opencerts-homestead-obfuscated.opencert", SigOK, 9, "ethereum:0x641bDE53Df8C249dD123e532764420Ed82cfb664", "not checked offline"},
		{"opencerts-unissued.opencert", SigOK, 0, "ethereum:0x80ca96D2Aab5E1E23876a4D8140Ee1292327a4cd", "not checked offline"},
		{"oa-not-obfuscated-wrapped.json", SigOK, 0, "ethereum:0x8bA63EAB43342AAc3AdBB4B827b68Cf4aAE5Caca", ""},
		{"oa-wrapped-transferable-document.json", SigOK, 0, "ethereum:0x9178F546D3FF57D7A6352bD61B80cCCD46199C2d", ""},
		{"oa-batch-0.json", SigOK, 0, "ethereum:0xBBb55Bd1D709955241CAaCb327A765e2b6D69c8b", ""},
		{"oa-batch-2.json", SigOK, 0, "ethereum:0xBBb55Bd1D709955241CAaCb327A765e2b6D69c8b", ""},
		{"opencerts-tampered.opencert", SigInvalid, 0, "ethereum:0x80ca96D2Aab5E1E23876a4D8140Ee1292327a4cd", "does not match its target hash"},
		// Its document store address was shortened: the hash breaks.
		{"opencerts-invalidstore.opencert", SigInvalid, 0, "ethereum:0xE5c693015460868F817799CAFb363EEDb4F9E46", "does not match its target hash"},
		{"opencerts-wrong-merkle-odd-length.opencert", SigInvalid, 0, "ethereum:0xE5c693015460868F817799CAFb363EEDb4F9E446", "is not a 32-byte hex hash"},
		// Obfuscating recipient.name left "recipient": {}, which the
		// OpenAttestation library hashes as a field of its own: it rejects
		// its own fixture too.
		{"oa-obfuscated-wrapped.json", SigInvalid, 1, "ethereum:0x8bA63EAB43342AAc3AdBB4B827b68Cf4aAE5Caca", "does not match its target hash"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc := load(t, tt.file)
			require.True(t, Detect(doc))
			r, err := Verify(doc)
			require.NoError(t, err)
			require.Equal(t, tt.signature, r.Signature, r.Errors)
			require.Equal(t, AnchorUnknown, r.Anchor)
			require.Equal(t, IdentityUnconfirmed, r.Identity)
			require.Equal(t, ProofType, r.Proof)
			require.Equal(t, tt.obfuscated, r.Obfuscated)
			require.Equal(t, tt.issuer, r.IssuerID)
			require.Contains(t, strings.Join(r.Errors, "\n"), tt.errPart)
		})
	}
}

func TestTampered(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		change  func(doc map[string]any)
		errPart string
	}{
		{"recipient name", "opencerts-homestead.opencert", func(d map[string]any) {
			rec := d["data"].(map[string]any)["recipient"].(map[string]any)
			rec["name"] = strings.Replace(rec["name"].(string), ":string:", ":string:Dr ", 1)
		}, "does not match its target hash"},
		{"salt", "opencerts-homestead.opencert", func(d map[string]any) {
			rec := d["data"].(map[string]any)["recipient"].(map[string]any)
			rec["name"] = "0" + rec["name"].(string)[1:]
		}, "does not match its target hash"},
		{"added field", "opencerts-sepolia.opencert", func(d map[string]any) {
			d["data"].(map[string]any)["honours"] = "0c1d2a6e-98bb-4b6f-9bbd-3b8e2f7c0a11:string:First Class"
		}, "does not match its target hash"},
		{"added empty object", "opencerts-sepolia.opencert", func(d map[string]any) {
			d["data"].(map[string]any)["awards"] = map[string]any{}
		}, "does not match its target hash"},
		{"removed field without its hash", "opencerts-sepolia.opencert", func(d map[string]any) {
			delete(d["data"].(map[string]any), "graduationDate")
		}, "does not match its target hash"},
		{"obfuscated hash dropped", "opencerts-homestead-obfuscated.opencert", func(d map[string]any) {
			p := d["privacy"].(map[string]any)
			p["obfuscatedData"] = p["obfuscatedData"].([]any)[1:]
		}, "does not match its target hash"},
		{"obfuscated hash not hex", "opencerts-homestead-obfuscated.opencert", func(d map[string]any) {
			d["privacy"].(map[string]any)["obfuscatedData"].([]any)[0] = "x"
		}, "not a 32-byte hex hash"},
		{"key with a dot", "opencerts-sepolia.opencert", func(d map[string]any) {
			d["data"].(map[string]any)["a.b"] = "0c1d2a6e-98bb-4b6f-9bbd-3b8e2f7c0a11:string:x"
		}, "contains a '.'"},
		{"proof element", "oa-batch-0.json", func(d map[string]any) {
			d["signature"].(map[string]any)["proof"].([]any)[0] = strings.Repeat("ab", 32)
		}, "does not lead from the target hash to the Merkle root"},
		{"proof element removed", "oa-batch-0.json", func(d map[string]any) {
			s := d["signature"].(map[string]any)
			s["proof"] = s["proof"].([]any)[1:]
		}, "does not lead from the target hash to the Merkle root"},
		{"merkle root", "oa-batch-2.json", func(d map[string]any) {
			d["signature"].(map[string]any)["merkleRoot"] = strings.Repeat("00", 32)
		}, "does not lead from the target hash to the Merkle root"},
		{"target hash", "opencerts-sepolia.opencert", func(d map[string]any) {
			d["signature"].(map[string]any)["targetHash"] = strings.Repeat("00", 32)
		}, "does not match its target hash"},
		{"proof not a list", "oa-batch-0.json", func(d map[string]any) {
			d["signature"].(map[string]any)["proof"] = "x"
		}, "not a list"},
		{"privacy not an object", "opencerts-sepolia.opencert", func(d map[string]any) {
			d["privacy"] = "x"
		}, "not an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := load(t, tt.file)
			tt.change(doc)
			r, err := Verify(doc)
			require.NoError(t, err)
			require.Equal(t, SigInvalid, r.Signature)
			require.Contains(t, strings.Join(r.Errors, "\n"), tt.errPart)
		})
	}
}

// TestObfuscate hides fields the way OpenAttestation's obfuscateDocument
// does (the field's hash moves to privacy.obfuscatedData) and checks the
// document still verifies.
func TestObfuscate(t *testing.T) {
	doc := load(t, "opencerts-sepolia.opencert")
	data := doc["data"].(map[string]any)
	var hidden []any
	hide := func(path string, parent map[string]any, key string) {
		h, err := FieldHash(path, parent[key])
		require.NoError(t, err)
		hidden = append(hidden, h)
		delete(parent, key)
	}
	rec := data["recipient"].(map[string]any)
	hide("recipient.nric", rec, "nric")
	first := data["transcript"].([]any)[0].(map[string]any)
	hide("transcript.0.grade", first, "grade")
	doc["privacy"] = map[string]any{"obfuscatedData": hidden}
	r, err := Verify(doc)
	require.NoError(t, err)
	require.Equal(t, SigOK, r.Signature, r.Errors)
	require.Equal(t, 2, r.Obfuscated)

	revealed, err := Reveal(doc)
	require.NoError(t, err)
	require.NotContains(t, revealed["recipient"], "nric")
	require.Equal(t, "Your Name", revealed["recipient"].(map[string]any)["name"])
}

// TestDigestVectors are the OpenAttestation library's own test vectors
// (src/2.0/__tests__/digest.test.ts and obfuscate.test.ts, Apache-2.0):
// unsalted data, hashed field by field.
func TestDigestVectors(t *testing.T) {
	data := map[string]any{
		"key1": "value1",
		"key2": map[string]any{
			"key2-1": "value2-1",
			"key2-2": "value2-2",
			"key2-3": []any{"value2-3-1", "value2-3-2", "value2-3-3"},
		},
		"key3": []any{"value3-1", "value3-2"},
	}
	var got []string
	require.NoError(t, flatten(data, "", func(p string, v any) error {
		h, err := FieldHash(p, v)
		got = append(got, h)
		return err
	}))
	require.ElementsMatch(t, []string{
		"1549a7b5fac4126fa0fbdea8c156930790691317e30400feb76c0f5cec06b396",
		"bfde44f29cc03f4111c0e0dd5c9551705e9cfb03054e26e01f53c6dabff7aead",
		"877b54b204a759620fd386e531d9a017655377f3645117665409da3c7ff5a61a",
		"1cbeb0dc59c8e303b23bcfd5275211531348da401d971e120c0dded6fbc48c75",
		"433691731088b4455fb31dee9b75fed687fb3acf9886c1359e01d3df3d059990",
		"b75b6e1b511cae653f4bf5a8981e300a53b5e797f8de9ce0f4521d64d28a3e4e",
		"f290dec8eba6913285b09f712ea38e39da8ffdf1de9bf305b90d3b77ae77be96",
		"83cae3b56a3b5b874ddf7d9e237f8527791bde5459bd2d72529395782e6088d0",
	}, got)
	d, err := Digest(data, nil)
	require.NoError(t, err)
	require.Equal(t, "3826fcc2b0122a3555051a29b09b8cf5a6a8c776abf5da4e966ab92dbdbd518c", d)

	for _, tt := range []struct {
		path string
		v    any
		want string
	}{
		{"key1", 2.0, "95d3d5290cbedca7c616c3b531280a5d5bbc05ec1301af9990860eb4854974d6"},
		{"key2", "value2", "9effc0520df5aa99bd49cc6521f76b13274a113ef0e4f45cd3bedecbf5d9e3d6"},
		{"key3", false, "4efbbb60071bb9d068120fd1f855ae79773db8a2d966a17edc18235649d78b4f"},
		{"key2.key22", "value22", "ebc402e918095d861060397a080355b5ba70c203f709795256544d706e2babb1"},
		{"key2.0", "value21", "6861b14e4bb0633052a4c7cf1dbcdec397779ebd34be2c6d1171e3b0035e0a34"},
	} {
		h, err := FieldHash(tt.path, tt.v)
		require.NoError(t, err)
		require.Equal(t, tt.want, h, tt.path)
	}
}

// TestJSNumber compares with what node's JSON.stringify printed for the
// same numbers.
func TestJSNumber(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {-1, "-1"}, {2, "2"}, {0.1, "0.1"}, {1.5, "1.5"},
		{1e21, "1e+21"}, {1e-7, "1e-7"}, {123456789012345680000, "123456789012345680000"},
		{-2e-7, "-2e-7"}, {1.2345e-5, "0.000012345"}, {1.5e300, "1.5e+300"}, {100, "100"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, jsNumber(tt.f), "%v", tt.f)
	}
}

func TestJSString(t *testing.T) {
	var b strings.Builder
	writeJSString(&b, "a\"b\\c\n\t\x01<>&\u2028é😀")
	require.Equal(t, `"a\"b\\c\n\t\u0001<>&`+"\u2028é😀"+`"`, b.String())
}

func TestUnsalt(t *testing.T) {
	tests := []struct {
		in   string
		want any
		err  bool
	}{
		{"f948b6d5-c75c-4c43-99f3-216efac4e00b:string:John Doe", "John Doe", false},
		{"f948b6d5-c75c-4c43-99f3-216efac4e00b:string:a:b:c", "a:b:c", false},
		{"f948b6d5-c75c-4c43-99f3-216efac4e00b:string:", "", false},
		{"F948B6D5-C75C-4C43-99F3-216EFAC4E00B:number:4", 4.0, false},
		{"f948b6d5-c75c-4c43-99f3-216efac4e00b:boolean:true", true, false},
		{"f948b6d5-c75c-4c43-99f3-216efac4e00b:boolean:false", false, false},
		{"f948b6d5-c75c-4c43-99f3-216efac4e00b:null:null", nil, false},
		{"f948b6d5-c75c-4c43-99f3-216efac4e00b:undefined:undefined", nil, false},
		{"f948b6d5-c75c-4c43-99f3-216efac4e00b:date:2020", nil, true},
		{"f948b6d5-c75c-4c43-99f3-216efac4e00b:number:many", nil, true},
		{"f948b6d5-c75c-3c43-99f3-216efac4e00b:string:v3 uuid", "f948b6d5-c75c-3c43-99f3-216efac4e00b:string:v3 uuid", false},
		{"not salted", "not salted", false},
	}
	for _, tt := range tests {
		got, err := Unsalt(tt.in)
		if tt.err {
			require.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
}

func TestReveal(t *testing.T) {
	doc := load(t, "opencerts-homestead-obfuscated.opencert")
	data, err := Reveal(doc)
	require.NoError(t, err)
	rec := data["recipient"].(map[string]any)
	require.NotContains(t, rec, "name", "obfuscated")
	require.Equal(t, "OpenCerts Demo", rec["course"])
	require.Equal(t, "Opencerts Demo Certificate", data["name"])
	_, hasAdditional := data["additionalData"]
	require.False(t, hasAdditional, "obfuscated")

	batch, err := Reveal(load(t, "oa-batch-0.json"))
	require.NoError(t, err)
	course := batch["transcript"].([]any)[0].(map[string]any)
	require.Equal(t, 4.0, course["courseCredit"])
	require.Equal(t, true, course["passed"])
	require.Nil(t, course["note"])

	doc["data"].(map[string]any)["name"] = "f948b6d5-c75c-4c43-99f3-216efac4e00b:symbol:x"
	_, err = Reveal(doc)
	require.ErrorIs(t, err, ErrMalformed)
	_, err = Reveal(map[string]any{})
	require.ErrorIs(t, err, ErrNotOpenAttestation)
}

func TestDetect(t *testing.T) {
	sig := map[string]any{"type": ProofType}
	tests := []struct {
		name string
		doc  map[string]any
		want bool
	}{
		{"nil", nil, false},
		{"v2", map[string]any{"version": SchemaV2, "data": map[string]any{}, "signature": sig}, true},
		{"v2 without signature", map[string]any{"version": SchemaV2, "data": map[string]any{}}, false},
		{"v2 data not an object", map[string]any{"version": SchemaV2, "data": "x", "signature": sig}, false},
		{"legacy OpenCerts schema", map[string]any{"schema": "opencerts/v1.4", "data": map[string]any{}, "signature": sig}, true},
		{"legacy schema, other proof", map[string]any{"schema": "opencerts/v1.4", "data": map[string]any{}, "signature": map[string]any{"type": "x"}}, false},
		{"OpenAttestation v3", map[string]any{"version": "https://schema.openattestation.com/3.0/schema.json", "proof": sig}, false},
		{"Blockcerts v2", map[string]any{"signature": map[string]any{"type": "MerkleProof2017"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, Detect(tt.doc))
		})
	}
	_, err := Verify(map[string]any{"version": "x"})
	require.ErrorIs(t, err, ErrNotOpenAttestation)
}

func TestUnsupportedProof(t *testing.T) {
	doc := load(t, "opencerts-sepolia.opencert")
	doc["signature"].(map[string]any)["type"] = "OpenAttestationSignature2018"
	r, err := Verify(doc)
	require.NoError(t, err)
	require.Equal(t, SigUnsupported, r.Signature)
}

func TestDates(t *testing.T) {
	r, err := Verify(load(t, "opencerts-sepolia.opencert"))
	require.NoError(t, err)
	require.Equal(t, []Date{{Field: "issuedOn", Value: "2025-05-29T00:00:00+08:00"}}, r.Dates)
	doc := load(t, "opencerts-sepolia.opencert")
	data := doc["data"].(map[string]any)
	data["issuedOn"] = "374a9625-d990-4e37-807f-d7b98e9f6c50:string:2025-05-29"
	data["expiresOn"] = "374a9625-d990-4e37-807f-d7b98e9f6c50:string:2030-01-01T00:00:00Z"
	r, err = Verify(doc)
	require.NoError(t, err)
	require.Equal(t, []Date{{Field: "issuedOn", Value: "2025-05-29T00:00:00Z"}, {Field: "expiresOn", Value: "2030-01-01T00:00:00Z", End: true}}, r.Dates)
}

func TestVerifyDoesNotModify(t *testing.T) {
	doc := load(t, "opencerts-homestead-obfuscated.opencert")
	before := load(t, "opencerts-homestead-obfuscated.opencert")
	_, err := Verify(doc)
	require.NoError(t, err)
	_, err = Reveal(doc)
	require.NoError(t, err)
	require.Equal(t, before, doc)
}

func TestDescribe(t *testing.T) {
	d, err := Describe(load(t, "opencerts-sepolia.opencert"))
	require.NoError(t, err)
	require.Equal(t, "Opencerts Demo Certificate", d.Name)
	require.Equal(t, "Opencerts", d.IssuerName)
	require.Equal(t, "dev.opencerts.io", d.IssuerDomain)
	require.Equal(t, "Your Name", d.Recipient)
	require.Equal(t, "2025-05-29T00:00:00+08:00", d.IssuedOn)
	require.Len(t, d.Transcript, 5)
	require.Equal(t, Course{Name: "Introduction to Programming", Code: "CS 1110", Grade: "A+", Credit: "3", Semester: "1",
		ExaminationDate: "2020-12-01T00:00:00+08:00"}, d.Transcript[0])

	d, err = Describe(load(t, "opencerts-homestead-obfuscated.opencert"))
	require.NoError(t, err)
	require.Empty(t, d.Recipient, "obfuscated")
	require.Empty(t, d.Transcript[0].Grade, "obfuscated")
	require.NotEmpty(t, d.Transcript[0].Name)

	d, err = Describe(load(t, "oa-batch-0.json"))
	require.NoError(t, err)
	require.Equal(t, "4", d.Transcript[0].Credit, "a salted number")

	_, err = Describe(map[string]any{})
	require.ErrorIs(t, err, ErrNotOpenAttestation)
}
