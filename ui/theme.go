package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme settings: the values the theme preference stores.
const (
	ThemeSystem = "system"
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// themes lists the theme settings in the order the settings screen shows
// them.
var themes = []string{ThemeSystem, ThemeLight, ThemeDark}

// variantTheme is Fyne's default theme held to one variant (light or dark)
// whatever the system prefers.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

var _ fyne.Theme = variantTheme{}

// Color returns the default theme's colour for the held variant.
func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// themeFor returns the Fyne theme of a theme setting (the system's default
// for an unknown one).
func themeFor(setting string) fyne.Theme {
	switch setting {
	case ThemeLight:
		return variantTheme{Theme: theme.DefaultTheme(), variant: theme.VariantLight}
	case ThemeDark:
		return variantTheme{Theme: theme.DefaultTheme(), variant: theme.VariantDark}
	}
	return theme.DefaultTheme()
}
