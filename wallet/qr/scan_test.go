package qr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadScannedSheets: pages that gozxing cannot read at full size (its
// finder search fails on them) still read, through the rescan at other
// scales, and give back a Skillpass code.
func TestReadScannedSheets(t *testing.T) {
	for _, name := range []string{"sheet-v25-a.png", "sheet-v25-b.png", "sheet-v29.png"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "scans", name))
			require.NoError(t, err)
			text, err := ReadPNG(b)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(text, Prefix), "a Skillpass code: %.20q", text)
		})
	}
}
