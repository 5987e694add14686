package cmdb

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"unicode"
	"unicode/utf8"

	"servicebook/store"
)

// The trigram indexes keep no positions: a word of more than three
// characters finds only the CIs where it stands whole, in one field, in
// any case, and a value with characters JSON escapes is still searched.
func TestLongWordsMatchOnlyWhereTheyStandWhole(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		mustCreate(t, s, CI{TypeKey: "server", Name: "abc bcd"})                         // every trigram of abcd, apart
		mustCreate(t, s, CI{TypeKey: "server", Name: "srv abc", Description: "bcd cde"}) // … in two fields
		mustCreate(t, s, CI{TypeKey: "server", Name: "x-abcd-1"})
		mustCreate(t, s, CI{TypeKey: "server", Name: "host", Location: "ΣΟΦΊΑ 机房 DC-East"})
		mustCreate(t, s, CI{TypeKey: "server", Name: "files", Attributes: map[string]string{"serial_number": `C:\DATA\dbfile "q" <&>`}})
		mustCreate(t, s, CI{TypeKey: "server", Name: "keys only", Attributes: map[string]string{"serial_number": "plain"}})
		names := func(q string) []string { return namesFound(t, s, q) }
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"abcd", []string{"x-abcd-1"}},
			{"ABCD", []string{"x-abcd-1"}},
			{"abc", []string{"abc bcd", "srv abc", "x-abcd-1"}},
			{"bcde", nil},
			{"abc bcd", []string{"abc bcd", "x-abcd-1", "srv abc"}}, // two words may stand in two fields
			{"ΣΟΦΊΑ", []string{"host"}},
			{"σοφια", nil}, // the accent is kept
			{"dc-east", []string{"host"}},
			{"机房", []string{"host"}},
			{`data\dbfile`, []string{"files"}},
			{`"q"`, []string{"files"}},
			{"<&>", []string{"files"}},
			{"serial", nil}, // an attribute's key is not searched
			{"plain", []string{"keys only"}},
		} {
			if got := names(c.query); !reflect.DeepEqual(got, c.want) {
				t.Errorf("search %q = %q, want %q", c.query, got, c.want)
			}
		}
		// A file folds the case of every script, as its trigram index does;
		// a server's ILIKE folds as the server's locale does.
		if s.db.Dialect == store.SQLite {
			if got := names("σοφία"); !reflect.DeepEqual(got, []string{"host"}) {
				t.Errorf("search σοφία = %q", got)
			}
		}
	})
}

// namesFound is the names of the first 20 CIs a search finds.
func namesFound(t *testing.T, s *Store, query string) []string {
	t.Helper()
	cis, err := s.Search(context.Background(), query, 20)
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	var out []string
	for _, c := range cis {
		out = append(out, c.Name)
	}
	return out
}

func TestFoldCase(t *testing.T) {
	for in, want := range map[string]string{
		"db-01":  "DB-01",
		"DB-01":  "DB-01",
		"Σοφία":  foldCase("ΣΟΦΊΑ"),
		"ς":      foldCase("σ"),
		"数据库":    "数据库",
		"Kelvin": foldCase("\u212aelvin"), // the Kelvin sign folds as K does
	} {
		if got := foldCase(in); got != want {
			t.Errorf("foldCase(%q) = %q, want %q", in, got, want)
		}
	}
	if !holds("核心 Oracle 19c", foldCase("ORACLE")) || holds("abc bcd", foldCase("abcd")) {
		t.Error("holds")
	}
}

// FuzzHolds: any run of a text's characters, each in another of its cases,
// is held by the text and by an attribute value of that text, whatever the
// bytes; and an attributes column that is not JSON holds nothing.
func FuzzHolds(f *testing.F) {
	f.Add("核心 Oracle 19c", 3, 9)
	f.Add("ΣΟΦΊΑ ς", 0, 4)
	f.Add(`C:\DATA "q" <&>`+"\u2028", 2, 12)
	f.Add("\xff\xfeab", 0, 3)
	f.Add("\xf3", 0, 1) // a byte that is not UTF-8 is folded as U+FFFD
	f.Fuzz(func(t *testing.T, text string, from, to int) {
		runes := []rune(text)
		from, to = max(0, min(from, len(runes))), max(0, min(to, len(runes)))
		if from > to {
			from, to = to, from
		}
		word := []rune(string(runes[from:to])) // invalid bytes read as U+FFFD, in both
		for i, r := range word {
			word[i] = unicode.SimpleFold(r)
		}
		folded := foldCase(string(word))
		if !holds(text, folded) {
			t.Errorf("%q does not hold %q (folded %q)", text, string(word), folded)
		}
		attrs, err := json.Marshal(map[string]string{"k": text})
		if err != nil {
			t.Fatal(err)
		}
		if utf8.ValidString(text) && !valuesHold(string(attrs), folded) {
			t.Errorf("attributes %s do not hold %q", attrs, folded)
		}
		if valuesHold(text, "") && !json.Valid([]byte(text)) {
			t.Errorf("%q is not JSON and holds a word", text)
		}
	})
}
