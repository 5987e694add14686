package app

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"servicebook/export"
)

// asciiWord is an English word: three letters or more.
var asciiWord = regexp.MustCompile(`[A-Za-z]{3,}`)

// notEnglish are words that are the same in a Chinese window: names of
// things, formats, abbreviations the users use as they are.
var notEnglish = map[string]bool{
	"servicebook": true, "rto": true, "rpo": true, "mtpd": true, "mtrs": true, "mtbf": true, "pdf": true, "zip": true,
	"xlsx": true, "csv": true, "age": true, "ctrl": true, "esc": true, "english": true, "letter": true, "capex": true, "opex": true,
	"cny":  true,
	"holt": true, "winters": true, "rmse": true, // forecasting's own names
	"tester": true, // the test's user, in "who changed it"
}

// notWords are parts of a text that are not words to translate: file
// paths (the database, a pack's folder) and commands quoted as they are
// typed (servicebook open-pack, sha256sum).
var notWords = regexp.MustCompile(`\S*/\S*|servicebook [a-z-]+|sha256sum|\w+_\w+`)

// dataWords are the English words the sample's own records hold (names,
// descriptions, owners …), read from the full workbook: a label that
// shows data may hold them.
func dataWords(t *testing.T, ui *UI) map[string]bool {
	t.Helper()
	src := export.Sources{CMDB: ui.store.CMDB, Continuity: ui.store.Continuity, Budget: ui.store.Budget, Capacity: ui.store.Capacity}
	data, err := export.WorkbookBytes(context.Background(), src, export.WorkbookOptions{Lang: "zh", AsOf: ui.store.DB.Now()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	words := map[string]bool{}
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for _, row := range rows[1:] { // the header is the program's, not data
			for _, cell := range row {
				for _, w := range asciiWord.FindAllString(cell, -1) {
					words[strings.ToLower(w)] = true
				}
			}
		}
	}
	// Capacity resources' names, metrics and units are the organisation's.
	resources, _ := ui.store.Capacity.Resources(context.Background())
	for _, r := range resources {
		for _, w := range asciiWord.FindAllString(r.Name+" "+r.Metric+" "+r.Unit, -1) {
			words[strings.ToLower(w)] = true
		}
	}
	// The CI types' attribute choices (Oracle, SQL Server, Other) are the
	// types' own definitions, which the organisation edits.
	types, _ := ui.store.CMDB.Types(context.Background())
	for _, ty := range types {
		for _, a := range ty.Attributes {
			for _, c := range a.Choices {
				for _, w := range asciiWord.FindAllString(c, -1) {
					words[strings.ToLower(w)] = true
				}
			}
		}
	}
	return words
}

// shownTexts is every text a person reads on the window now: labels,
// buttons, placeholders, choices, checks.
func shownTexts(ui *UI) []string {
	var out []string
	walk(ui.win.Content(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *widget.Button:
			out = append(out, x.Text)
		case *widget.Check:
			out = append(out, x.Text)
		case *widget.Select:
			out = append(out, x.PlaceHolder, x.Selected)
			out = append(out, x.Options...)
		case *widget.Entry:
			out = append(out, x.PlaceHolder)
		case *widget.RadioGroup:
			out = append(out, x.Options...)
		case *widget.RichText:
			out = append(out, x.String())
		}
	})
	for _, m := range ui.win.MainMenu().Items {
		out = append(out, m.Label)
		for _, it := range m.Items {
			out = append(out, it.Label)
		}
	}
	return out
}

// TestNoEnglishInTheChineseWindow renders every screen in Chinese and
// fails on any English word of three letters or more that is not data (a
// CI's name, an owner) or a name used as it is (RTO, PDF): new English
// cannot slip into the Chinese window unnoticed.
func TestNoEnglishInTheChineseWindow(t *testing.T) {
	ui := newRecordsUI(t)
	ui.SetLanguage(Chinese)
	data := dataWords(t, ui)
	found := map[string][]string{}
	look := func(where string) {
		for _, text := range shownTexts(ui) {
			for _, w := range asciiWord.FindAllString(notWords.ReplaceAllString(text, " "), -1) {
				if lw := strings.ToLower(w); !data[lw] && !notEnglish[lw] {
					found[w] = append(found[w], where+": "+text)
				}
			}
		}
	}
	for i := range ui.screens {
		ui.nav.Select(i)
		ui.show(i)
		look(ui.screens[i].title())
	}
	// The tabs behind the first: a CI's, a plan's, the budget's.
	c := ui.gotoCIs()
	c.query = "核心数据库"
	c.reload()
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	for tab := 0; tab < 4; tab++ {
		c.tab = tab
		c.refreshDetail()
		look(fmt.Sprintf("CI tab %d", tab))
	}
	ui.showScreen(ui.plans)
	ui.plans.open("SM-02004")
	for tab := 0; tab < 6; tab++ {
		ui.plans.tab = tab
		ui.show(ui.current)
		look(fmt.Sprintf("plan tab %d", tab))
	}
	ui.showScreen(ui.budget)
	for tab := budgetLinesTab; tab <= budgetVarianceTab; tab++ {
		ui.budget.tab = tab
		ui.show(ui.current)
		look(fmt.Sprintf("budget tab %d", tab))
	}
	ui.showScreen(ui.avail)
	ui.avail.period = "2026-10"
	ui.show(ui.current)
	look("availability 2026-10")
	words := make([]string, 0, len(found))
	for w := range found {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		t.Errorf("%q in the Chinese window: %q", w, found[w][0])
	}
}
