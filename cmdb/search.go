package cmdb

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// searchColumns are the ci_search columns a LIKE fallback looks in.
var searchColumns = []string{"s.ref", "s.name", "s.description", "s.owner", "s.location", "s.attrs"}

// Search finds CIs whose reference, name, description, owner, location or
// attribute values contain every word of text, at most limit of them: CIs
// whose reference or name matches first, then the others, each group in
// reference order. Words of three or more characters use the trigram index,
// which matches inside Chinese text ("数据库" in "核心数据库服务器"); shorter
// words ("库", "db") fall back to a substring scan.
//
// Results are not ranked by bm25: ranking must score every match before the
// first page can be shown (14 ms for a word in 8,000 CIs), while reading the
// index in rowid order stops after one page (0.1 ms), and for names and
// references "matches the name" is the ranking people expect.
func (s *Store) Search(ctx context.Context, text string, limit int) ([]CI, error) {
	if limit <= 0 {
		limit = 50
	}
	var phrases []string
	var likes []string
	var likeArgs []any
	for _, word := range strings.Fields(text) {
		if utf8.RuneCountInString(word) >= 3 {
			// A quoted FTS5 string is matched literally: operators and
			// punctuation in what the person typed mean nothing special.
			phrases = append(phrases, `"`+strings.ReplaceAll(word, `"`, `""`)+`"`)
			continue
		}
		pattern := "%" + escapeLike(word) + "%"
		var ors []string
		for _, col := range searchColumns {
			ors = append(ors, col+` LIKE ? ESCAPE '\'`)
			likeArgs = append(likeArgs, pattern)
		}
		likes = append(likes, "("+strings.Join(ors, " OR ")+")")
	}
	if len(phrases) == 0 && len(likes) == 0 {
		return nil, nil
	}
	if len(phrases) == 0 {
		ids, err := s.shortSearch(ctx, strings.Fields(text), limit)
		if err != nil {
			return nil, err
		}
		found, err := s.CIsByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		out := make([]CI, 0, len(ids))
		for _, id := range ids {
			if c, ok := found[id]; ok {
				out = append(out, c)
			}
		}
		return out, nil
	}
	query := func(match string, extra string, args []any, n int) ([]CI, error) {
		var where []string
		var all []any
		if match != "" {
			where, all = append(where, "ci_search MATCH ?"), append(all, match)
		}
		where = append(where, likes...)
		all = append(all, likeArgs...)
		if extra != "" {
			where = append(where, extra)
		}
		all = append(all, args...)
		all = append(all, n)
		return s.queryCIs(ctx, "SELECT "+ciColumns+` FROM ci_search s JOIN ci ON ci.id = s.rowid
			JOIN ci_type t ON t.id = ci.type_id WHERE `+strings.Join(where, " AND ")+" ORDER BY s.rowid LIMIT ?", all...)
	}
	all := strings.Join(phrases, " AND ")
	first, err := query("{ref name} : ("+all+")", "", nil, limit)
	if err != nil || len(first) == limit {
		return first, err
	}
	var exclude []string
	var ids []any
	for _, c := range first {
		exclude = append(exclude, "?")
		ids = append(ids, c.ID)
	}
	extra := ""
	if len(exclude) > 0 {
		extra = "s.rowid NOT IN (" + strings.Join(exclude, ",") + ")"
	}
	rest, err := query(all, extra, ids, limit-len(first))
	return append(first, rest...), err
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
