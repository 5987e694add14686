package budget

import (
	"context"
	"fmt"
	"strings"

	"servicebook/cmdb"
	"servicebook/sheet"
	"servicebook/store"
)

// serviceIndex finds services by reference or unique name.
type serviceIndex struct {
	byRef  map[string]cmdb.CI
	byName map[string][]cmdb.CI
}

func (s *Store) serviceIndex(ctx context.Context) (*serviceIndex, error) {
	types, err := s.cmdb.Types(ctx)
	if err != nil {
		return nil, err
	}
	// Only the CIs of service types are read: a 100k-CI CMDB holds a few
	// hundred services, and reading the rest cost an import seconds.
	var all []cmdb.CI
	for _, t := range types {
		if !t.IsService {
			continue
		}
		cis, _, err := s.cmdb.ListCIs(ctx, cmdb.Filter{TypeKey: t.Key})
		if err != nil {
			return nil, err
		}
		all = append(all, cis...)
	}
	idx := &serviceIndex{byRef: map[string]cmdb.CI{}, byName: map[string][]cmdb.CI{}}
	for _, c := range all {
		idx.byRef[c.Ref] = c
		idx.byName[sheet.Fold(c.Name)] = append(idx.byName[sheet.Fold(c.Name)], c)
		// A name in two languages is often given in one of them.
		for _, part := range strings.Fields(c.Name) {
			if p := sheet.Fold(part); p != sheet.Fold(c.Name) {
				idx.byName[p] = append(idx.byName[p], c)
			}
		}
	}
	return idx, nil
}

func (idx *serviceIndex) find(text string) (cmdb.CI, error) {
	if c, ok := idx.byRef[cmdb.NormalizeRef(text)]; ok {
		return c, nil
	}
	found := idx.byName[sheet.Fold(text)]
	switch len(found) {
	case 0:
		return cmdb.CI{}, fmt.Errorf("no service is named %q", text)
	case 1:
		return found[0], nil
	}
	return cmdb.CI{}, fmt.Errorf("%d services are named %q; use the reference (%s, %s …)", len(found), text, found[0].Ref, found[1].Ref)
}

// FindService finds a service by reference or unique name, as budget
// files name them (网上银行, CI-000081).
func (s *Store) FindService(ctx context.Context, text string) (cmdb.CI, error) {
	idx, err := s.serviceIndex(ctx)
	if err != nil {
		return cmdb.CI{}, err
	}
	c, err := idx.find(text)
	if err != nil {
		return c, store.Errorf(store.EInvalid, "%v.", err)
	}
	return c, nil
}
