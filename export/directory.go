package export

import (
	"sort"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"servicebook/continuity"
)

// directoryEntry is one person or supplier of the binder's call trees,
// with every role they hold.
type directoryEntry struct {
	contact continuity.Contact
	roles   []string            // "Incident manager (alternate)", in order of first appearance
	plans   map[string][]string // role → the plans it is held in
}

// contactDirectory prints everyone in the binder's call trees once, with
// all their numbers and the roles they hold, sorted by name
// (pinyin for Chinese names).
func (d *pdfDoc) contactDirectory(plans []BinderPlan) {
	byKey := map[string]*directoryEntry{}
	var keys []string
	add := func(c *continuity.Contact, doc, role string) {
		if c == nil || strings.TrimSpace(c.Name) == "" {
			return
		}
		key := strings.TrimSpace(c.Name) + "\x00" + strings.TrimSpace(c.Mobile) + "\x00" + strings.TrimSpace(c.Phone)
		e, ok := byKey[key]
		if !ok {
			e = &directoryEntry{contact: *c, plans: map[string][]string{}}
			byKey[key] = e
			keys = append(keys, key)
		}
		if _, ok := e.plans[role]; !ok {
			e.roles = append(e.roles, role)
		}
		e.plans[role] = append(e.plans[role], doc)
	}
	for _, b := range plans {
		for _, r := range b.Roles {
			add(r.Primary, b.Plan.DocNumber, r.Role)
			add(r.Alternate, b.Plan.DocNumber, r.Role+" "+d.t("(alternate)", "（备选）"))
		}
	}
	// Chinese collation in both languages: Chinese names by pinyin, Latin
	// ones alphabetically among them, so 陈静 Chen Jing is under C either way.
	col := collate.New(language.SimplifiedChinese)
	sort.SliceStable(keys, func(i, j int) bool { return col.CompareString(keys[i], keys[j]) < 0 })

	d.appendix(plans, d.t("Contact directory", "联系人名录"))
	rows := make([][]string, len(keys))
	for i, k := range keys {
		e := byKey[k]
		c := e.contact
		var roles []string
		for _, r := range e.roles {
			roles = append(roles, r+": "+strings.Join(e.plans[r], ", "))
		}
		rows[i] = []string{c.Name + "\n" + c.Organisation, strings.TrimSpace(c.Mobile + "\n" + c.Phone), c.Email, strings.Join(roles, "\n")}
	}
	d.table([]string{d.t("Name", "姓名"), d.t("Mobile / phone", "手机 / 电话"), d.t("Email", "电子邮件"), d.t("Roles", "角色")},
		[]float64{24, 20, 24, 32}, "LLLL", rows, nil)
}
