package export

import (
	"sort"
	"strings"

	"servicebook/cmdb"
)

// TreeCI is one line of a service's dependency tree: a CI, how deep below
// the service, and how the CI on the line above it needs it.
type TreeCI struct {
	Depth int
	CI    cmdb.CI
	Kind  cmdb.Kind // the relation from the CI above; empty for the service
	Group string    // the redundancy group the relation is in, if any
}

// dependencyTree lays a downstream walk out as a tree in reading order:
// each CI under the CI that needs it, siblings by reference. A CI that
// several CIs need is printed once, under the first that reaches it at the
// smallest depth (the walk's own choice), so the tree has as many lines as
// the service has dependencies.
func dependencyTree(walk *cmdb.Walk, cis map[int64]cmdb.CI) []TreeCI {
	hits := walk.Hits()
	children := map[int64][]cmdb.Hit{}
	var roots []cmdb.Hit
	for _, h := range hits {
		if _, ok := cis[h.ID]; !ok {
			continue // deleted since the graph was built
		}
		if h.Depth == 0 {
			roots = append(roots, h)
		} else {
			children[h.Parent] = append(children[h.Parent], h)
		}
	}
	byRef := func(list []cmdb.Hit) {
		sort.Slice(list, func(i, j int) bool { return cis[list[i].ID].Ref < cis[list[j].ID].Ref })
	}
	out := make([]TreeCI, 0, len(hits))
	// An explicit stack rather than recursion: a chain of thousands of CIs
	// is legal data.
	byRef(roots)
	stack := make([]cmdb.Hit, 0, len(roots))
	for i := len(roots) - 1; i >= 0; i-- {
		stack = append(stack, roots[i])
	}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		out = append(out, TreeCI{Depth: h.Depth, CI: cis[h.ID], Kind: h.Kind, Group: h.Group})
		kids := children[h.ID]
		byRef(kids)
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, kids[i])
		}
	}
	return out
}

// neededAs says how the CI above needs this one, read downwards: "runs
// on", "depends on"; a whole needs its parts, so "part of" reads "has part".
func (d *pdfDoc) neededAs(t TreeCI) string {
	if t.Kind == "" {
		return ""
	}
	word := d.word(t.Kind.Label())
	if t.Kind == cmdb.PartOf {
		word = d.t("has part", "包含部件")
	}
	if t.Group != "" {
		word += "\n" + d.t("redundant: ", "冗余组：") + t.Group
	}
	return word
}

// dependencyTreeSection prints what the plan's service runs on, down to the
// last CI, indented by depth, with each CI's status and location: what the
// recovery team has to bring back, in the order it is needed.
func (d *pdfDoc) dependencyTreeSection(b BinderPlan) {
	d.heading(d.t("Dependency tree of the service", "服务依赖树"), 1)
	if len(b.Tree) <= 1 {
		d.paragraph(d.t("The CMDB records nothing this service depends on.", "配置管理数据库中没有记录该服务所依赖的配置项。"))
		return
	}
	d.paragraph(d.t("Each CI is listed under the CI that needs it; a CI needed by several appears once, under the first.",
		"每个配置项列在需要它的配置项之下；被多处需要的配置项只列出一次，位于第一处之下。"))
	rows := make([][]string, len(b.Tree))
	for i, t := range b.Tree {
		indent := strings.Repeat("    ", min(t.Depth, 8))
		mark := ""
		if t.Depth > 0 {
			mark = "└ "
		}
		rows[i] = []string{indent + mark + t.CI.Ref + "  " + t.CI.Name, d.neededAs(t), d.status(t.CI.Status), t.CI.Location}
	}
	d.table([]string{d.t("CI", "配置项"), d.t("Needed as", "依赖关系"), d.t("Status", "状态"), d.t("Location", "位置")},
		[]float64{46, 17, 12, 25}, "LLLL", rows, func(i int) bool { return b.Tree[i].Depth == 0 })
}
