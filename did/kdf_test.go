package did

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewKDFParams(t *testing.T) {
	p, err := NewKDFParams()
	require.NoError(t, err)
	require.NoError(t, p.Validate())
	require.EqualValues(t, 256*1024, p.Memory)
	require.EqualValues(t, 3, p.Time)
	require.EqualValues(t, 4, p.Threads)
	require.Len(t, p.Salt, 16)

	q, err := NewKDFParams()
	require.NoError(t, err)
	require.NotEqual(t, p.Salt, q.Salt, "each call draws a fresh salt")

	b, err := json.Marshal(p)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	require.ElementsMatch(t, []string{"m", "t", "p", "salt"}, keys(m))
	var back KDFParams
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, p, back)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestKDFParamsValidate(t *testing.T) {
	ok := KDFParams{Memory: 65536, Time: 3, Threads: 4, Salt: make([]byte, 16)}
	with := func(f func(*KDFParams)) KDFParams {
		p := ok
		p.Salt = bytes.Clone(ok.Salt)
		f(&p)
		return p
	}
	tests := []struct {
		name string
		p    KDFParams
		want error
		msg  string
	}{
		{"floor", ok, nil, ""},
		{"ceiling", KDFParams{Memory: 1 << 20, Time: 32, Threads: 64, Salt: make([]byte, 64)}, nil, ""},
		{"memory low", with(func(p *KDFParams) { p.Memory = 65535 }), ErrWeakKDF, "memory (m) is 65535 KiB, allowed 65536..1048576 KiB"},
		{"memory zero", with(func(p *KDFParams) { p.Memory = 0 }), ErrWeakKDF, "memory (m)"},
		{"memory high", with(func(p *KDFParams) { p.Memory = 1<<20 + 1 }), ErrKDFTooCostly, "memory (m) is 1048577 KiB, allowed 65536..1048576 KiB"},
		{"time low", with(func(p *KDFParams) { p.Time = 2 }), ErrWeakKDF, "time (t) is 2, allowed 3..32"},
		{"time high", with(func(p *KDFParams) { p.Time = 33 }), ErrKDFTooCostly, "time (t) is 33, allowed 3..32"},
		{"threads zero", with(func(p *KDFParams) { p.Threads = 0 }), ErrWeakKDF, "threads (p) is 0, allowed 1..64"},
		{"threads high", with(func(p *KDFParams) { p.Threads = 65 }), ErrKDFTooCostly, "threads (p) is 65, allowed 1..64"},
		{"salt short", with(func(p *KDFParams) { p.Salt = p.Salt[:15] }), ErrWeakKDF, "salt length is 15 bytes, allowed 16..64 bytes"},
		{"salt nil", with(func(p *KDFParams) { p.Salt = nil }), ErrWeakKDF, "salt length is 0 bytes"},
		{"salt long", with(func(p *KDFParams) { p.Salt = make([]byte, 65) }), ErrKDFTooCostly, "salt length is 65 bytes, allowed 16..64 bytes"},
		{"zero value", KDFParams{}, ErrWeakKDF, "memory (m)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.msg)

			// DeriveKey refuses the same parameters before any work.
			k, err := DeriveKey([]byte("passphrase"), tc.p)
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, k)
		})
	}
}

// TestArgon2idReferenceVector checks the Argon2id wiring (variant, version,
// parameter order) against the reference implementation's test suite
// (phc-winner-argon2 src/test.c: argon2id v=19, m=65536, t=2, p=1,
// "password", "somesalt"). The vector's t and salt are below our floor, so
// it runs through the unchecked helper.
func TestArgon2idReferenceVector(t *testing.T) {
	got := argon2id([]byte("password"), KDFParams{Memory: 65536, Time: 2, Threads: 1, Salt: []byte("somesalt")})
	require.Equal(t, "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7", hex.EncodeToString(got))
}

func TestDeriveKey(t *testing.T) {
	p, err := NewKDFParams()
	require.NoError(t, err)
	pass := []byte("correct horse battery staple")

	k1, err := DeriveKey(pass, p)
	require.NoError(t, err)
	require.Len(t, k1, 32)
	k2, err := DeriveKey(pass, p)
	require.NoError(t, err)
	require.Equal(t, k1, k2, "deterministic")

	other := p
	other.Salt = bytes.Clone(p.Salt)
	other.Salt[0] ^= 1
	k3, err := DeriveKey(pass, other)
	require.NoError(t, err)
	require.NotEqual(t, k1, k3, "salt sensitive")

	k4, err := DeriveKey([]byte("correct horse battery stapler"), p)
	require.NoError(t, err)
	require.NotEqual(t, k1, k4, "passphrase sensitive")

	_, err = DeriveKey(nil, p)
	require.ErrorIs(t, err, ErrEmptyPassphrase)
	_, err = DeriveKey([]byte{}, p)
	require.ErrorIs(t, err, ErrEmptyPassphrase)
}

func BenchmarkDeriveKey(b *testing.B) {
	p, err := NewKDFParams()
	if err != nil {
		b.Fatal(err)
	}
	pass := []byte("correct horse battery staple")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DeriveKey(pass, p); err != nil {
			b.Fatal(err)
		}
	}
}
