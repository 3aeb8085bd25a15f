package benchrun

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Aims of the passport benchmarks, from passport/bench_test.go.
const (
	aimBuild10kNS = 50e6 // BenchmarkBuild10k: under 50 ms
	aimAddNS      = 1e6  // BenchmarkAdd: under 1 ms
	aimPassportMB = 50.0 // the 10,000 records and the passport together: under 50 MB
)

// Result names (without "Benchmark") of the passport benchmarks the report
// shows, and the custom metrics BenchmarkBuild10k reports.
const (
	nameBuild10k     = "Build10k"
	nameNaiveRebuild = "NaiveRebuild"
	nameAdd          = "Add"
	nameNormalize    = "Normalize"
	unitMBRecords    = "MB-records" // what the 10,000 records hold
	unitMBHeld       = "MB-held"    // what the passport holds on top of them
)

// passportRows turns the passport benchmark runs into table rows, in a
// fixed order: Build10k, NaiveRebuild and their ratio, the memory the
// records and the passport hold, Add, Normalize. A benchmark that printed
// no result gets a FAILED row. It returns nil when there is no run.
func passportRows(runs []benchRun) []row {
	if len(runs) == 0 {
		return nil
	}
	var rs []benchResult
	failed := map[string]bool{}
	for _, r := range runs {
		rs = append(rs, r.Results...)
		for _, n := range missingNames(r) {
			failed[n] = true
		}
	}
	has := func(name string) bool {
		_, ok := metricOf(rs, name, "ns/op")
		return ok && !failed[name]
	}
	timed := func(name string) row {
		ns, _ := metricOf(rs, name, "ns/op")
		r := row{Name: name, Time: fmtNS(ns), Aim: "-", Met: "-"}
		if b, ok := metricOf(rs, name, "B/op"); ok {
			r.Mem = fmtBytes(b)
		}
		if a, ok := metricOf(rs, name, "allocs/op"); ok {
			r.Allocs = fmt.Sprintf("%.0f", a)
		}
		return r
	}
	withAim := func(r row, aim string) row {
		r.Aim = aim
		return r
	}

	var rows []row
	build, _ := metricOf(rs, nameBuild10k, "ns/op")
	naive, _ := metricOf(rs, nameNaiveRebuild, "ns/op")
	hasBuild, hasNaive := has(nameBuild10k), has(nameNaiveRebuild)
	aimBuild := fmt.Sprintf("< %g ms", aimBuild10kNS/1e6)
	aimMem := fmt.Sprintf("< %g MB", aimPassportMB)
	if hasBuild {
		r := timed(nameBuild10k)
		r.Extra = "from 10,000 normalised records"
		r.Aim, r.Met = aimBuild, met(build < aimBuild10kNS)
		rows = append(rows, r)
	} else {
		rows = append(rows, withAim(failedRow(nameBuild10k), aimBuild))
	}
	if hasNaive {
		r := timed(nameNaiveRebuild)
		r.Extra = "whole rebuild from 10,001 records"
		rows = append(rows, r)
	} else {
		rows = append(rows, failedRow(nameNaiveRebuild))
	}
	if hasBuild && hasNaive && naive > 0 {
		rows = append(rows, row{Name: "  ratio Build10k/NaiveRebuild", Time: fmtRatio(build / naive), Aim: "-", Met: "-"})
	}
	recMB, hasRec := metricOf(rs, nameBuild10k, unitMBRecords)
	heldMB, hasHeld := metricOf(rs, nameBuild10k, unitMBHeld)
	switch {
	case hasBuild && hasRec && hasHeld:
		total := recMB + heldMB
		rows = append(rows, row{Name: "  memory held, records + passport", Time: "-",
			Extra: fmt.Sprintf("%.1f MB (records %.1f + passport %.1f)", total, recMB, heldMB),
			Aim:   aimMem, Met: met(total < aimPassportMB)})
	case hasBuild:
		rows = append(rows, row{Name: "  memory held, records + passport", Time: "-",
			Extra: fmt.Sprintf("no %s / %s metric", unitMBRecords, unitMBHeld), Aim: aimMem, Met: "-"})
	}
	aimAdd := fmt.Sprintf("< %g ms", aimAddNS/1e6)
	if has(nameAdd) {
		add, _ := metricOf(rs, nameAdd, "ns/op")
		r := timed(nameAdd)
		r.Extra = "one record into 10,000"
		if hasNaive && add > 0 {
			r.Extra += fmt.Sprintf("; NaiveRebuild/Add %.0fx", naive/add)
		}
		r.Aim, r.Met = aimAdd, met(add < aimAddNS)
		rows = append(rows, r)
	} else {
		rows = append(rows, withAim(failedRow(nameAdd), aimAdd))
	}
	if has(nameNormalize) {
		r := timed(nameNormalize)
		r.Extra = "per credential"
		if mbs, ok := metricOf(rs, nameNormalize, "MB/s"); ok {
			r.Extra += fmt.Sprintf(", %.1f MB/s of JSON", mbs)
		}
		rows = append(rows, r)
	} else {
		rows = append(rows, failedRow(nameNormalize))
	}
	return rows
}

// renderRows prints rows as the Go benchmark tables do.
func renderRows(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  benchmark\ttime/op\tB/op\tallocs/op\tother\taim\tmet")
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Time, dash(r.Mem), dash(r.Allocs), dash(r.Extra), r.Aim, r.Met)
	}
	tw.Flush()
}

// renderPassport prints section 3.
func renderPassport(w io.Writer, rows []row) {
	fmt.Fprintln(w, "\n3. Skills passport (passport: Build10k, NaiveRebuild, Add, Normalize)")
	renderRows(w, rows)
	fmt.Fprintln(w, "  memory: HeapInuse after a GC with the 10,000 records alive (MB-records) plus what a built passport adds (MB-held), MiB")
}
