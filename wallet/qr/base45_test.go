package qr_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/qr"
)

// TestBase45Vectors checks the examples of RFC 9285 (sections 4.3 and 4.4)
// both ways.
func TestBase45Vectors(t *testing.T) {
	tests := []struct{ raw, enc string }{
		{"AB", "BB8"},
		{"Hello!!", "%69 VD92EX0"},
		{"base-45", "UJCLQE7W581"},
		{"ietf!", "QED8WEX0"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			require.Equal(t, tt.enc, qr.Base45Encode([]byte(tt.raw)))
			got, err := qr.Base45Decode(tt.enc)
			require.NoError(t, err)
			require.Equal(t, []byte(tt.raw), got)
		})
	}
}

// TestBase45Invalid: RFC 9285 section 6 asks decoders to refuse characters
// outside the alphabet, a dangling single character and groups whose value
// exceeds the bytes they encode.
func TestBase45Invalid(t *testing.T) {
	for _, s := range []string{
		"GGW",  // 65536: more than two bytes
		"ZZZ",  // 72485
		"GG",   // 736: more than one byte
		"A",    // a single character left over
		"BB8A", // the same, after a valid group
		"bb8",  // lower case is not in the alphabet
		"BB\n", // nor is a line break
		"BB8\x00\x01",
	} {
		t.Run(s, func(t *testing.T) {
			_, err := qr.Base45Decode(s)
			require.Error(t, err)
		})
	}
}

// TestBase45RoundTrip encodes every two-byte value, and every length up to
// 64, and checks that the output uses only QR alphanumeric characters.
func TestBase45RoundTrip(t *testing.T) {
	var all []byte
	for n := 0; n < 1<<16; n++ {
		all = append(all, byte(n>>8), byte(n))
	}
	inputs := [][]byte{all}
	for n := 0; n <= 64; n++ {
		inputs = append(inputs, bytes.Repeat([]byte{0xff, 0x00, 0x2c}, n)[:n])
	}
	for _, in := range inputs {
		enc := qr.Base45Encode(in)
		require.Len(t, enc, len(in)/2*3+len(in)%2*2)
		require.Empty(t, strings.Trim(enc, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"))
		dec, err := qr.Base45Decode(enc)
		require.NoError(t, err)
		require.Equal(t, in, dec)
	}
}
