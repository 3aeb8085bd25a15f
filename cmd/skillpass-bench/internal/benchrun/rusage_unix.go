//go:build unix

package benchrun

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSSMB returns the peak resident set size of a finished child process
// in MB (from wait4's rusage), and whether it is known.
func peakRSSMB(ps *os.ProcessState) (float64, bool) {
	if ps == nil {
		return 0, false
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0, false
	}
	kb := float64(ru.Maxrss)
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		kb /= 1024 // bytes there
	}
	return kb / 1024, true
}
