package status

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The encodedList of the examples in both specifications: StatusList2021
// (W3C CCG Status List 2021, w3c/vc-bitstring-status-list commit 754f80e,
// index.html, "StatusList2021Credential" example) and, with the multibase
// prefix, Bitstring Status List v1.0 ("BitstringStatusListCredential"
// example). It is 16KB of zeros: 131,072 unset entries.
const (
	specExampleSL2021    = "H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
	specExampleBitstring = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
)

func TestDecodeSpecExamples(t *testing.T) {
	for _, enc := range []string{specExampleSL2021, specExampleBitstring} {
		t.Run(enc[:5], func(t *testing.T) {
			l, err := Decode(enc, 1)
			require.NoError(t, err)
			require.Equal(t, MinListEntries, l.Len())
			require.Len(t, l.Bytes(), 16*1024)
			require.Equal(t, make([]byte, 16*1024), l.Bytes())
			for _, i := range []int{0, 1, 94567, MinListEntries - 1} {
				set, err := l.Get(i)
				require.NoError(t, err)
				require.False(t, set, i)
			}
			_, err = l.Get(MinListEntries)
			require.ErrorIs(t, err, ErrIndexOutOfRange)
		})
	}
}

// pythonVectorFile holds lists encoded by CPython's gzip and base64 modules
// (see its _source field), independent of this package's encoder.
type pythonVectorFile struct {
	OneBit struct {
		Entries     int    `json:"entries"`
		Set         []int  `json:"set"`
		EncodedList string `json:"encodedList"`
	} `json:"oneBit"`
	TwoBit struct {
		Entries     int               `json:"entries"`
		StatusSize  int               `json:"statusSize"`
		Values      map[string]uint64 `json:"values"`
		EncodedList string            `json:"encodedList"`
	} `json:"twoBit"`
}

func pythonVectors(t *testing.T) pythonVectorFile {
	t.Helper()
	b, err := os.ReadFile("testdata/python-vectors.json")
	require.NoError(t, err)
	var v pythonVectorFile
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

// TestDecodePythonVectors checks the bit order against an independent
// encoder: every entry, not only the set ones.
func TestDecodePythonVectors(t *testing.T) {
	v := pythonVectors(t)
	require.NotEmpty(t, v.OneBit.Set)

	one, err := Decode(v.OneBit.EncodedList, 1)
	require.NoError(t, err)
	require.Equal(t, v.OneBit.Entries, one.Len())
	for i := range one.Len() {
		set, err := one.Get(i)
		require.NoError(t, err)
		require.Equal(t, slices.Contains(v.OneBit.Set, i), set, "entry %d", i)
	}

	two, err := Decode(v.TwoBit.EncodedList, v.TwoBit.StatusSize)
	require.NoError(t, err)
	require.Equal(t, v.TwoBit.Entries, two.Len())
	require.NotEmpty(t, v.TwoBit.Values)
	for i := range two.Len() {
		got, err := two.Value(i)
		require.NoError(t, err)
		require.Equal(t, v.TwoBit.Values[strconv.Itoa(i)], got, "entry %d", i)
	}

	// Our encoder, fed the same entries, yields the same bitstring.
	mine, err := NewList(v.OneBit.Entries)
	require.NoError(t, err)
	for _, i := range v.OneBit.Set {
		require.NoError(t, mine.Set(i))
	}
	require.Equal(t, one.Bytes(), mine.Bytes())
}

func TestEncodeRoundTrip(t *testing.T) {
	cases := []struct {
		name       string
		size       int
		statusSize int
		values     map[int]uint64
	}{
		{"empty 16KB", MinListEntries, 1, nil},
		{"first and last", MinListEntries, 1, map[int]uint64{0: 1, MinListEntries - 1: 1}},
		{"byte edges", 64, 1, map[int]uint64{7: 1, 8: 1, 15: 1, 16: 1}},
		{"size not a multiple of 8", 13, 1, map[int]uint64{12: 1}},
		{"two bits", 1000, 2, map[int]uint64{0: 3, 1: 1, 2: 2, 999: 3}},
		{"three bits across bytes", 100, 3, map[int]uint64{2: 5, 5: 7, 21: 6}},
		{"sixteen bits", 10, 16, map[int]uint64{3: 0xbeef, 9: 1}},
	}
	for _, c := range cases {
		for _, f := range []Format{StatusList2021, BitstringStatusList} {
			t.Run(c.name+"/"+f.String(), func(t *testing.T) {
				l, err := NewMultiBitList(c.size, c.statusSize)
				require.NoError(t, err)
				require.GreaterOrEqual(t, l.Len(), c.size)
				for i, v := range c.values {
					require.NoError(t, l.SetValue(i, v))
				}
				enc, err := l.Encode(f)
				require.NoError(t, err)
				if f == BitstringStatusList {
					require.True(t, strings.HasPrefix(enc, "uH4sI"), enc[:8])
				} else {
					require.True(t, strings.HasPrefix(enc, "H4sI"), enc[:8])
				}
				require.NotContains(t, enc, "=")

				// Decode the form as written, and the standard-alphabet,
				// padded form some StatusList2021 issuers publish.
				raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(enc, "u"))
				require.NoError(t, err)
				for _, form := range []string{enc, base64.StdEncoding.EncodeToString(raw), "m" + base64.RawStdEncoding.EncodeToString(raw)} {
					got, err := Decode(form, c.statusSize)
					require.NoError(t, err)
					require.Equal(t, l.Bytes(), got.Bytes())
					for i := range got.Len() {
						v, err := got.Value(i)
						require.NoError(t, err)
						require.Equal(t, c.values[i], v, "entry %d", i)
					}
				}
			})
		}
	}
}

func TestListSetAndClear(t *testing.T) {
	l, err := NewList(16)
	require.NoError(t, err)
	require.NoError(t, l.Set(0))
	require.NoError(t, l.Set(9))
	require.Equal(t, []byte{0x80, 0x40}, l.Bytes())
	require.NoError(t, l.Clear(0))
	require.Equal(t, []byte{0x00, 0x40}, l.Bytes())

	m, err := NewMultiBitList(4, 4)
	require.NoError(t, err)
	require.NoError(t, m.Set(1))
	require.NoError(t, m.SetValue(2, 0x5))
	require.Equal(t, []byte{0x0f, 0x50}, m.Bytes())
}

func TestListBounds(t *testing.T) {
	for _, c := range []struct {
		name       string
		size, bits int
		want       error
	}{
		{"zero entries", 0, 1, ErrMalformed},
		{"negative entries", -1, 1, ErrMalformed},
		{"zero-bit status", 8, 0, ErrMalformed},
		{"too wide status", 8, MaxStatusSize + 1, ErrMalformed},
		{"too many entries", DefaultMaxListBytes*8 + 1, 1, ErrListTooLarge},
	} {
		_, err := NewMultiBitList(c.size, c.bits)
		require.ErrorIs(t, err, c.want, c.name)
	}

	l, err := NewMultiBitList(8, 2)
	require.NoError(t, err)
	for _, i := range []int{-1, 8, 1 << 62} {
		require.ErrorIs(t, l.Set(i), ErrIndexOutOfRange, i)
		_, err := l.Get(i)
		require.ErrorIs(t, err, ErrIndexOutOfRange, i)
	}
	require.ErrorIs(t, l.SetValue(0, 4), ErrMalformed, "value wider than statusSize")

	var zero List
	require.Equal(t, 0, zero.Len())
	_, err = zero.Get(0)
	require.ErrorIs(t, err, ErrIndexOutOfRange)
	var nilList *List
	require.ErrorIs(t, nilList.Set(0), ErrIndexOutOfRange)
	_, err = nilList.Encode(StatusList2021)
	require.ErrorIs(t, err, ErrMalformed)
	_, err = l.Encode(Format(9))
	require.ErrorIs(t, err, ErrMalformed)
}

func TestDecodeRejects(t *testing.T) {
	notGzip := base64.RawURLEncoding.EncodeToString([]byte("plain bytes, not gzip"))
	truncated := specExampleSL2021[:len(specExampleSL2021)-12]
	for _, c := range []struct {
		name, enc string
		size      int
		want      error
	}{
		{"empty", "", 1, ErrMalformed},
		{"not base64", "H4sI!!!!", 1, ErrMalformed},
		{"unknown multibase prefix", "z" + specExampleSL2021, 1, ErrMalformed},
		{"not gzip", "u" + notGzip, 1, ErrMalformed},
		{"truncated gzip", truncated, 1, ErrMalformed},
		{"mixed alphabets", "H4sI-+/", 1, ErrMalformed},
		{"status size 0", specExampleSL2021, 0, ErrMalformed},
		{"gzip bomb", "u" + gzipBomb(t, DefaultMaxListBytes+1), 1, ErrListTooLarge},
	} {
		_, err := Decode(c.enc, c.size)
		require.ErrorIs(t, err, c.want, c.name)
	}
	// Just at the limit is fine.
	l, err := Decode(gzipBomb(t, DefaultMaxListBytes), 1)
	require.NoError(t, err)
	require.Equal(t, DefaultMaxListBytes*8, l.Len())
	require.True(t, bytes.Equal(l.Bytes()[:8], make([]byte, 8)))
}
