package benchrun

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// passportOut is go test output of the four passport benchmarks in the
// format the test binary prints (two counts of Build10k).
const passportOut = "goos: linux\n" +
	"BenchmarkNormalize-2      \t   43864\t     27839 ns/op\t  48.85 MB/s\t   10079 B/op\t     180 allocs/op\n" +
	"BenchmarkBuild10k-2       \t     100\t  12000000 ns/op\t         1.5 MB-held\t         7.5 MB-records\t 2336265 B/op\t    3220 allocs/op\n" +
	"BenchmarkBuild10k-2       \t     100\t  14000000 ns/op\t         2.5 MB-held\t         7.5 MB-records\t 2336265 B/op\t    3220 allocs/op\n" +
	"BenchmarkAdd-2            \t 1000000\t      1250 ns/op\t     223 B/op\t       1 allocs/op\n" +
	"BenchmarkNaiveRebuild-2   \t      93\t  10000000 ns/op\t 2336264 B/op\t    3220 allocs/op\n" +
	"PASS\n"

const passportPattern = "^(BenchmarkBuild10k|BenchmarkNaiveRebuild|BenchmarkAdd|BenchmarkNormalize)$"

func rowsByName(rows []row) map[string]row {
	m := map[string]row{}
	for _, r := range rows {
		m[r.Name] = r
	}
	return m
}

func TestPassportRows(t *testing.T) {
	tests := []struct {
		name string
		run  benchRun
		// want maps a row name to its time, other, aim and met cells.
		want map[string][4]string
		rows int
	}{
		{
			name: "all measured",
			run:  benchRun{Pattern: passportPattern, Results: parseBenchOutput([]byte(passportOut))},
			want: map[string][4]string{
				"Build10k":                          {"13.00 ms", "from 10,000 normalised records", "< 50 ms", "yes"},
				"NaiveRebuild":                      {"10.00 ms", "whole rebuild from 10,001 records", "-", "-"},
				"  ratio Build10k/NaiveRebuild":     {"1.30x", "", "-", "-"},
				"  memory held, records + passport": {"-", "9.5 MB (records 7.5 + passport 2.0)", "< 50 MB", "yes"},
				"Add":                               {"1.2 µs", "one record into 10,000; NaiveRebuild/Add 8000x", "< 1 ms", "yes"},
				"Normalize":                         {"27.8 µs", "per credential, 48.9 MB/s of JSON", "-", "-"},
			},
			rows: 6,
		},
		{
			name: "aims missed",
			run: benchRun{Pattern: passportPattern, Results: parseBenchOutput([]byte(
				"BenchmarkBuild10k-2 \t 10\t 60000000 ns/op\t 30 MB-held\t 25 MB-records\n" +
					"BenchmarkNaiveRebuild-2 \t 10\t 60000000 ns/op\n" +
					"BenchmarkAdd-2 \t 10\t 2000000 ns/op\n" +
					"BenchmarkNormalize-2 \t 10\t 5000 ns/op\n"))},
			want: map[string][4]string{
				"Build10k":                          {"60.00 ms", "from 10,000 normalised records", "< 50 ms", "NO"},
				"  ratio Build10k/NaiveRebuild":     {"1.00x", "", "-", "-"},
				"  memory held, records + passport": {"-", "55.0 MB (records 25.0 + passport 30.0)", "< 50 MB", "NO"},
				"Add":                               {"2.00 ms", "one record into 10,000; NaiveRebuild/Add 30x", "< 1 ms", "NO"},
			},
			rows: 6,
		},
		{
			name: "Add failed, no memory metrics",
			run: benchRun{Pattern: passportPattern, Err: "exit status 1", Results: parseBenchOutput([]byte(
				"BenchmarkBuild10k-2 \t 10\t 20000000 ns/op\n" +
					"BenchmarkNormalize-2 \t 10\t 5000 ns/op\n"))},
			want: map[string][4]string{
				"Build10k":                          {"20.00 ms", "from 10,000 normalised records", "< 50 ms", "yes"},
				"NaiveRebuild":                      {"FAILED", "see the end of the report", "-", "-"},
				"  memory held, records + passport": {"-", "no MB-records / MB-held metric", "< 50 MB", "-"},
				"Add":                               {"FAILED", "see the end of the report", "< 1 ms", "-"},
			},
			rows: 5,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := passportRows([]benchRun{tt.run})
			require.Len(t, rows, tt.rows)
			got := rowsByName(rows)
			for name, w := range tt.want {
				r, ok := got[name]
				require.True(t, ok, "no row %q in %+v", name, rows)
				require.Equal(t, w, [4]string{r.Time, r.Extra, r.Aim, r.Met}, name)
			}
		})
	}
	require.Nil(t, passportRows(nil))
}

// qrOut is go test output of BenchmarkQRSize (two cases) and of one image
// benchmark in the format the test binary prints.
const qrOut = "BenchmarkQRSize/a-ed25519/plain-2         \t       1\t      1863 ns/op\t      1837 bytes\t        36.00 qr-version\t    2048 B/op\t       1 allocs/op\n" +
	"BenchmarkQRSize/a-ed25519/zlib-base45-2   \t       1\t   1149961 ns/op\t      1361 bytes\t        25.00 qr-version\t  817328 B/op\t      27 allocs/op\n" +
	"BenchmarkQRSize/a-ed25519/sp1-2           \t       1\t    501696 ns/op\t       613.0 bytes\t        15.00 qr-version\t  874152 B/op\t    1143 allocs/op\n" +
	"BenchmarkQRSize/b-bbs/plain-2             \t       1\t      1171 ns/op\t      2816 bytes\t         0 qr-version\t    3072 B/op\t       1 allocs/op\n" +
	"BenchmarkQRSize/b-bbs/zlib-base45-2       \t       1\t    180619 ns/op\t      2319 bytes\t        33.00 qr-version\t  820656 B/op\t      28 allocs/op\n" +
	"BenchmarkQRSize/b-bbs/sp1-2               \t       1\t    464231 ns/op\t      1539 bytes\t        26.00 qr-version\t  896920 B/op\t    1174 allocs/op\n" +
	"BenchmarkEncodePNG/(a)_Ed25519Signature2020_OB,_short_texts-2 \t 145\t 8391656 ns/op\t 3359604 B/op\t 35552 allocs/op\n" +
	"BenchmarkEncodePNG/(b)_BBS+_OB,_3_of_8_claims_disclosed,_short_texts-2 \t 5\t 120000000 ns/op\t 6049766 B/op\t 85337 allocs/op\n" +
	"PASS\n"

func TestQRResults(t *testing.T) {
	rs := parseBenchOutput([]byte(qrOut))
	q := qrResults([]benchRun{
		{Pattern: "^(BenchmarkQRSize)$", Results: rs[:6]},
		{Pattern: "^(BenchmarkEncodePNG|BenchmarkReadPNGDecode)$", Results: rs[6:], Err: "exit status 1"},
	})
	require.NotNil(t, q)
	require.Equal(t, []qrSizeRow{
		{Case: "a-ed25519", Label: qrCaseLabels["a-ed25519"], Plain: &qrCell{1837, 36}, Zlib: &qrCell{1361, 25}, SP1: &qrCell{613, 15}, Aim: 15, Met: "yes"},
		{Case: "b-bbs", Label: qrCaseLabels["b-bbs"], Plain: &qrCell{2816, 0}, Zlib: &qrCell{2319, 33}, SP1: &qrCell{1539, 26}, Aim: 23, Met: "NO"},
	}, q.Sizes)
	require.Equal(t, []string{"ReadPNGDecode"}, q.Failed)
	timings := rowsByName(q.Timings)
	require.Len(t, q.Timings, 3)
	require.Equal(t, "yes", timings["EncodePNG/(a) Ed25519Signature2020 OB, short texts"].Met)
	require.Equal(t, "NO", timings["EncodePNG/(b) BBS+ OB, 3 of 8 claims disclosed, short texts"].Met)
	require.Equal(t, "< 100 ms", timings["ReadPNGDecode"].Aim)
	require.Equal(t, "FAILED", timings["ReadPNGDecode"].Time)

	require.Nil(t, qrResults(nil))
}

func TestQRCells(t *testing.T) {
	tests := []struct {
		name      string
		zlib, sp1 *qrCell
		aim       int
		cell      string
		gain      string
		met       string
	}{
		{"fits", &qrCell{1361, 25}, &qrCell{613, 16}, 15, "613 B, v16", "0.45x bytes, -9 versions", "NO"},
		{"on the aim", &qrCell{1000, 20}, &qrCell{500, 15}, 15, "500 B, v15", "0.50x bytes, -5 versions", "yes"},
		{"over v40", &qrCell{3000, 0}, &qrCell{2900, 0}, 23, "2900 B, over v40", "0.97x bytes", "NO"},
		{"no aim", &qrCell{100, 3}, &qrCell{50, 2}, 0, "50 B, v2", "0.50x bytes, -1 versions", "-"},
		{"not measured", nil, nil, 15, "-", "-", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.cell, tt.sp1.String())
			require.Equal(t, tt.gain, versionGain(tt.zlib, tt.sp1))
			require.Equal(t, tt.met, qrMet(tt.sp1, tt.aim))
		})
	}
	for c, aim := range map[string]int{"a-ed25519": 15, "a-ed25519-long": 15, "b-bbs": 23, "b-bbs-long": 23, "c-other": 0} {
		require.Equal(t, aim, qrAim(c), c)
	}
}

func TestRenderSections(t *testing.T) {
	rs := parseBenchOutput([]byte(qrOut))
	rep := &report{
		PassportRows: passportRows([]benchRun{{Pattern: passportPattern, Results: parseBenchOutput([]byte(passportOut))}}),
		QR:           qrResults([]benchRun{{Pattern: "^(BenchmarkQRSize|BenchmarkEncodePNG)$", Results: rs}}),
	}
	var buf bytes.Buffer
	renderReport(&buf, rep)
	out := buf.String()
	for _, want := range []string{
		"3. Skills passport",
		"  ratio Build10k/NaiveRebuild",
		"4. QR codes",
		"(a) Ed25519Signature2020 OB, holder-signed",
		"1837 B, v36",
		"2816 B, over v40",
		"1539 B, v26",
		"<= v23",
		"EncodePNG/(a) Ed25519Signature2020 OB, short texts",
	} {
		require.Contains(t, out, want)
	}
	require.Less(t, bytes.Index(buf.Bytes(), []byte("3. Skills passport")), bytes.Index(buf.Bytes(), []byte("4. QR codes")))
}

func TestGoBenchSpecs(t *testing.T) {
	cfg := &config{benchtime: "1s", importBT: "1x", openBT: "5x", kdfBT: "3x", passportBT: "0.5s", qrBT: "0.5s", count: 3}
	specs := goBenchSpecs(cfg)
	got := map[string][]string{}
	for _, s := range specs {
		got[s.section] = append(got[s.section], s.names...)
		if contains(s.names, "BenchmarkQRSize") {
			require.Equal(t, "1x", s.benchtime)
			require.Equal(t, 1, s.count)
			require.Len(t, s.names, 1, "BenchmarkQRSize runs alone, at 1x")
		}
	}
	require.Equal(t, []string{"BenchmarkBuild10k", "BenchmarkNaiveRebuild", "BenchmarkAdd", "BenchmarkNormalize"}, got[sectionPassport])
	require.Equal(t, []string{"BenchmarkQRSize", "BenchmarkEncodePNG", "BenchmarkReadPNGDecode", "BenchmarkPresentDisclose", "BenchmarkVerifyDisclosed"}, got[sectionQR])
	require.Contains(t, got[sectionGo], "BenchmarkReceive")

	runs := []benchRun{{Section: sectionGo, Package: "a"}, {Section: sectionQR, Package: "b"}, {Section: sectionGo, Package: "c"}}
	require.Equal(t, []benchRun{runs[0], runs[2]}, runsOf(runs, sectionGo))
	require.Empty(t, runsOf(runs, sectionPassport))
}
