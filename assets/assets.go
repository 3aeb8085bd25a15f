// Package assets embeds the files Skillpass ships inside its binaries: the
// JSON-LD contexts it resolves offline (with the URL map that names them) and
// the application icon.
//
// Nothing in Skillpass downloads a JSON-LD context: a context that is not here
// (or among aries-framework-go's embedded contexts) is an error.
package assets

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

//go:embed contexts icon.png
var files embed.FS

// FS returns the embedded asset tree (contexts/...).
func FS() fs.FS { return files }

// Contexts returns every shipped JSON-LD context keyed by its URL, as listed
// in contexts/URLS.tsv. The returned map is fresh on each call; the byte
// slices are shared and must not be modified.
func Contexts() (map[string][]byte, error) {
	tsv, err := files.ReadFile("contexts/URLS.tsv")
	if err != nil {
		return nil, fmt.Errorf("read context map: %w", err)
	}
	out := make(map[string][]byte)
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		url, file, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("context map line %d: want URL<TAB>file", n)
		}
		doc, err := files.ReadFile(path.Join("contexts", strings.TrimSpace(file)))
		if err != nil {
			return nil, fmt.Errorf("context map line %d: %w", n, err)
		}
		out[strings.TrimSpace(url)] = doc
	}
	return out, sc.Err()
}

// Icon returns the application icon as PNG bytes.
func Icon() []byte {
	b, _ := files.ReadFile("icon.png") // embedded at build time: cannot fail
	return b
}
