package cmdb

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"servicebook/store"
)

// searchColumns are what a LIKE fallback looks in: the fields ci_search
// indexes, read from ci (ci_search keeps no copy of the text).
var searchColumns = []string{"ci.ref", "ci.name", "ci.description", "ci.owner", "ci.location", searchAttrs}

// Search finds CIs whose reference, name, description, owner, location or
// attribute values contain every word of text, at most limit of them: CIs
// whose reference or name matches first, then the others, each group in
// reference order. Every word is looked up in an index:
//   - three or more characters: the trigram indexes (ci_search_name for
//     references and names, ci_search for every field), which match inside
//     Chinese text ("数据库" in "核心数据库服务器"); they keep no positions,
//     and a longer word's matches are checked against the word itself
//     (searchmatch.go);
//   - one or two word characters ("库", "db"): ci_grams;
//   - one or two characters with punctuation ("-", "a."): no index holds
//     them, and those CIs' text is compared row by row.
//
// Results are not ranked by bm25: ranking must score every match before the
// first page can be shown (14 ms for a word in 8,000 CIs), while reading the
// index in rowid order stops after one page (0.1 ms), and for names and
// references "matches the name" is the ranking people expect.
func (s *Store) Search(ctx context.Context, text string, limit int) ([]CI, error) {
	if limit <= 0 {
		limit = 50
	}
	if s.db.Dialect == store.Postgres {
		return s.searchServer(ctx, text, limit)
	}
	var phrases, grams, likes, rechecks []string
	var likeArgs []any
	for _, word := range strings.Fields(text) {
		switch {
		case utf8.RuneCountInString(word) >= 3:
			phrases = append(phrases, "("+trigramQuery(word)+")")
			if needsRecheck(word) {
				rechecks = append(rechecks, foldCase(word))
			}
		case isGramWord(word):
			grams = append(grams, ftsString(strings.ToLower(word)))
		default:
			pattern := "%" + escapeLike(word) + "%"
			var ors []string
			for _, col := range searchColumns {
				ors = append(ors, col+` LIKE ? ESCAPE '\'`)
				likeArgs = append(likeArgs, pattern)
			}
			likes = append(likes, "("+strings.Join(ors, " OR ")+")")
		}
	}
	if len(phrases) == 0 && len(grams) == 0 && len(likes) == 0 {
		return nil, nil
	}
	// What every match must also have, whichever index the search walks.
	var also []string
	var alsoArgs []any
	if len(grams) > 0 && len(phrases) > 0 {
		also = append(also, "d.rowid IN (SELECT rowid FROM ci_grams WHERE ci_grams MATCH ?)")
		alsoArgs = append(alsoArgs, strings.Join(grams, " AND "))
	}
	if len(likes) > 0 {
		also = append(also, likes...)
		alsoArgs = append(alsoArgs, likeArgs...)
	}
	// query walks index in rowid order, from the match, and reads the CIs
	// of the first n that have the rest.
	query := func(index, match string, extra []string, extraArgs []any, n int) ([]CI, error) {
		var where []string
		var args []any
		if match != "" {
			where, args = append(where, index+" MATCH ?"), append(args, match)
		}
		where, args = append(where, also...), append(args, alsoArgs...)
		where, args = append(where, extra...), append(args, extraArgs...)
		if len(where) == 0 {
			where = []string{"1"}
		}
		return s.queryCIs(ctx, "SELECT "+ciColumns+" FROM "+index+" d JOIN ci ON ci.id = d.rowid"+
			" JOIN ci_type t ON t.id = ci.type_id WHERE "+strings.Join(where, " AND ")+" ORDER BY d.rowid LIMIT ?",
			append(args, n)...)
	}
	if len(phrases) == 0 {
		if len(grams) == 0 {
			return query("ci_search", "", nil, nil, limit)
		}
		return query("ci_grams", strings.Join(grams, " AND "), nil, nil, limit)
	}
	// recheck is what a trigram index's matches must also have: every
	// word of more than three characters in a field the index holds
	// (searchmatch.go).
	recheck := func(index string) (where []string, args []any) {
		for _, word := range rechecks {
			if index == "ci_search_name" {
				where, args = append(where, "search_holds(?, ci.ref, ci.name)"), append(args, word)
				continue
			}
			where = append(where, "(search_holds(?, ci.ref, ci.name, ci.description, ci.owner, ci.location)"+
				" OR search_holds_values(?, ci.attributes))")
			args = append(args, word, word)
		}
		return where, args
	}
	all := strings.Join(phrases, " AND ")
	nameWhere, nameArgs := recheck("ci_search_name")
	first, err := query("ci_search_name", all, nameWhere, nameArgs, limit)
	if err != nil || len(first) == limit {
		return first, err
	}
	extra, extraArgs := recheck("ci_search")
	if len(first) > 0 {
		extra = append(extra, "d.rowid NOT IN ("+strings.TrimSuffix(strings.Repeat("?,", len(first)), ",")+")")
		for _, c := range first {
			extraArgs = append(extraArgs, c.ID)
		}
	}
	rest, err := query("ci_search", all, extra, extraArgs, limit-len(first))
	return append(first, rest...), err
}

// ftsString is word as an FTS5 string, matched literally: operators and
// punctuation in what the person typed mean nothing special.
func ftsString(word string) string {
	return `"` + strings.ReplaceAll(word, `"`, `""`) + `"`
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// searchPool is how many matches a filtered search considers: the filters
// and the sort apply to these, so that a search within a type finds that
// type's matches even when other types match first.
const searchPool = 5000

// SearchFiltered is Search within the CIs f selects (type, status,
// criticality, owner), in f's sort order — text columns in the reader's
// order, pinyin for Chinese — the first f.Limit of them (50 when 0).
func (s *Store) SearchFiltered(ctx context.Context, text string, f Filter) ([]CI, error) {
	found, err := s.Search(ctx, text, searchPool)
	if err != nil {
		return nil, err
	}
	typeKey := ""
	if f.TypeKey != "" {
		types, err := s.Types(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range types {
			if t.Key == f.TypeKey || strings.EqualFold(t.Name, f.TypeKey) || t.NameZh == f.TypeKey {
				typeKey = t.Key
			}
		}
		if typeKey == "" {
			return nil, nil
		}
	}
	out := found[:0]
	for _, c := range found {
		switch {
		case typeKey != "" && c.TypeKey != typeKey,
			f.Status != "" && c.Status != f.Status,
			f.Criticality != 0 && c.Criticality != f.Criticality,
			f.Owner == "-" && c.Owner != "",
			f.Owner != "" && f.Owner != "-" && c.Owner != f.Owner:
			continue
		}
		out = append(out, c)
	}
	SortCIs(out, f.Sort, f.Descending)
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	return out[:min(limit, len(out))], nil
}

// SortCIs sorts CIs by a list column (ref, name, type, status,
// criticality, owner, location), text as a reader expects it: Chinese by
// pinyin, Latin letters case-insensitively, numbers in references by value.
func SortCIs(cis []CI, key string, descending bool) {
	col := collate.New(language.SimplifiedChinese, collate.Loose, collate.Numeric)
	text := func(c CI) string {
		switch key {
		case "name":
			return c.Name
		case "type":
			return c.TypeKey
		case "status":
			return string(c.Status)
		case "owner":
			return c.Owner
		case "location":
			return c.Location
		}
		return ""
	}
	var keys map[int64][]byte
	switch key {
	case "name", "type", "status", "owner", "location":
		keys = make(map[int64][]byte, len(cis))
		var buf collate.Buffer
		for _, c := range cis {
			keys[c.ID] = append([]byte(nil), col.KeyFromString(&buf, text(c))...)
			buf.Reset()
		}
	}
	less := func(a, b CI) int {
		switch {
		case key == "criticality" && a.Criticality != b.Criticality:
			return a.Criticality - b.Criticality
		case keys != nil:
			if d := bytes.Compare(keys[a.ID], keys[b.ID]); d != 0 {
				return d
			}
		}
		return int(a.ID - b.ID) // by reference: references are numbered in order
	}
	sort.SliceStable(cis, func(i, j int) bool {
		if descending {
			return less(cis[j], cis[i]) < 0
		}
		return less(cis[i], cis[j]) < 0
	})
}
