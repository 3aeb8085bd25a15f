package verify

import (
	"context"
	"testing"

	"github.com/hyperledger/aries-framework-go/pkg/doc/verifiable"
)

// BenchmarkVerifyEd25519Signature2020 verifies the same Ed25519Signature2020
// credential (did:key issuer) with this package and with aries-framework-go's
// verifiable.ParseCredential, both with warm caches (contexts processed,
// did:key resolved).
func BenchmarkVerifyEd25519Signature2020(b *testing.B) {
	k := newEdKey(b, 61)
	data := mustJSON(b, ed2020(k).sign(b, credV1(k.did, ctxEd2020)))

	b.Run("ours", func(b *testing.B) {
		v := newVerifier(b, Options{})
		r, err := v.Verify(context.Background(), data)
		if err != nil || !r.Verified {
			b.Fatalf("warm-up: %v %+v", err, r)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if r, err := v.Verify(context.Background(), data); err != nil || !r.Verified {
				b.Fatalf("%v %+v", err, r)
			}
		}
	})
	b.Run("aries", func(b *testing.B) {
		loader := testLoader(b)
		parse := func() error {
			_, err := verifiable.ParseCredential(data,
				verifiable.WithPublicKeyFetcher(verifiable.SingleKey(k.pub, ariesKeyEd25519_2020)),
				verifiable.WithJSONLDDocumentLoader(loader))
			return err
		}
		if err := parse(); err != nil {
			b.Fatalf("warm-up: %v", err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := parse(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVerifyEdDSARDFC2022 verifies the 1EdTech eddsa-rdfc-2022 vectors
// with warm caches.
func BenchmarkVerifyEdDSARDFC2022(b *testing.B) {
	for _, f := range []string{"simple.json", "complete.json"} {
		b.Run(f, func(b *testing.B) {
			v := newVerifier(b, Options{})
			data := fixture(b, f)
			r, err := v.Verify(context.Background(), data)
			if err != nil || r.Checks.Signature != SigOK {
				b.Fatalf("warm-up: %v %+v", err, r)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if r, err := v.Verify(context.Background(), data); err != nil || r.Checks.Signature != SigOK {
					b.Fatalf("%v %+v", err, r)
				}
			}
		})
	}
}
