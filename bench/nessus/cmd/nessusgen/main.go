// Command nessusgen writes the benchmark's scan to a file, for measuring or
// profiling by hand what TestNessusImportAtScale measures. Run it from the
// repository root, where the sample paths resolve:
//
//	go run ./bench/nessus/cmd/nessusgen -mb 350 -o /tmp/bench.nessus
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	nessusbench "github.com/isms-dev/isms/bench/nessus"
)

func main() {
	mb := flag.Int("mb", 350, "size of the scan in MB (10^6 bytes)")
	hosts := flag.Int("hosts", 0, "write exactly this many hosts instead")
	out := flag.String("o", "", "output file (required)")
	dir := flag.String("samples", "bench/nessus", "folder holding testdata/ with the sample scans")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	var paths []string
	for _, p := range nessusbench.Samples {
		paths = append(paths, filepath.Join(*dir, p))
	}
	if err := run(paths, *out, nessusbench.Options{Bytes: int64(*mb) * 1_000_000, Hosts: *hosts}); err != nil {
		fmt.Fprintln(os.Stderr, "nessusgen:", err)
		os.Exit(1)
	}
}

func run(paths []string, out string, opt nessusbench.Options) error {
	g, err := nessusbench.NewGenerator(paths...)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	st, err := g.Write(f, opt)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes, %d hosts, %d ReportItems (%d distinct per host)\n", out, st.Bytes, st.Hosts, st.Items, st.DistinctItems)
	return nil
}
