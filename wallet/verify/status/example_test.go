package status_test

import (
	"fmt"

	"github.com/skillpass/skillpass/wallet/verify/status"
)

// An issuer revokes entry 94567 and publishes the list.
func ExampleList_Encode() {
	l, err := status.NewList(status.MinListEntries)
	if err != nil {
		panic(err)
	}
	if err := l.Set(94567); err != nil {
		panic(err)
	}
	enc, err := l.Encode(status.BitstringStatusList)
	if err != nil {
		panic(err)
	}
	// enc goes into credentialSubject.encodedList; read it back.
	back, err := status.Decode(enc, 1)
	if err != nil {
		panic(err)
	}
	revoked, _ := back.Get(94567)
	other, _ := back.Get(94568)
	fmt.Println(enc[:1], back.Len(), revoked, other)
	// Output: u 131072 true false
}

// The encodedList of the Bitstring Status List v1.0 example.
func ExampleDecode() {
	l, err := status.Decode("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", 1)
	if err != nil {
		panic(err)
	}
	set, _ := l.Get(94567)
	_, err = l.Get(l.Len())
	fmt.Println(l.Len(), set)
	fmt.Println(err)
	// Output:
	// 131072 false
	// read status 131072: status index is outside the status list (131072 entries)
}
