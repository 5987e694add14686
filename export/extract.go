package export

import (
	"context"
	"sort"
	"strings"

	"servicebook/cmdb"
)

// ExtractCI is one CI of the binder's CMDB appendix: the record and its
// relations, so the recovery team knows what each thing is and what it
// runs on without the CMDB.
type ExtractCI struct {
	CI        cmdb.CI
	Relations []cmdb.Relation
}

// loadExtract reads the CIs a plan covers with their relations.
func loadExtract(ctx context.Context, cm *cmdb.Store, refs []string) ([]ExtractCI, error) {
	out := make([]ExtractCI, 0, len(refs))
	for _, ref := range refs {
		ci, err := cm.CI(ctx, ref)
		if err != nil {
			return nil, err
		}
		rels, err := cm.Relations(ctx, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, ExtractCI{CI: ci, Relations: rels})
	}
	return out, nil
}

// cmdbAppendix prints every CI the binder's plans cover, once, by
// reference: type, status, owner, location, version, every attribute, and
// its relations.
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
		var rels []string
		for _, r := range e.Relations {
			line := r.FromRef + " " + d.word(r.Kind.Label()) + " " + r.ToRef
			if r.Group != "" {
				line += " [" + r.Group + "]"
			}
			rels = append(rels, line)
		}
		rows[i] = []string{c.Ref + "\n" + c.Name, c.TypeKey + "\n" + d.status(c.Status), strings.Join(facts, "\n"), strings.Join(rels, "\n")}
	}
	d.table([]string{d.t("CI", "配置项"), d.t("Type, status", "类型、状态"), d.t("Details", "详情"), d.t("Relations", "关系")},
		[]float64{24, 14, 30, 32}, "LLLL", rows, nil)
}
