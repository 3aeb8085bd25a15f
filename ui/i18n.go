package ui

import (
	"embed"
	"fmt"
	"os"
	"sync"

	"fyne.io/fyne/v2/lang"
)

// translations holds one JSON file per language (en.json, de.json): message
// ids are the English texts, as lang.L looks them up.
//
//go:embed translations/*.json
var translations embed.FS

// Languages the app can be shown in, by the value the language setting
// stores ("" follows the system).
var Languages = []string{"", "en", "de"}

// languageNames names each of Languages in its own language.
var languageNames = map[string]string{"en": "English", "de": "Deutsch"}

// originalEnv keeps the locale variables as the process started, so that
// the "system" language can be restored after another one was chosen.
var originalEnv struct {
	once sync.Once
	vars map[string]*string
}

// localeVars are the variables Fyne's lang package reads (through
// go-locale) to choose the language.
var localeVars = []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}

// SetupLanguage loads the app's translations and chooses the language they
// are shown in: code is one of Languages ("" follows the system's locale).
// Screens read their texts when they are built, so a change shows in the
// screens built afterwards (the app after a restart).
//
// Fyne's lang package offers no call to choose a language: it reads the
// locale environment variables when translations are added, so the app
// language is set there for this process (LANGUAGE and LC_ALL; nothing is
// passed to child processes, as the app starts none).
func SetupLanguage(code string) error {
	originalEnv.once.Do(func() {
		originalEnv.vars = map[string]*string{}
		for _, k := range localeVars {
			if v, ok := os.LookupEnv(k); ok {
				originalEnv.vars[k] = &v
			} else {
				originalEnv.vars[k] = nil
			}
		}
	})
	for _, k := range localeVars {
		var err error
		if v := originalEnv.vars[k]; v != nil {
			err = os.Setenv(k, *v)
		} else {
			err = os.Unsetenv(k)
		}
		if err != nil {
			return fmt.Errorf("set language: %w", err)
		}
	}
	switch code {
	case "":
	case "en", "de":
		for _, k := range []string{"LANGUAGE", "LC_ALL"} {
			if err := os.Setenv(k, code); err != nil {
				return fmt.Errorf("set language: %w", err)
			}
		}
	default:
		return fmt.Errorf("set language: %q is not one of the app's languages", code)
	}
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	return nil
}

// languageLabel is what the language setting shows for code.
func languageLabel(code string) string {
	if code == "" {
		return lang.L("System language")
	}
	return languageNames[code]
}
