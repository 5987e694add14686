package cmdb

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// searchServer is Search on a PostgreSQL server: every word, of any
// length, must occur in the CI's reference, name, description, owner,
// location or an attribute value (ILIKE, served by the pg_trgm indexes of
// the server's schema for words of three characters or more); CIs whose
// reference or name holds every word come first, each group in id order,
// as on a file. Shorter words are found in names by their characters
// (ci_name_chars).
func (s *Store) searchServer(ctx context.Context, text string, limit int) ([]CI, error) {
	words := strings.Fields(text)
	if len(words) == 0 {
		return nil, nil
	}
	const everything = "ci.search_text" // a stored column (the server's schema)
	const names = "(ci.ref || ' ' || ci.name)"
	var all, inName []string
	var args []any
	var nameArgs []any
	for _, w := range words {
		like := " ILIKE ?"
		if uncased(w) {
			like = " LIKE ?"
		}
		pattern := "%" + escapeLike(w) + "%"
		all = append(all, everything+like)
		args = append(args, pattern)
		// A word of one or two characters, which no trigram serves, can be
		// in a name only if the name holds each of its characters (the
		// index ci_name_chars, the server's migration 22); the names that
		// do are then checked for the word. In a reference, it is found
		// with the other fields.
		if n := utf8.RuneCountInString(w); n <= 2 {
			chars := "ARRAY[lower(?)]"
			if n == 2 {
				chars = "ARRAY[lower(?), lower(?)]"
			}
			inName = append(inName, "servicebook_chars(lower(ci.name)) @> "+chars+" AND lower(ci.name) LIKE lower(?)")
			for _, r := range w {
				nameArgs = append(nameArgs, string(r))
			}
			nameArgs = append(nameArgs, pattern)
		} else {
			inName = append(inName, names+like)
			nameArgs = append(nameArgs, pattern)
		}
	}
	// No ORDER BY: asked for the first matches in id order, the server
	// either walked every CI in that order (0.7 s at 100k CIs for a word
	// few of them hold) or fetched and sorted every match (0.2 s for a
	// location 50,000 share). Without it, it stops at the first page, in
	// the table's order, which is the order CIs were written; the page is
	// then sorted by id. (Told to always use the trigram index instead,
	// it took 15–95 ms where it now takes 1–7.)
	query := func(where []string, args []any, n int) ([]CI, error) {
		cis, err := s.queryCIs(ctx, "SELECT "+ciColumns+ciFrom+"WHERE "+strings.Join(where, " AND ")+" LIMIT ?", append(args, n)...)
		slices.SortFunc(cis, func(a, b CI) int { return cmp.Compare(a.ID, b.ID) })
		return cis, err
	}
	first, err := query(inName, nameArgs, limit)
	if err != nil || len(first) == limit {
		return first, err
	}
	where := slices.Clone(all)
	restArgs := append([]any(nil), args...)
	if len(first) > 0 {
		where = append(where, "NOT ("+strings.Join(inName, " AND ")+")")
		restArgs = append(restArgs, nameArgs...)
	}
	rest, err := query(where, restArgs, limit-len(first))
	return append(first, rest...), err
}

// uncased reports whether no letter of word has another case: Chinese,
// digits, punctuation. ILIKE and LIKE then find the same rows, and LIKE
// compares bytes where ILIKE lowers every row's text first: a word no
// index can serve (one or two characters) is looked for in every CI's
// name, and that pass over 100k names took 52 ms with ILIKE, 26 with LIKE.
func uncased(word string) bool {
	for _, r := range word {
		// SimpleFold is r itself only when no other rune folds to r.
		if unicode.SimpleFold(r) != r {
			return false
		}
	}
	return true
}
