// Command gen writes the generated files of package qr (run through
// go generate in wallet/qr):
//
//	go run ./internal/gen -step table -out table_gen.go
//	go run ./internal/gen -step flate -out flatedict_gen.go
//
// The table step reads the JSON-LD contexts Skillpass ships (package
// assets) and writes the SP1 term and value dictionary; the flate step
// encodes representative presentations with that dictionary (so it runs
// second) and writes the preset DEFLATE dictionary.
//
// Both outputs are part of the SP1 format: once SP1 is released they must
// never change. The package's tests fail when they do.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/skillpass/skillpass/assets"
)

func main() {
	step := flag.String("step", "", "what to generate: table or flate")
	out := flag.String("out", "", "output file")
	flag.Parse()
	if err := run(*step, *out); err != nil {
		fmt.Fprintf(os.Stderr, "gen: error: %v\n", err)
		os.Exit(1)
	}
}

func run(step, out string) error {
	if out == "" {
		return fmt.Errorf("no -out file")
	}
	src, err := generate(step)
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(out); err == nil && bytes.Equal(old, src) {
		return nil
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

// generate returns the Go source of one step's output file.
func generate(step string) ([]byte, error) {
	switch step {
	case "table":
		ctxs, err := assets.Contexts()
		if err != nil {
			return nil, fmt.Errorf("read contexts: %w", err)
		}
		terms, err := buildTable(ctxs)
		if err != nil {
			return nil, fmt.Errorf("build table: %w", err)
		}
		return renderTable(terms)
	case "flate":
		dict, err := buildFlateDict()
		if err != nil {
			return nil, fmt.Errorf("build DEFLATE dictionary: %w", err)
		}
		return renderFlateDict(dict)
	}
	return nil, fmt.Errorf("unknown -step %q (want table or flate)", step)
}
