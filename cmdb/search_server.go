package cmdb

import (
	"context"
	"slices"
	"strings"
)

// searchServer is Search on a PostgreSQL server: every word, of any
// length, must occur in the CI's reference, name, description, owner,
// location or an attribute value (ILIKE, served by the pg_trgm indexes of
// the server's schema for words of three characters or more); CIs whose
// reference or name holds every word come first, each group in id order,
// as on a file.
func (s *Store) searchServer(ctx context.Context, text string, limit int) ([]CI, error) {
	words := strings.Fields(text)
	if len(words) == 0 {
		return nil, nil
	}
	const everything = "servicebook_ci_text(ci.ref, ci.name, ci.description, ci.owner, ci.location, ci.attributes)"
	const names = "(ci.ref || ' ' || ci.name)"
	var all, inName []string
	var args []any
	for _, w := range words {
		all = append(all, everything+" ILIKE ?")
		inName = append(inName, names+" ILIKE ?")
		args = append(args, "%"+escapeLike(w)+"%")
	}
	query := func(where []string, args []any, n int) ([]CI, error) {
		return s.queryCIs(ctx, "SELECT "+ciColumns+ciFrom+"WHERE "+strings.Join(where, " AND ")+" ORDER BY ci.id LIMIT ?",
			append(args, n)...)
	}
	first, err := query(inName, args, limit)
	if err != nil || len(first) == limit {
		return first, err
	}
	where := slices.Clone(all)
	restArgs := append([]any(nil), args...)
	if len(first) > 0 {
		where = append(where, "NOT ("+strings.Join(inName, " AND ")+")")
		restArgs = append(restArgs, args...)
	}
	rest, err := query(where, restArgs, limit-len(first))
	return append(first, rest...), err
}
