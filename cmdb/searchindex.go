package cmdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"modernc.org/sqlite"

	"servicebook/store"
)

func init() {
	// search_grams(text, …) is what ci_grams indexes, for the statement
	// that indexes CIs written by other means than a ciWriter (rebuilding
	// the indexes): the same grams as the writer works out in Go.
	sqlite.MustRegisterDeterministicScalarFunction("search_grams", -1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			texts := make([]string, 0, len(args))
			for _, a := range args {
				if text, ok := a.(string); ok {
					texts = append(texts, text)
				}
			}
			return searchGrams(texts...), nil
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

// searchGrams is what ci_grams indexes for texts: every character of
// their words and every pair of adjacent characters within a word, lower-
// cased, each once, space-separated: "bj-db-01" gives b j bj d db 0 1 01,
// "数据库" 数 据 数据 库 据库. Each gram once: the index keeps no
// positions, and a repeat cost tokenizing and hashing (about a quarter of
// a CI's grams are repeats). Grams are letters and numbers only, so the
// result needs no escaping inside a JSON string (writeSearchRows).
func searchGrams(texts ...string) string {
	seen := gramSets.Get().(*gramSet)
	defer gramSets.Put(seen)
	seen.reset()
	var b strings.Builder
	for _, text := range texts {
		low := strings.ToLower(text)
		prev, prevRune := -1, rune(0) // where the word character before this one starts, and that character
		for i, r := range low {
			if !gramRune(r) {
				prev = -1
				continue
			}
			end := i + utf8.RuneLen(r)
			if seen.add(uint64(r)<<22 | 1) {
				b.WriteString(low[i:end])
				b.WriteByte(' ')
			}
			if prev >= 0 && seen.add(uint64(prevRune)<<22|uint64(r)<<1) {
				b.WriteString(low[prev:end])
				b.WriteByte(' ')
			}
			prev, prevRune = i, r
		}
	}
	return b.String()
}

// gramSet is the set of grams searchGrams has written in one call, each
// gram's one or two characters packed in a number (a character in bits
// 22 and up; a second one in bits 1-21, or bit 0 set for a gram of one):
// an open-addressing table emptied by moving to a new generation. A map of
// strings cost an import of 100k CIs 0.45 s of hashing and probing.
type gramSet struct {
	keys [gramSlots]uint64
	gens [gramSlots]uint32 // the generation that wrote each slot
	gen  uint32
	n    int
	more map[uint64]struct{} // once the table is three quarters full
}

const (
	gramBits  = 10
	gramSlots = 1 << gramBits
)

var gramSets = sync.Pool{New: func() any { return &gramSet{} }}

func (s *gramSet) reset() {
	if s.gen++; s.gen == 0 { // wrapped: no slot may look written
		clear(s.gens[:])
		s.gen = 1
	}
	s.n, s.more = 0, nil
}

// add adds key and reports whether it is new.
func (s *gramSet) add(key uint64) bool {
	if s.more != nil {
		if _, ok := s.more[key]; ok {
			return false
		}
		s.more[key] = struct{}{}
		return true
	}
	for h := (key * 0x9e3779b97f4a7c15) >> (64 - gramBits); ; h = (h + 1) & (gramSlots - 1) {
		if s.gens[h] != s.gen {
			s.gens[h], s.keys[h] = s.gen, key
			if s.n++; s.n == gramSlots*3/4 { // long texts: on in a map
				s.more = make(map[uint64]struct{}, 2*s.n)
				for i, g := range s.gens {
					if g == s.gen {
						s.more[s.keys[i]] = struct{}{}
					}
				}
			}
			return true
		}
		if s.keys[h] == key {
			return false
		}
	}
}

// ciGrams is searchGrams of the fields ci_grams indexes: reference, name,
// description, owner, location and attribute values. Without the
// reference for a new CI, whose reference the writer gives it.
func ciGrams(ci CI, withRef bool) string {
	texts := make([]string, 0, 5+len(ci.Attributes))
	if withRef {
		texts = append(texts, ci.Ref)
	}
	texts = append(texts, ci.Name, ci.Description, ci.Owner, ci.Location)
	for _, v := range ci.Attributes {
		texts = append(texts, v)
	}
	return searchGrams(texts...)
}

// fillGrams writes a file's search indexes afresh when grams_filled says
// they are not whole: for the CIs written before ci_grams existed
// (migration 10), and for a file whose records were copied in (store.Copy
// clears the flag: the indexes are worked out, never copied).
func fillGrams(ctx context.Context, db *store.DB) error {
	var filled int64
	if err := db.QueryRowContext(ctx, "SELECT last FROM ref_counter WHERE name = 'grams_filled'").Scan(&filled); err != nil || filled != 0 {
		return err
	}
	return rebuildSearch(ctx, db)
}

// searchIndexes are the tables that index CIs for search (see Search).
var searchIndexes = []string{"ci_search", "ci_search_name", "ci_grams"}

// The search indexes are written by the statements below, not by triggers,
// one statement per index over many CIs, in rowid order. FTS5 writes what
// it holds pending as a new segment whenever a write goes back to a lower
// rowid (and at the end of each statement), and segments are merged later
// at a cost that grows with the index: statements per batch of ids, mixing
// updated CIs (low ids) with new ones (high), made an import into a 100k
// CMDB spend seconds merging.
//
// A bulk write (an import) also turns FTS5's automatic merging off while
// it writes, as SQLite advises for bulk loads (setAutomerge): merging the
// import's new segments into a large index at once cost an import into a
// 100k CMDB 3 s.

// whichIDs selects the rowids listed in a JSON array (idList). The search
// indexes exist only in a file.
var whichIDs = store.SQLite.InIDs()

// deleteSearchRows deletes the rows of the CIs ids from a search index,
// before they are written again or after the CIs are gone.
func deleteSearchRows(ctx context.Context, tx *sql.Tx, index string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	list, _ := idList(ids) // ascending, as FTS5 deletes best
	_, err := tx.ExecContext(ctx, "DELETE FROM "+index+" WHERE rowid "+whichIDs, list)
	return err
}

// searchAttrs is what the search indexes hold of a CI's attributes: their
// values, space-separated, in the order of their keys.
const searchAttrs = "(SELECT coalesce(group_concat(value, ' '), '') FROM json_each(ci.attributes))"

// searchInserts are the statements that write the trigram indexes' rows
// for the CIs whose ids a JSON array lists, from ci itself: reading
// ci_search back by rowid for ci_search_name cost an FTS5 lookup per CI
// (0.5 s in an import of 100k CIs).
var searchInserts = map[string]string{
	"ci_search": `INSERT INTO ci_search (rowid, ref, name, description, owner, location, attrs)
		SELECT id, ref, name, description, owner, location, ` + searchAttrs + ` FROM ci WHERE id ` + whichIDs + " ORDER BY 1",
	"ci_search_name": `INSERT INTO ci_search_name (rowid, ref, name) SELECT id, ref, name FROM ci WHERE id ` + whichIDs + " ORDER BY 1",
	"ci_grams": `INSERT INTO ci_grams (rowid, grams)
		SELECT id, search_grams(ref, name, description, owner, location, ` + searchAttrs + `) FROM ci WHERE id ` + whichIDs + " ORDER BY 1",
}

// writeSearchRows writes the rows of the CIs ids into a search index, which
// has none for them. ci_grams is written from grams when it is not nil:
// each CI's grams as the writer worked them out (an import works them out
// while it reads the file, beside the writes: as an SQL function they were
// 0.3 s of every 100k CIs on the writing goroutine, which an import waits
// for).
func writeSearchRows(ctx context.Context, tx *sql.Tx, index string, ids []int64, grams map[int64]string) error {
	if len(ids) == 0 {
		return nil
	}
	if index != "ci_grams" || grams == nil {
		list, _ := idList(ids) // ascending, without repeats
		_, err := tx.ExecContext(ctx, searchInserts[index], list)
		return err
	}
	sorted := slices.Compact(slices.Sorted(slices.Values(ids)))
	// One JSON object of id: grams, in id order (FTS5 writes a segment
	// whenever the rowid goes back), read with json_each in one statement.
	b := make([]byte, 0, len(sorted)*256)
	b = append(b, '{')
	for i, id := range sorted {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(strconv.AppendInt(append(b, '"'), id, 10), '"', ':', '"')
		b = append(append(b, grams[id]...), '"')
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO ci_grams (rowid, grams) SELECT CAST(key AS INTEGER), value FROM json_each(?)", string(append(b, '}')))
	return err
}

// bulkReindex is how many CIs make a bulk write of the search indexes.
const bulkReindex = 5000

// defaultAutomerge and defaultHashSize are FTS5's own settings.
const (
	defaultAutomerge = 4
	defaultHashSize  = 1 << 20
)

// bulkHashSize is how much FTS5 holds pending in a bulk write before it
// writes a segment: with FTS5's 1 MB, an import of 100k CIs wrote dozens of
// small segments and merged them (0.5 s) even with automerge off.
const bulkHashSize = 16 << 20

// setBulk sets, in tx, every search index up for a bulk write (on) or
// back to FTS5's own settings: no automatic merging, as SQLite advises for
// bulk loads, and more held pending before a segment is written.
func setBulk(ctx context.Context, tx *sql.Tx, on bool) error {
	merge, hash := defaultAutomerge, defaultHashSize
	if on {
		merge, hash = 0, bulkHashSize
	}
	for _, index := range searchIndexes {
		for _, set := range []struct {
			name  string
			value int
		}{{"automerge", merge}, {"hashsize", hash}} {
			if _, err := tx.ExecContext(ctx, "INSERT INTO "+index+" ("+index+", rank) VALUES (?, ?)", set.name, set.value); err != nil {
				return err
			}
		}
	}
	return nil
}

// RebuildSearch writes a file's search indexes afresh from ci, after its
// records were copied in (servicebook migrate): the indexes are worked out
// from the records and never copied. A server's search index is an index
// on ci itself and needs nothing.
func (s *Store) RebuildSearch(ctx context.Context) error { return rebuildSearch(ctx, s.db) }

func rebuildSearch(ctx context.Context, db *store.DB) error {
	if db.Dialect == store.Postgres {
		return nil
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for _, index := range searchIndexes {
			if _, err := tx.ExecContext(ctx, "INSERT INTO "+index+" ("+index+") VALUES ('delete-all')"); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, "SELECT id FROM ci ORDER BY id")
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := setBulk(ctx, tx, true); err != nil {
			return err
		}
		for _, index := range searchIndexes {
			if err := writeSearchRows(ctx, tx, index, ids, nil); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE ref_counter SET last = 1 WHERE name = 'grams_filled'"); err != nil {
			return err
		}
		return setBulk(ctx, tx, false)
	})
}
