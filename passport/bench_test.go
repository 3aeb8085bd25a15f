package passport

import (
	"runtime"
	"testing"
)

const benchN = 10_000

// BenchmarkNormalize reads one credential into a Record with encoding/json
// (what the wallet does once per credential, when it stores it); each
// iteration takes the next of 1,000 varied credentials.
func BenchmarkNormalize(b *testing.B) {
	creds := corpus(b, 1000, 1)
	var size int64
	for _, c := range creds {
		size += int64(len(c.JSON))
	}
	b.SetBytes(size / int64(len(creds)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Normalize(creds[i%len(creds)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkDecodeRecord reads one stored Record back (what a wallet does
// for each credential when it opens, unless it keeps records in memory).
func BenchmarkDecodeRecord(b *testing.B) {
	in := entries(b, corpus(b, 1000, 1))
	stored := make([][]byte, len(in))
	var size int64
	for i, e := range in {
		enc, err := EncodeRecord(e.Record)
		if err != nil {
			b.Fatal(err)
		}
		stored[i] = enc
		size += int64(len(enc))
	}
	b.SetBytes(size / int64(len(stored)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := DecodeRecord(stored[i%len(stored)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBuild10k builds a passport from 10,000 normalised records (no
// JSON is read). Aims: under 50 ms; under 50 MB for the records and the
// passport together. MB-records is what the 10,000 records hold, MB-held
// what the passport holds on top of them.
func BenchmarkBuild10k(b *testing.B) {
	creds := corpus(b, benchN, 1)
	var in []Entry
	recMB := heapMB(func() any { in = entries(b, creds); return in })
	opts := Options{Now: clock(2026, 6, 1)}
	if p := Build(in, opts); p.Len() != benchN { // also warms the heap up
		b.Fatalf("counted %d of %d", p.Len(), benchN)
	}
	b.ReportAllocs()
	for b.Loop() {
		Build(in, opts)
	}
	b.ReportMetric(recMB, "MB-records")
	b.ReportMetric(heapMB(func() any { return Build(in, opts) }), "MB-held")
	runtime.KeepAlive(in) // the records stay in both measurements
}

// BenchmarkAdd adds one record at a time to a passport built from 10,000
// (each iteration adds a different one; every 4,096 the passport is
// rebuilt, off the clock). Aim: under 1 ms.
func BenchmarkAdd(b *testing.B) {
	const extra = 4096
	in := entries(b, corpus(b, benchN+extra, 1))
	opts := Options{Now: clock(2026, 6, 1)}
	p := Build(in[:benchN], opts)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == extra {
			b.StopTimer()
			p, i = Build(in[:benchN], opts), 0
			b.StartTimer()
		}
		if err := p.Add(in[benchN+i]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRemove takes one record at a time out of a passport built from
// 10,000 (a different one each iteration, CLR stacks among them; every
// 4,096 the passport is rebuilt, off the clock). Aim: under 1 ms.
func BenchmarkRemove(b *testing.B) {
	const batch = 4096
	in := entries(b, corpus(b, benchN, 1))
	in = append(in, entries(b, clrCorpus(b, 20))...)
	opts := Options{Now: clock(2026, 6, 1)}
	p := Build(in, opts)
	order := removalOrder(len(in), 5)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == batch {
			b.StopTimer()
			p, i = Build(in, opts), 0
			b.StartTimer()
		}
		if err := p.Remove(in[order[i]].Record.RecordID); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkNaiveRebuild is what Add and Remove save: rebuilding the whole
// passport from 10,001 records after one arrives.
func BenchmarkNaiveRebuild(b *testing.B) {
	in := entries(b, corpus(b, benchN+1, 1))
	opts := Options{Now: clock(2026, 6, 1)}
	b.ReportAllocs()
	for b.Loop() {
		if p := Build(in, opts); p.Len() != benchN+1 {
			b.Fatal("short")
		}
	}
}

// BenchmarkBuildCredentials10k is the design this package left: building
// from 10,000 credentials' JSON, normalising each on the way.
func BenchmarkBuildCredentials10k(b *testing.B) {
	creds := corpus(b, benchN, 1)
	opts := Options{Now: clock(2026, 6, 1)}
	b.ReportAllocs()
	for b.Loop() {
		if p := BuildCredentials(creds, opts); p.Len() != benchN {
			b.Fatal("short")
		}
	}
}

// BenchmarkView computes the whole picture of a 10,000-credential passport
// (skills sorted, pathways, expiring).
func BenchmarkView(b *testing.B) {
	p := Build(entries(b, corpus(b, benchN, 1)), Options{Now: clock(2026, 6, 1)})
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
