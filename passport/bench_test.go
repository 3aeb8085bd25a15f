package passport

import (
	"runtime"
	"testing"
)

const benchN = 10_000

// BenchmarkBuild10k builds a passport from 10,000 credentials (JSON bytes,
// parsed inside Build). Aims: under 50 ms, under 50 MB held afterwards.
func BenchmarkBuild10k(b *testing.B) {
	creds := corpus(b, benchN, 1)
	opts := Options{Now: clock(2026, 6, 1)}
	var size int64
	for _, c := range creds {
		size += int64(len(c.JSON))
	}
	if p := Build(creds, opts); p.Len() != benchN { // also warms the heap up
		b.Fatalf("counted %d of %d", p.Len(), benchN)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		Build(creds, opts)
	}
	b.ReportMetric(heapMB(func() any { return Build(creds, opts) }), "MB-held")
	runtime.KeepAlive(creds) // the input stays in both measurements
}

// BenchmarkAdd adds one credential at a time to a passport built from
// 10,000 (each iteration adds a different one; every 4,096 the passport is
// rebuilt, off the clock). Aim: under 1 ms.
func BenchmarkAdd(b *testing.B) {
	const extra = 4096
	creds := corpus(b, benchN+extra, 1)
	opts := Options{Now: clock(2026, 6, 1)}
	p := Build(creds[:benchN], opts)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == extra {
			b.StopTimer()
			p, i = Build(creds[:benchN], opts), 0
			b.StartTimer()
		}
		if err := p.Add(creds[benchN+i]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkNaiveRebuild is what Add saves: rebuilding the whole passport
// from 10,001 credentials after one arrives.
func BenchmarkNaiveRebuild(b *testing.B) {
	creds := corpus(b, benchN+1, 1)
	opts := Options{Now: clock(2026, 6, 1)}
	b.ReportAllocs()
	for b.Loop() {
		if p := Build(creds, opts); p.Len() != benchN+1 {
			b.Fatal("short")
		}
	}
}

// BenchmarkView computes the whole picture of a 10,000-credential passport
// (skills sorted, pathways, expiring).
func BenchmarkView(b *testing.B) {
	p := Build(corpus(b, benchN, 1), Options{Now: clock(2026, 6, 1)})
	b.ReportAllocs()
	for b.Loop() {
		_ = p.View()
	}
}

// heapMB measures the heap a value made by f holds: HeapInuse after a GC
// with the value alive, minus HeapInuse before (the caller keeps f's inputs
// alive across the call).
func heapMB(f func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := f()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / (1 << 20)
}
