package cmdb

import (
	"context"
	"strings"
	"unicode/utf8"
)

// searchColumns are the ci_search columns a LIKE fallback looks in.
var searchColumns = []string{"s.ref", "s.name", "s.description", "s.owner", "s.location", "s.attrs"}

// Search finds CIs whose reference, name, description, owner, location or
// attribute values contain every word of text, best matches first, at most
// limit of them. Words of three or more characters use the trigram index,
// which matches inside Chinese text ("数据库" in "核心数据库服务器"); shorter
// words ("库", "db") fall back to a substring scan.
func (s *Store) Search(ctx context.Context, text string, limit int) ([]CI, error) {
	if limit <= 0 {
		limit = 50
	}
	var phrases []string
	var likes []string
	var args []any
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
			args = append(args, pattern)
		}
		likes = append(likes, "("+strings.Join(ors, " OR ")+")")
	}
	if len(phrases) == 0 && len(likes) == 0 {
		return nil, nil
	}
	var where []string
	order := " ORDER BY ci.id"
	if len(phrases) > 0 {
		where = append(where, "ci_search MATCH ?")
		args = append([]any{strings.Join(phrases, " AND ")}, args...)
		order = " ORDER BY s.rank, ci.id"
	}
	where = append(where, likes...)
	args = append(args, limit)
	return s.queryCIs(ctx, "SELECT "+ciColumns+` FROM ci_search s JOIN ci ON ci.id = s.rowid
		JOIN ci_type t ON t.id = ci.type_id WHERE `+strings.Join(where, " AND ")+order+" LIMIT ?", args...)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
