package ld_test

import (
	"testing"

	"github.com/skillpass/skillpass/wallet/ld"
)

// BenchmarkCanonizeComplete canonicalizes the 1EdTech complete.json (without
// its proof) with a warm Processor: the processed @context comes from the
// cache.
func BenchmarkCanonizeComplete(b *testing.B) {
	p := ld.NewProcessor(testLoader(b))
	doc := fixture(b, "complete.json")
	delete(doc, "proof")
	if _, err := p.Canonize(doc); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Canonize(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonizeCompleteCold does the same with a new Processor each
// time, so the @context is processed every time (what DESIGN.md measured).
func BenchmarkCanonizeCompleteCold(b *testing.B) {
	l := testLoader(b)
	doc := fixture(b, "complete.json")
	delete(doc, "proof")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ld.NewProcessor(l).Canonize(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonizeSimple canonicalizes simple.json with a warm Processor.
func BenchmarkCanonizeSimple(b *testing.B) {
	p := ld.NewProcessor(testLoader(b))
	doc := fixture(b, "simple.json")
	delete(doc, "proof")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := p.Canonize(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckDefinedComplete runs the strictness check on complete.json.
func BenchmarkCheckDefinedComplete(b *testing.B) {
	p := ld.NewProcessor(testLoader(b))
	doc := fixture(b, "complete.json")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := p.CheckDefined(doc); err != nil {
			b.Fatal(err)
		}
	}
}
