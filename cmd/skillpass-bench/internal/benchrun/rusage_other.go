//go:build !unix

package benchrun

import "os"

// peakRSSMB is not available on this system.
func peakRSSMB(*os.ProcessState) (float64, bool) { return 0, false }
