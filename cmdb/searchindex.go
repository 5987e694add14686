package cmdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"slices"
	"strings"
	"unicode"

	"modernc.org/sqlite"

	"servicebook/store"
)

func init() {
	// search_grams(text, …) is what ci_grams indexes: it runs inside the
	// statements that keep the search indexes, so that an import's rows are
	// indexed in a few statements rather than one per row.
	sqlite.MustRegisterDeterministicScalarFunction("search_grams", -1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			var b strings.Builder
			for _, a := range args {
				if text, ok := a.(string); ok {
					appendGrams(&b, text)
				}
			}
			return b.String(), nil
		})
}

// gramRune reports whether r is part of a word: a letter or a number, in
// any script. Everything else separates words, and no gram holds it (so
// ci_grams' ascii tokenizer never splits a gram).
func gramRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// isGramWord reports whether a short search word can be looked up in
// ci_grams: one or two characters, all of them word characters.
func isGramWord(word string) bool {
	n := 0
	for _, r := range word {
		if !gramRune(r) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 2
}

// appendGrams writes, space-separated, every character of text's words and
// every pair of adjacent characters within a word, lower-cased: "bj-db-01"
// gives b j bj d b db 0 1 01, "数据库" 数 据 数据 库 据库. Repeats are left
// in: the index keeps no positions, so a repeat costs nothing stored.
func appendGrams(b *strings.Builder, text string) {
	var prev rune = -1
	for _, r := range strings.ToLower(text) {
		if !gramRune(r) {
			prev = -1
			continue
		}
		b.WriteRune(r)
		b.WriteByte(' ')
		if prev >= 0 {
			b.WriteRune(prev)
			b.WriteRune(r)
			b.WriteByte(' ')
		}
		prev = r
	}
}

// fillGrams indexes, once, the CIs written before ci_grams existed
// (migration 10).
func fillGrams(ctx context.Context, db *store.DB) error {
	var filled int64
	if err := db.QueryRowContext(ctx, "SELECT last FROM ref_counter WHERE name = 'grams_filled'").Scan(&filled); err != nil || filled != 0 {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ci_grams (rowid, grams)
			SELECT rowid, search_grams(ref, name, description, owner, location, attrs) FROM ci_search`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE ref_counter SET last = 1 WHERE name = 'grams_filled'")
		return err
	})
}

// searchIndexes are the tables that index CIs for search (see Search).
var searchIndexes = []string{"ci_search", "ci_search_name", "ci_grams"}

// reindexSearch replaces the search rows of the given CIs: one statement
// per index to delete their rows and one to write them again, in rowid
// order. FTS5 writes what it holds pending as a new segment whenever a
// write goes back to a lower rowid, and segments are merged later at a
// cost that grows with the index: statements per batch of ids, mixing
// updated CIs (low ids) with new ones (high), made an import into a 100k
// CMDB spend seconds merging.
//
// A bulk write (an import) also turns FTS5's automatic merging off while
// it writes, as SQLite advises for bulk loads: merging the import's new
// segments into a large index at once cost an import into a 100k CMDB 3 s.
// The index stays correct; later writes merge it a little at a time.
func reindexSearch(ctx context.Context, tx *sql.Tx, ids []int64) error {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	list, _ := idList(sorted)
	bulk := len(sorted) >= bulkReindex
	if bulk {
		if err := setAutomerge(ctx, tx, 0); err != nil {
			return err
		}
	}
	const which = "IN (SELECT value FROM json_each(?))"
	for _, index := range searchIndexes {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+index+" WHERE rowid "+which, list); err != nil {
			return err
		}
	}
	// ci_search is written from ci; the other two from ci_search's new rows.
	for _, insert := range []string{
		`INSERT INTO ci_search (rowid, ref, name, description, owner, location, attrs)
		SELECT id, ref, name, description, owner, location,
		       (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(ci.attributes))
		FROM ci WHERE id `,
		`INSERT INTO ci_search_name (rowid, ref, name) SELECT rowid, ref, name FROM ci_search WHERE rowid `,
		`INSERT INTO ci_grams (rowid, grams)
		SELECT rowid, search_grams(ref, name, description, owner, location, attrs) FROM ci_search WHERE rowid `,
	} {
		if _, err := tx.ExecContext(ctx, insert+which+" ORDER BY 1", list); err != nil {
			return err
		}
	}
	if bulk {
		return setAutomerge(ctx, tx, defaultAutomerge)
	}
	return nil
}

// bulkReindex is how many CIs make a bulk write of the search indexes.
const bulkReindex = 5000

// defaultAutomerge is FTS5's own automerge setting.
const defaultAutomerge = 4

// setAutomerge sets FTS5's automerge for every search index, in tx.
func setAutomerge(ctx context.Context, tx *sql.Tx, n int) error {
	for _, index := range searchIndexes {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+index+" ("+index+", rank) VALUES ('automerge', ?)", n); err != nil {
			return err
		}
	}
	return nil
}
