package cmdb

import (
	"context"
	"strings"
	"unicode/utf8"
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
