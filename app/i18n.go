package app

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"servicebook/assets"
	"servicebook/sheet"
	"servicebook/store"
)

// Languages the window speaks, as stored in the preferences.
const (
	English = "en"
	Chinese = "zh_Hans"
)

// currentLanguage is the language last set, for what tr cannot translate:
// data in two languages, such as a CI type's English and Chinese names.
var currentLanguage = English

func isChinese() bool { return currentLanguage == Chinese }

// tr translates an English text shown on screen. The English text is the
// key, so a missing translation shows English rather than a key name;
// a test checks that every tr call has an entry in both translation files.
func tr(text string) string { return lang.X(messageID(text), text) }

// trf translates a text with {{.Name}} placeholders.
func trf(text string, data map[string]any) string { return lang.X(messageID(text), text, data) }

// messageID is the key of text in the translation files. go-i18n, under
// Fyne's lang, reads a few words as its own ("description", "other", …)
// and refuses a file that uses them as keys, so those get a prefix.
func messageID(text string) string {
	switch strings.ToLower(text) {
	case "id", "description", "hash", "leftdelim", "rightdelim", "zero", "one", "two", "few", "many", "other":
		return "text: " + text
	}
	return text
}

// systemLanguage is the language to start in before the person chose one:
// Chinese on a Chinese desktop, English otherwise.
func systemLanguage() string {
	if strings.HasPrefix(lang.SystemLocale().String(), "zh") {
		return Chinese
	}
	return English
}

// setLanguage switches every later tr call to language. Fyne 2.7 chooses
// its language from the environment when translations are added and has
// no public setter, so the choice is made through LANGUAGE (which gettext
// conventions put before LANG) and the translations are added again to
// make Fyne read it. Screens are rebuilt by the caller.
func setLanguage(language string) {
	currentLanguage = language
	os.Unsetenv("LC_ALL") // LC_ALL=C would hide LANGUAGE
	if v := os.Getenv("LANG"); v == "" || v == "C" || v == "POSIX" || v == "C.UTF-8" {
		os.Setenv("LANG", "en_US.UTF-8")
	}
	os.Setenv("LANGUAGE", language)
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("loading translations", err)
	}
}

// msgText shows a domain message (see store.Msg) in the window's language,
// or fallback where the message has no template.
func msgText(m store.Msg, fallback string) string {
	if m.Key == "" {
		return fallback
	}
	return lang.X(messageID(m.Key), m.String(), m.Args)
}

// errText is an error as the person should read it, translated where the
// error carries a message template.
func errText(err error) string {
	var e *store.Error
	if errors.As(err, &e) && e.Msg.Key != "" {
		return msgText(e.Msg, e.Message)
	}
	var m store.Msg
	if errors.As(err, &m) {
		return msgText(m, m.String())
	}
	return store.ErrorMessage(err)
}

// cellErrorText names the place of an import problem in the window's
// language: file, sheet, row, column, why.
func cellErrorText(e sheet.CellError) string {
	var place []string
	if e.Sheet != "" {
		place = append(place, trf(`sheet "{{.Sheet}}"`, map[string]any{"Sheet": e.Sheet}))
	}
	if e.Row > 0 {
		place = append(place, trf("row {{.Row}}", map[string]any{"Row": e.Row}))
	}
	if e.Column != "" {
		place = append(place, trf(`column "{{.Column}}"`, map[string]any{"Column": e.Column}))
	}
	reason := msgText(e.Msg, e.Reason)
	if len(place) == 0 {
		return e.File + ": " + reason
	}
	return e.File + ": " + strings.Join(place, tr(", ")) + ": " + reason
}

// newSelect is a drop-down whose "choose" prompt speaks the window's
// language (Fyne's own says "(Select one)" in every language).
func newSelect(options []string, changed func(string)) *widget.Select {
	s := widget.NewSelect(options, changed)
	s.PlaceHolder = tr("(Select one)")
	return s
}

// countText says how many of something there are, in the singular for
// one ("1 CI", "1 plan") and the plural otherwise; Chinese has one form
// for both. many is the message key ("{{.Count}} CIs"), one its
// singular ("{{.Count}} CI").
func countText(n int, one, many string) string {
	if n == 1 {
		return trf(one, map[string]any{"Count": n})
	}
	return trf(many, map[string]any{"Count": n})
}

// phrases translates each template once and fills its values in by plain
// substitution: a list of thousands of rows would otherwise translate the
// same template thousands of times, which costs more than the rest of the
// row. Made afresh for each view, so a change of language is seen.
type phrases map[string]string

// get is trf(template, values), the translation looked up once.
func (p phrases) get(template string, values map[string]any) string {
	pairs := make([]string, 0, 2*len(values))
	for k, v := range values {
		pairs = append(pairs, k, fmt.Sprint(v))
	}
	return p.fill(template, pairs...)
}

// fill is get with the values as name, text pairs: no map to make, for
// the rows of a long list.
func (p phrases) fill(template string, pairs ...string) string {
	pattern, ok := p[template]
	if !ok {
		marks := make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			marks[pairs[i]] = "\x00" + pairs[i] + "\x00"
		}
		pattern = trf(template, marks)
		p[template] = pattern
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		pattern = strings.Replace(pattern, "\x00"+pairs[i]+"\x00", pairs[i+1], 1)
	}
	return pattern
}

// count is countText(n, one, many), the translation looked up once.
func (p phrases) count(n int, one, many string) string {
	if n == 1 {
		return p.fill(one, "Count", "1")
	}
	return p.fill(many, "Count", strconv.Itoa(n))
}
