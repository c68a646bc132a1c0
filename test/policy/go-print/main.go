// Reference tool for src/policy/go-quote.ts, run with the Go toolchain (not part of the CLI).
//
//	go run test/policy/go-print/main.go table > src/policy/go-print-ranges.ts  (regenerates the table)
//	go run test/policy/go-print/main.go quote < lines  (Go %q of each JSON-encoded line)
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"unicode"
)

func table() {
	// Runes >= U+0080 that strconv.IsPrint rejects, as maximal [lo, hi] ranges. Surrogates are
	// not runes (Go never sees them in a valid string); they are left out of the ranges.
	var ranges [][2]int
	for r := 0x80; r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF || strconv.IsPrint(rune(r)) {
			continue
		}
		if n := len(ranges); n > 0 && ranges[n-1][1] == r-1 {
			ranges[n-1][1] = r
		} else {
			ranges = append(ranges, [2]int{r, r})
		}
	}
	// Delta encoding in base 36: lo - previous hi, then hi - lo, comma separated.
	parts := make([]string, 0, 2*len(ranges))
	prev := 0
	for _, rg := range ranges {
		parts = append(parts, strconv.FormatInt(int64(rg[0]-prev), 36), strconv.FormatInt(int64(rg[1]-rg[0]), 36))
		prev = rg[1]
	}
	data := strings.Join(parts, ",")
	fmt.Printf("// Pure, generated: the runes >= U+0080 that Go's strconv.IsPrint rejects (%s, Unicode %s).\n", runtime.Version(), unicode.Version)
	fmt.Println("// Regenerate with `go run test/policy/go-print/main.go table > src/policy/go-print-ranges.ts`; do not edit.")
	fmt.Println()
	fmt.Printf("/** %d ranges, delta-encoded in base 36: `lo - previous hi`, `hi - lo`, comma separated. */\n", len(ranges))
	fmt.Println("export const GO_NON_PRINT_RANGES =")
	for len(data) > 0 {
		n := 96
		if n > len(data) {
			n = len(data)
		}
		sep := " +"
		if n == len(data) {
			sep = ";"
		}
		fmt.Printf("  '%s'%s\n", data[:n], sep)
		data = data[n:]
	}
}

func quote() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var s string
		if err := json.Unmarshal(in.Bytes(), &s); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintf(out, "%q\n", s)
	}
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "table" {
		table()
	} else if len(os.Args) == 2 && os.Args[1] == "quote" {
		quote()
	} else {
		fmt.Fprintln(os.Stderr, "usage: go-print table|quote")
		os.Exit(2)
	}
}
