package cmdb

import (
	"database/sql/driver"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"modernc.org/sqlite"
)

// The trigram indexes keep no positions (migration 24): they answer which
// CIs hold all of a word's trigrams, not whether the trigrams stand next
// to each other. A word of three characters is one trigram and needs
// nothing more; a longer word's matches are checked against the word itself
// by search_holds and search_holds_values, in the query that reads them
// (Search), so that "abcd" never finds "abc bcd".

func init() {
	// search_holds(word, text, …): whether a text holds word, which
	// foldCase has folded.
	sqlite.MustRegisterDeterministicScalarFunction("search_holds", -1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			if len(args) == 0 {
				return false, nil
			}
			word, _ := args[0].(string)
			texts := make([]string, 0, len(args)-1)
			for _, a := range args[1:] {
				if text, ok := a.(string); ok {
					texts = append(texts, text)
				}
			}
			return holdsAny(word, texts...), nil
		})
	// search_holds_values(word, attributes): whether a value of a CI's
	// attributes (a JSON object, as ci.attributes holds them) holds word.
	sqlite.MustRegisterDeterministicScalarFunction("search_holds_values", 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			word, _ := args[0].(string)
			attrs, _ := args[1].(string)
			return valuesHold(attrs, word), nil
		})
}

// trigramQuery is word as an FTS5 query of a trigram index without
// positions: each of its trigrams once, all of them required.
func trigramQuery(word string) string {
	runes := []rune(word)
	var b strings.Builder
	seen := map[string]bool{}
	for i := 0; i+3 <= len(runes); i++ {
		gram := string(runes[i : i+3])
		if seen[gram] {
			continue
		}
		seen[gram] = true
		if b.Len() > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(ftsString(gram))
	}
	return b.String()
}

// needsRecheck reports whether the trigram index's matches for word must
// be checked against the word: all words of more than three characters.
func needsRecheck(word string) bool { return utf8.RuneCountInString(word) > 3 }

// foldCase is text with every character replaced by the same one for all
// its cases (the least of its simple case folding orbit: a, A → A; σ, ς, Σ
// → Σ), as the trigram index folds case: "Db-Ω" holds "dB-ω".
func foldCase(text string) string {
	ascii := true
	for i := 0; i < len(text); i++ {
		if c := text[i]; c >= utf8.RuneSelf || 'a' <= c && c <= 'z' {
			ascii = false
			break
		}
	}
	if ascii { // nothing to fold: digits, capitals, punctuation
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}

// holds reports whether text holds word, which foldCase has folded.
func holds(text, word string) bool { return holdsAny(word, text) }

// holdsAny reports whether any of texts holds word, which foldCase has
// folded. Folding a text costs a copy: a text that holds the word as it
// is, or a word that no other character folds to (Chinese, digits), needs
// none. A filtered search rechecks 5,000 CIs, and folding every field of
// each made it half as slow again.
func holdsAny(word string, texts ...string) bool {
	for _, text := range texts {
		if strings.Contains(text, word) {
			return true
		}
	}
	if caseless(word) {
		return false
	}
	for _, text := range texts {
		if strings.Contains(foldCase(text), word) {
			return true
		}
	}
	return false
}

// caseless reports whether no character but itself folds to any of
// word's: then a text holds word folded only if it holds it as it is.
// Folding also reads a byte that is not UTF-8 as U+FFFD, which is not
// caseless for that reason.
func caseless(word string) bool {
	for _, r := range word {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				return false
			}
			continue
		}
		if r == utf8.RuneError || unicode.SimpleFold(r) != r {
			return false
		}
	}
	return true
}

// valuesHold reports whether a value of attrs, a JSON object of strings,
// holds word, which foldCase has folded.
func valuesHold(attrs, word string) bool {
	if attrs == "" || attrs == "{}" {
		return false
	}
	// An object without a backslash holds its values as they are: if it
	// does not hold the word at all, no value does.
	if !strings.Contains(attrs, `\`) && !holds(attrs, word) {
		return false
	}
	var values map[string]string
	if json.Unmarshal([]byte(attrs), &values) != nil {
		return false
	}
	for _, v := range values {
		if holds(v, word) {
			return true
		}
	}
	return false
}
