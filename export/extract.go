package export

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

// ExtractCI is one CI of the binder's CMDB appendix: the record and its
// relations, so the recovery team knows what each thing is and what it
// runs on without the CMDB.
type ExtractCI struct {
	CI                   cmdb.CI
	TypeName, TypeNameZh string
	Relations            []cmdb.Relation
}

// loadCIs reads the CIs a plan covers: the dependency tree down from its
// service, and for the CMDB appendix the linked CIs and the tree's CIs in
// full with their relations. A few queries for the lot, not a few per CI:
// a service can depend on thousands.
func loadCIs(ctx context.Context, cm *cmdb.Store, graph *cmdb.Graph, types map[string]cmdb.Type, serviceID int64, linked []continuity.LinkedCI) ([]TreeCI, []ExtractCI, error) {
	walk := graph.Downstream([]int64{serviceID})
	hits := walk.Hits()
	ids := make([]int64, 0, len(hits)+len(linked))
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	cis, err := cm.CIsByID(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	tree := dependencyTree(walk, cis)
	for _, l := range linked {
		if c, err := cm.CI(ctx, l.Ref); err == nil {
			if _, ok := cis[c.ID]; !ok {
				cis[c.ID] = c
				ids = append(ids, c.ID)
			}
		} else if store.ErrorCode(err) != store.ENotFound {
			return nil, nil, err
		}
	}
	rels, err := cm.RelationsOf(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	extract := make([]ExtractCI, 0, len(cis))
	for _, id := range ids {
		if c, ok := cis[id]; ok {
			t := types[c.TypeKey]
			extract = append(extract, ExtractCI{CI: c, TypeName: t.Name, TypeNameZh: t.NameZh, Relations: rels[id]})
		}
	}
	return tree, extract, nil
}

// maxRelationsPrinted bounds the CIs printed on one line of a CI's
// relations: a storage array that two thousand virtual machines use would
// otherwise fill pages of the binder with one CI; the workbook has them all.
const maxRelationsPrinted = 12

// cmdbAppendix prints every CI the binder's plans cover, once, by
// reference: type, status, owner, location, version, every attribute, and
// its relations, compactly — a large service's appendix runs to
// thousands of CIs.
func (d *pdfDoc) cmdbAppendix(plans []BinderPlan) {
	seen := map[string]bool{}
	var cis []ExtractCI
	for _, b := range plans {
		for _, e := range b.Extract {
			if !seen[e.CI.Ref] {
				seen[e.CI.Ref] = true
				cis = append(cis, e)
			}
		}
	}
	if len(cis) == 0 {
		return
	}
	sort.Slice(cis, func(i, j int) bool { return cis[i].CI.Ref < cis[j].CI.Ref })
	d.appendix(plans, d.t("CMDB extract", "配置管理数据库摘录"))
	d.paragraph(d.t("Relations: → what this CI needs (it runs on, depends on …); ← the CIs that need it.",
		"关系：→ 本配置项所需要的（运行于、依赖于……）；← 需要本配置项的配置项。"))
	rows := make([][]string, len(cis))
	for i, e := range cis {
		c := e.CI
		var facts []string
		for _, f := range [][2]string{{d.t("Owner", "负责人"), c.Owner}, {d.t("Location", "位置"), c.Location}, {d.t("Version", "版本"), c.Version}} {
			if strings.TrimSpace(f[1]) != "" {
				facts = append(facts, f[0]+": "+f[1])
			}
		}
		keys := make([]string, 0, len(c.Attributes))
		for k := range c.Attributes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if v := strings.TrimSpace(c.Attributes[k]); v != "" {
				facts = append(facts, k+": "+v)
			}
		}
		typeName := c.TypeKey
		if e.TypeName != "" {
			typeName = d.t(e.TypeName, e.TypeNameZh)
		}
		rows[i] = []string{c.Ref + "\n" + c.Name, typeName + "\n" + d.status(c.Status), strings.Join(facts, "; "), d.relationLines(c, e.Relations)}
	}
	d.table([]string{d.t("CI", "配置项"), d.t("Type, status", "类型、状态"), d.t("Details", "详情"), d.t("Relations", "关系")},
		[]float64{22, 13, 35, 30}, "LLLL", rows, nil)
}

// relationLines writes a CI's relations one line per kind and direction:
// "runs on → CI-1, CI-2 [cluster]", "depends on ← CI-7, CI-9".
func (d *pdfDoc) relationLines(c cmdb.CI, rels []cmdb.Relation) string {
	type key struct {
		kind     cmdb.Kind
		group    string
		incoming bool
	}
	var order []key
	refs := map[key][]string{}
	for _, r := range rels {
		k := key{kind: r.Kind, group: r.Group, incoming: r.ToRef == c.Ref && r.FromRef != c.Ref}
		other := r.ToRef
		if k.incoming {
			other = r.FromRef
		}
		if _, ok := refs[k]; !ok {
			order = append(order, k)
		}
		refs[k] = append(refs[k], other)
	}
	lines := make([]string, 0, len(order))
	for _, k := range order {
		list := refs[k]
		more := ""
		if len(list) > maxRelationsPrinted {
			more = fmt.Sprintf(d.t(" … and %d more (in the workbook)", " ……另有 %d 项（见工作簿）"), len(list)-maxRelationsPrinted)
			list = list[:maxRelationsPrinted]
		}
		arrow := " → "
		if k.incoming {
			arrow = " ← "
		}
		line := d.word(k.kind.Label()) + arrow + strings.Join(list, ", ") + more
		if k.group != "" {
			line += " [" + k.group + "]"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
