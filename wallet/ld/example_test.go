package ld_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/skillpass/skillpass/wallet/ld"
)

func ExampleProcessor_Canonize() {
	l, err := ld.NewLoader()
	if err != nil {
		log.Fatal(err)
	}
	p := ld.NewProcessor(l)
	doc, err := ld.Decode([]byte(`{
		"@context": {"name": "https://schema.org/name"},
		"@id": "https://example.org/badge",
		"name": "Teamwork"
	}`))
	if err != nil {
		log.Fatal(err)
	}
	out, err := p.Canonize(doc)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(out)
	// Output:
	// <https://example.org/badge> <https://schema.org/name> "Teamwork" .
}

func ExampleProcessor_CheckDefined() {
	l, err := ld.NewLoader()
	if err != nil {
		log.Fatal(err)
	}
	p := ld.NewProcessor(l)
	doc, err := ld.Decode([]byte(`{
		"@context": {"name": "https://schema.org/name"},
		"name": "Teamwork",
		"level": "expert"
	}`))
	if err != nil {
		log.Fatal(err)
	}
	err = p.CheckDefined(doc)
	fmt.Println(errors.Is(err, ld.ErrUndefinedTerm))
	fmt.Println(err)
	// Output:
	// true
	// check JSON-LD terms: term not defined by any context: "level" at level
}
