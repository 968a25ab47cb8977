//go:build unix

package rdfc_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user+system) the test process has used. The
// benchmarks report it beside wall time because the build machine is shared:
// wall time includes waiting for a core.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
