package cmdb

import (
	"context"
	"database/sql"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"servicebook/store"
)

// sortKeys makes the collation keys the CI list sorts by: Chinese by
// pinyin, Latin letters without regard to case, numbers by value. A
// Collator is not safe for concurrent use: each writer has its own.
type sortKeys struct {
	col *collate.Collator
	buf collate.Buffer
	// seen keeps the keys of texts met before: an import's 100k rows
	// name a few dozen owners and locations, each key made once.
	seen map[string][]byte
}

func newSortKeys() *sortKeys {
	return &sortKeys{col: collate.New(language.SimplifiedChinese, collate.Loose, collate.Numeric), seen: map[string][]byte{}}
}

// key is text's collation key, which the caller must not change.
func (k *sortKeys) key(text string) []byte {
	if key, ok := k.seen[text]; ok {
		return key
	}
	key := append([]byte(nil), k.col.KeyFromString(&k.buf, text)...)
	k.buf.Reset()
	if len(k.seen) < 10_000 {
		k.seen[text] = key
	}
	return key
}

// fillSortKeys gives the CIs written before the keys existed (migration 8)
// their keys, in one transaction. It finds nothing to do on every later
// start, by an indexed look-up.
func fillSortKeys(ctx context.Context, db *store.DB) error {
	var missing int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM ci WHERE sort_name IS NULL").Scan(&missing); err != nil || missing == 0 {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error { return fillSortKeysIn(ctx, tx) })
}

func fillSortKeysIn(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "SELECT id, name, owner, location FROM ci WHERE sort_name IS NULL")
	if err != nil {
		return err
	}
	type row struct {
		id                    int64
		name, owner, location string
	}
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.name, &r.owner, &r.location); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	update, err := tx.PrepareContext(ctx, "UPDATE ci SET sort_name = ?, sort_owner = ?, sort_location = ? WHERE id = ?")
	if err != nil {
		return err
	}
	defer update.Close()
	keys := newSortKeys()
	for _, r := range todo {
		if _, err := update.ExecContext(ctx, keys.key(r.name), keys.key(r.owner), keys.key(r.location), r.id); err != nil {
			return err
		}
	}
	return nil
}
