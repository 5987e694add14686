package cmdb

import (
	"context"
	"strings"
	"sync"
)

// shortIndex answers searches made only of one- and two-character words
// ("库", "db"), which the trigram index cannot serve. Scanning the table
// with LIKE costs about 100 ms on 100k CIs; scanning the same text in
// memory costs a few. It is reloaded when ci_rev shows that any CI changed,
// in this process or another.
type shortIndex struct {
	mu    sync.Mutex
	rev   int64
	ids   []int64
	texts []string // lower-cased searchable text of each CI, fields joined by \x00
}

func (s *Store) shortSearch(ctx context.Context, words []string, limit int) ([]int64, error) {
	idx := &s.short
	idx.mu.Lock()
	defer idx.mu.Unlock()
	var rev int64
	if err := s.db.QueryRowContext(ctx, "SELECT last FROM ref_counter WHERE name = 'ci_rev'").Scan(&rev); err != nil {
		return nil, err
	}
	if idx.texts == nil || rev != idx.rev {
		if err := idx.load(ctx, s); err != nil {
			return nil, err
		}
		idx.rev = rev
	}
	lower := make([]string, len(words))
	for i, w := range words {
		lower[i] = strings.ToLower(w)
	}
	var out []int64
next:
	for i, text := range idx.texts {
		for _, w := range lower {
			if !strings.Contains(text, w) {
				continue next
			}
		}
		out = append(out, idx.ids[i])
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

func (idx *shortIndex) load(ctx context.Context, s *Store) error {
	rows, err := s.db.QueryContext(ctx, "SELECT rowid, ref, name, description, owner, location, attrs FROM ci_search ORDER BY rowid")
	if err != nil {
		return err
	}
	defer rows.Close()
	idx.ids, idx.texts = idx.ids[:0], idx.texts[:0]
	var f [6]string
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5]); err != nil {
			return err
		}
		idx.ids = append(idx.ids, id)
		idx.texts = append(idx.texts, strings.ToLower(strings.Join(f[:], "\x00")))
	}
	if idx.texts == nil {
		idx.texts = []string{}
	}
	return rows.Err()
}
