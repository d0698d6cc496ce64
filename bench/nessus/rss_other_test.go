//go:build !unix

package nessusbench

import "os"

// peakRSS returns -1: this system's process usage has no peak memory.
func peakRSS(*os.ProcessState) int64 { return -1 }
