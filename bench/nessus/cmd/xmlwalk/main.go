// Command xmlwalk walks a file with encoding/xml's tokenizer and stores
// nothing: the benchmark's baseline for `isms import nessus`. It prints the
// counts and the seconds it took as one JSON object.
//
//	xmlwalk FILE
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"time"

	nessusbench "github.com/isms-dev/isms/bench/nessus"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: xmlwalk FILE")
		os.Exit(2)
	}
	start := time.Now()
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	c, err := nessusbench.Walk(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		fmt.Fprintln(os.Stderr, "xmlwalk:", err)
		os.Exit(1)
	}
	out := struct {
		nessusbench.Counts
		Seconds float64 `json:"seconds"`
	}{c, time.Since(start).Seconds()}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
