package importer_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"

	"github.com/skillpass/skillpass/wallet/importer"
)

func ExampleParse() {
	data, err := os.ReadFile("../../testdata/ob30/simple.jwt")
	if err != nil {
		fmt.Println(err)
		return
	}
	items, err := importer.Parse("simple.jwt", data, importer.DefaultLimits())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range items {
		fmt.Println(it.Format, it.Encoding, it.Index, it.FromPresentation)
	}
	// Output: vc-jwt jwt 0 false
}

func ExampleBakePNG() {
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		fmt.Println(err)
		return
	}
	cred, err := os.ReadFile("../../testdata/ob30/simple.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	baked, err := importer.BakePNG(img.Bytes(), cred)
	if err != nil {
		fmt.Println(err)
		return
	}
	items, err := importer.Parse("badge.png", baked, importer.DefaultLimits())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(items[0].Format, items[0].Encoding, bytes.Equal(items[0].Raw, bytes.TrimSpace(cred)))

	// The same image without the badge:
	_, err = importer.Parse("photo.png", img.Bytes(), importer.DefaultLimits())
	fmt.Println(errors.Is(err, importer.ErrNoCredential))
	fmt.Println(err)
	// Output:
	// baked-png json true
	// true
	// photo.png: PNG has no baked Open Badges credential (iTXt chunk "openbadgecredential"); export the badge from your issuer as a baked PNG, JSON or JWT
}
