package cmdb

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"servicebook/store"
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
	// The reference and name have a trigram index of their own, the other
	// fields a stored column with one (the server's schema, migration 22):
	// a word is in a CI when it is in either.
	const others = "ci.search_text"
	const names = "(ci.ref || ' ' || ci.name)"
	var all, inName, inOthers []string
	var args, nameArgs, otherArgs []any
	for _, w := range words {
		like := " ILIKE ?"
		if uncased(w) {
			like = " LIKE ?"
		}
		pattern := "%" + escapeLike(w) + "%"
		all = append(all, "("+names+like+" OR "+others+like+")")
		args = append(args, pattern, pattern)
		inOthers, otherArgs = append(inOthers, others+like), append(otherArgs, pattern)
		// A word of one or two characters, which no trigram serves, can be
		// in a name only if the name holds each of its characters (the
		// index ci_name_chars, the server's migration 22); the names that
		// do are then checked for the word. In a reference, it is found
		// with the other fields, with no index.
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
	// the table's order; the page is then sorted by id.
	query := func(q store.Querier, where []string, args []any, n int) ([]CI, error) {
		cis, err := queryCIsIn(ctx, q, "SELECT "+ciColumns+ciFrom+"WHERE "+strings.Join(where, " AND ")+" LIMIT ?", append(args, n)...)
		slices.SortFunc(cis, func(a, b CI) int { return cmp.Compare(a.ID, b.ID) })
		return cis, err
	}
	// Every word has an index in names, and the server is told to use
	// them: left to itself it read the table from the start whenever
	// enough names matched, which is quick only when they come early in
	// the table. 8,000 databases imported last (or rows moved by their
	// updates) took 55-60 ms where the index takes 1-2.
	first, err := s.namesFirst(ctx, func(q store.Querier) ([]CI, error) { return query(q, inName, nameArgs, limit) })
	if err != nil || len(first) == limit {
		return first, err
	}
	where, restArgs := all, args
	switch {
	case len(first) == 0:
		// No name holds every word: the rest is every match.
	case len(words) == 1 && utf8.RuneCountInString(words[0]) > 2:
		// The word is in a reference or name, or elsewhere; those in
		// references and names are listed. (A shorter word's first pass
		// looked in names alone.)
		where = append(inOthers, "NOT ("+inName[0]+")")
		restArgs = append(otherArgs, nameArgs...)
	default:
		where = append(slices.Clone(all), "NOT ("+strings.Join(inName, " AND ")+")")
		restArgs = append(slices.Clone(args), nameArgs...)
	}
	rest, err := query(s.db, where, restArgs, limit-len(first))
	return append(first, rest...), err
}

// namesFirst runs the search's pass over names in a transaction of its
// own, with the planner told to find rows through the bitmap of an index:
// with only the reading of whole tables (enable_seqscan) turned off, it
// walked the whole of another index instead (ci_type_status, 15 ms).
func (s *Store) namesFirst(ctx context.Context, pass func(store.Querier) ([]CI, error)) ([]CI, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)"); err != nil {
		return nil, err
	}
	return pass(tx)
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
