package export

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"servicebook/cmdb"
	"servicebook/continuity"
)

// BinderPlan is one plan with everything its chapter of the binder prints.
type BinderPlan struct {
	Plan         continuity.Plan
	Steps        []continuity.PlanStep
	Roles        []continuity.Role
	Revisions    []continuity.Revision
	Distribution []continuity.Copy
	CriticalPath time.Duration
	Critical     map[int64]bool // steps on the critical path
	PathProblem  string         // why the critical path could not be worked out
	LinkedCIs    []continuity.LinkedCI
	Tree         []TreeCI             // the service and everything it depends on
	Extract      []ExtractCI          // the linked CIs and the tree in full, for the CMDB appendix
	Findings     []continuity.Finding // the executability checks
	Exercises    []continuity.Exercise
	OpenActions  []continuity.Action
	// For a revision in progress (N.x): the last approved version and what
	// differs from it.
	ApprovedVersion string
	Changes         []continuity.Change
}

// LoadBinder reads the plans named by docs (all plans when none) with
// their steps, call trees, document control and distribution, and the CIs
// they cover from cm for the CMDB appendix.
func LoadBinder(ctx context.Context, cs *continuity.Store, cm *cmdb.Store, docs []string) ([]BinderPlan, error) {
	if len(docs) == 0 {
		all, err := cs.Plans(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range all {
			docs = append(docs, p.DocNumber)
		}
	}
	graph, err := cm.Graph(ctx)
	if err != nil {
		return nil, err
	}
	typeList, err := cm.Types(ctx)
	if err != nil {
		return nil, err
	}
	types := make(map[string]cmdb.Type, len(typeList))
	for _, t := range typeList {
		types[t.Key] = t
	}
	out := make([]BinderPlan, 0, len(docs))
	for _, doc := range docs {
		p, err := cs.Plan(ctx, doc)
		if err != nil {
			return nil, err
		}
		b := BinderPlan{Plan: p, Critical: map[int64]bool{}}
		if b.Steps, err = cs.Steps(ctx, p.ID); err != nil {
			return nil, err
		}
		if b.Roles, err = cs.Roles(ctx, p.ID); err != nil {
			return nil, err
		}
		if b.Revisions, err = cs.Revisions(ctx, p.ID); err != nil {
			return nil, err
		}
		if b.Distribution, err = cs.Distribution(ctx, p.ID); err != nil {
			return nil, err
		}
		if b.LinkedCIs, err = cs.LinkedCIs(ctx, p.ID); err != nil {
			return nil, err
		}
		if b.Tree, b.Extract, err = loadCIs(ctx, cm, graph, types, p.ServiceID, b.LinkedCIs); err != nil {
			return nil, err
		}
		if b.Exercises, err = cs.Exercises(ctx, p.ID); err != nil {
			return nil, err
		}
		if b.OpenActions, err = cs.Actions(ctx, doc, true); err != nil {
			return nil, err
		}
		b.Findings = continuity.Check(p, b.Steps, b.Roles, b.LinkedCIs)
		if b.ApprovedVersion, b.Changes, err = cs.SinceApproval(ctx, doc); err != nil {
			return nil, err
		}
		steps := make([]continuity.Step, len(b.Steps))
		for i, s := range b.Steps {
			steps[i] = continuity.Step{ID: s.ID, Duration: s.Duration, DependsOn: s.DependsOn}
		}
		total, path, err := continuity.CriticalPath(steps)
		if err != nil {
			b.PathProblem = err.Error()
		}
		b.CriticalPath = total
		for _, id := range path {
			b.Critical[id] = true
		}
		out = append(out, b)
	}
	return out, nil
}

// Binder writes the continuity binder for plans to path as a PDF: a cover,
// then per plan its document control, BIA figures, sections, recovery steps
// with the critical path, and call tree. The file is written safely (a
// crash leaves the previous file).
func Binder(path string, plans []BinderPlan, opt PDFOptions) error {
	data, err := BinderBytes(plans, opt)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// BinderBytes is Binder into memory. It lays the binder out twice: the
// first time to learn the page each plan and section starts on, the second
// with the table of contents after the cover, its page numbers shifted by
// the pages the contents take.
func BinderBytes(plans []BinderPlan, opt PDFOptions) ([]byte, error) {
	first := layoutBinder(plans, opt, nil, 0)
	if err := first.Error(); err != nil {
		return nil, fmt.Errorf("cannot lay out the binder: %w", err)
	}
	// The contents' own length does not depend on the numbers in it.
	scratch := newPDF(opt)
	scratch.AddPage()
	scratch.tableOfContents(first.contents, 0)
	shift := scratch.PageNo()
	d := layoutBinder(plans, opt, first.contents, shift)
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, fmt.Errorf("cannot write the binder: %w", err)
	}
	return buf.Bytes(), nil
}

// layoutBinder writes the binder; with contents, a table of contents
// follows the cover, every page number in it moved on by shift.
func layoutBinder(plans []BinderPlan, opt PDFOptions, contents []tocEntry, shift int) *pdfDoc {
	d := newPDF(opt)
	d.SetTitle(d.t("Service continuity binder", "服务连续性计划手册"), true)
	d.classification = d.binderClassification(plans)
	d.cover = true
	d.AddPage()
	d.binderCover(plans)
	d.cover = false
	if contents != nil {
		d.title = d.t("Service continuity binder", "服务连续性计划手册")
		d.AddPage()
		d.tableOfContents(contents, shift)
	}
	for _, b := range plans {
		d.planChapter(b)
	}
	d.cmdbAppendix(plans)
	d.contactDirectory(plans)
	d.walletCards(plans)
	return d
}

func (d *pdfDoc) binderCover(plans []BinderPlan) {
	w, _ := d.GetPageSize()
	d.SetFont(fontName, "", 10)
	d.SetTextColor(90, 90, 90)
	d.CellFormat(0, 6, d.classification, "", 1, "R", false, 0, "")
	d.SetTextColor(0, 0, 0)
	d.SetY(60)
	d.SetFont(fontName, "B", 13)
	d.multiline(0, 7, d.opt.Org, "C")
	d.Ln(6)
	d.SetFont(fontName, "B", 26)
	d.multiline(0, 12, d.t("Service continuity binder", "服务连续性计划手册"), "C")
	d.Ln(4)
	d.SetFont(fontName, "", 11)
	d.multiline(0, 6, d.t("For use when the normal site is unavailable. Keep with the off-site copies.",
		"供正常场所不可用时使用。请与异地存放的副本一同保管。"), "C")
	d.Ln(10)
	d.SetDrawColor(120, 120, 120)
	d.Line(40, d.GetY(), w-40, d.GetY())
	d.Ln(8)
	d.Bookmark(d.t("Cover", "封面"), 0, -1)
	d.SetFont(fontName, "", 10)
	holder := d.t("Uncontrolled copy: not on any distribution list. Check that the version is current before use.",
		"非受控副本：未列入任何分发清单。使用前请核对版本是否最新。")
	if d.opt.CopyFor != "" {
		holder = fmt.Sprintf(d.t("Controlled copy for %s (copy numbers below, from each plan's distribution list)",
			"受控副本，持有人：%s（副本号见下表，取自各计划的分发清单）"), d.opt.CopyFor)
	}
	d.fields([][2]string{
		{d.t("As of", "截至"), d.opt.AsOf.Format("2006-01-02 15:04 MST")},
		{d.t("Plans", "计划数"), strconv.Itoa(len(plans))},
		{d.t("Copy", "副本"), holder},
	})
	rows := make([][]string, len(plans))
	for i, b := range plans {
		copyNo := "—"
		if c, ok := b.copyFor(d.opt.CopyFor); ok {
			copyNo = strconv.Itoa(c.CopyNo)
		}
		rows[i] = []string{b.Plan.DocNumber, b.Plan.Title, b.Plan.Version, d.statusText(b.Plan), copyNo}
	}
	d.table([]string{d.t("Document", "文件编号"), d.t("Plan", "计划"), d.t("Version", "版本"), d.t("Status", "状态"), d.t("Copy", "副本号")},
		[]float64{17, 47, 10, 18, 8}, "LLRLR", rows, nil)
}

// copyFor finds holder's line on the plan's distribution list.
func (b BinderPlan) copyFor(holder string) (continuity.Copy, bool) {
	holder = strings.TrimSpace(holder)
	if holder == "" {
		return continuity.Copy{}, false
	}
	for _, c := range b.Distribution {
		if strings.EqualFold(strings.TrimSpace(c.Holder), holder) {
			return c, true
		}
	}
	return continuity.Copy{}, false
}

func (d *pdfDoc) statusText(p continuity.Plan) string { return d.docStatus(p.Status()) }

func (d *pdfDoc) planChapter(b BinderPlan) {
	p := b.Plan
	d.docNumber = p.DocNumber + "  " + d.t("version", "版本") + " " + p.Version
	if c, ok := b.copyFor(d.opt.CopyFor); ok {
		d.docNumber += "  " + fmt.Sprintf(d.t("copy %d, %s", "副本 %d，%s"), c.CopyNo, c.Holder)
	}
	d.title = p.DocNumber + "  " + p.Title
	d.classification = p.Classification
	d.draft = p.IsDraft()
	d.AddPage()
	d.heading(p.DocNumber+"  "+p.Title, 0)

	d.heading(d.t("Document control", "文件控制"), 1)
	d.fields([][2]string{
		{d.t("Document number", "文件编号"), p.DocNumber},
		{d.t("Version", "版本"), p.Version + "  (" + d.statusText(p) + ")"},
		{d.t("Service", "服务"), p.ServiceRef + "  " + p.ServiceName},
		{d.t("Owner", "负责人"), p.Owner},
		{d.t("Approver", "批准人"), p.Approver},
		{d.t("Approved", "批准"), strings.TrimSpace(p.ApprovedAt + "  " + p.ApprovedBy)},
		{d.t("Next review", "下次评审"), p.NextReview},
		{d.t("Classification", "密级"), p.Classification},
	})
	d.revisionsAndCopies(b.Revisions, continuity.FirstDraft, b.Distribution)

	d.changesSinceApproval(b)

	d.heading(d.t("Business impact figures", "业务影响分析指标"), 1)
	d.fields([][2]string{
		{d.t("Recovery time objective (RTO)", "恢复时间目标（RTO）"), durationWords(p.RTO)},
		{d.t("Recovery point objective (RPO)", "恢复点目标（RPO）"), durationWords(p.RPO)},
		{d.t("Maximum tolerable period of disruption (MTPD)", "最长可容忍中断时间（MTPD）"), durationWords(p.MTPD)},
		{d.t("Minimum service level", "最低服务水平"), p.MinServiceLevel},
	})
	for _, s := range []struct{ en, zh, text string }{
		{"Scope and assumptions", "范围与假设", p.Scope},
		{"Invocation criteria", "启动条件", p.Invocation},
		{"Procedures on major loss of service", "重大服务中断处置程序", p.MajorLoss},
		{"Availability while the plan is invoked", "计划启动期间的可用性", p.AvailabilityInvoked},
		{"Recovery requirements", "恢复要求", p.Recovery},
		{"Return to normal working", "恢复正常运行", p.ReturnToNormal},
	} {
		d.heading(d.t(s.en, s.zh), 1)
		d.paragraph(s.text)
	}
	d.recoverySteps(b)
	d.callTree(b)
	d.checksAndRecords(b)
	d.draft = false
}

// checksAndRecords prints the executability checks, the CIs the plan
// covers and the service's dependency tree, the last exercises and the
// open actions.
func (d *pdfDoc) checksAndRecords(b BinderPlan) {
	d.heading(d.t("Executability checks", "可执行性检查"), 1)
	if len(b.Findings) == 0 {
		d.paragraph(d.t("No problems found.", "未发现问题。"))
	} else {
		rows := make([][]string, len(b.Findings))
		for i, f := range b.Findings {
			sev := d.t("warning", "警告")
			if f.Severity == "error" {
				sev = d.t("error", "错误")
			}
			rows[i] = []string{sev, d.msg(f.Msg)}
		}
		d.table([]string{d.t("Severity", "级别"), d.t("Finding", "问题")}, []float64{12, 88}, "LL", rows,
			func(i int) bool { return b.Findings[i].Severity == "error" })
	}

	d.heading(d.t("Configuration items covered", "涵盖的配置项"), 1)
	cis := make([][]string, len(b.LinkedCIs))
	for i, c := range b.LinkedCIs {
		backup := "—"
		if c.BackupIntervalMinutes > 0 {
			backup = continuity.FormatDuration(time.Duration(c.BackupIntervalMinutes) * time.Minute)
		}
		cis[i] = []string{c.Ref, c.Name, d.status(c.Status), backup}
	}
	d.table([]string{d.t("Reference", "编号"), d.t("Name", "名称"), d.t("Status", "状态"), d.t("Backed up every", "备份间隔")},
		[]float64{16, 52, 16, 16}, "LLLR", cis, nil)
	d.dependencyTreeSection(b)

	d.heading(d.t("Exercises", "演练"), 1)
	exs := b.Exercises
	if len(exs) > 5 {
		exs = exs[len(exs)-5:] // the last five; the register has them all
	}
	exRows := make([][]string, len(exs))
	for i, e := range exs {
		exRows[i] = []string{e.Held, d.word(strings.ReplaceAll(string(e.Kind), "_", " ")), d.word(strings.ReplaceAll(string(e.Outcome), "_", " ")), e.Findings}
	}
	d.table([]string{d.t("Held", "日期"), d.t("Kind", "类型"), d.t("Outcome", "结果"), d.t("Findings", "发现")},
		[]float64{14, 14, 18, 54}, "LLLL", exRows, nil)

	d.heading(d.t("Open actions", "未关闭的措施"), 1)
	acts := make([][]string, len(b.OpenActions))
	for i, a := range b.OpenActions {
		acts[i] = []string{"#" + strconv.FormatInt(a.ID, 10), a.Description, a.Owner, a.Due}
	}
	d.table([]string{"#", d.t("Action", "措施"), d.t("Owner", "负责人"), d.t("Due", "到期")},
		[]float64{7, 59, 20, 14}, "RLLL", acts, nil)
}

func (d *pdfDoc) recoverySteps(b BinderPlan) {
	d.heading(d.t("Recovery steps", "恢复步骤"), 1)
	number := map[int64]int{}
	for _, s := range b.Steps {
		number[s.ID] = s.Number
	}
	rows := make([][]string, len(b.Steps))
	for i, s := range b.Steps {
		var deps []string
		for _, id := range s.DependsOn {
			deps = append(deps, strconv.Itoa(number[id]))
		}
		mark := ""
		if b.Critical[s.ID] {
			mark = "●"
		}
		rows[i] = []string{strconv.Itoa(s.Number), d.phaseText(s.Phase), s.Who, s.Action, s.Location, durationWords(s.Duration), strings.Join(deps, ", "), mark}
	}
	d.table([]string{"#", d.t("Phase", "阶段"), d.t("Who", "执行人"), d.t("Action", "操作"), d.t("Where", "地点"),
		d.t("Takes", "用时"), d.t("After", "前置"), d.t("Critical", "关键")},
		[]float64{4.5, 11, 14, 33, 13, 9, 7, 7}, "RLLLLRLC", rows, func(i int) bool { return b.Critical[b.Steps[i].ID] })
	d.SetFont(fontName, "", 10)
	switch {
	case b.PathProblem != "":
		d.paragraph(d.t("The critical path cannot be worked out: ", "无法计算关键路径：") + b.PathProblem)
	case len(b.Steps) > 0:
		verdict := d.t("within the RTO", "在 RTO 之内")
		if b.Plan.RTO > 0 && b.CriticalPath > b.Plan.RTO {
			verdict = d.t("LONGER THAN THE RTO", "超过 RTO")
		}
		d.paragraph(fmt.Sprintf(d.t("Critical path (● above): %s against an RTO of %s — %s.", "关键路径（上表 ● 标记）：%s，RTO 为 %s——%s。"),
			durationWords(b.CriticalPath), durationWords(b.Plan.RTO), verdict))
	}
}

func (d *pdfDoc) phaseText(p continuity.Phase) string {
	switch p {
	case continuity.Activation:
		return d.t("activation", "启动")
	case continuity.Recovery:
		return d.t("recovery", "恢复")
	case continuity.Reconstitution:
		return d.t("return to normal", "恢复正常")
	}
	return string(p)
}

func (d *pdfDoc) callTree(b BinderPlan) {
	d.heading(d.t("Call tree", "联络树"), 1)
	contact := func(c *continuity.Contact) string {
		if c == nil {
			return "—"
		}
		var parts []string
		for _, v := range []string{c.Name, c.Organisation, c.Mobile, c.Phone, c.Email} {
			if strings.TrimSpace(v) != "" {
				parts = append(parts, v)
			}
		}
		return strings.Join(parts, "\n")
	}
	rows := make([][]string, len(b.Roles))
	for i, r := range b.Roles {
		rows[i] = []string{strconv.Itoa(r.Escalation), r.Role, contact(r.Primary), contact(r.Alternate)}
	}
	d.table([]string{"#", d.t("Role", "角色"), d.t("Call first", "首选联系人"), d.t("If not reached", "备选联系人")},
		[]float64{5, 25, 35, 35}, "RLLL", rows, nil)
}

// durationWords writes a duration as the forms do (4h, 30m, 3d); none is "—".
func durationWords(v time.Duration) string {
	if v <= 0 {
		return "—"
	}
	return continuity.FormatDuration(v)
}

// changesSinceApproval prints, for a revision in progress, what differs
// from the last approved version: the reader of an N.x binder sees what
// the approver has not yet approved.
func (d *pdfDoc) changesSinceApproval(b BinderPlan) {
	if b.ApprovedVersion == "" {
		return
	}
	d.heading(fmt.Sprintf(d.t("Changes since the approved version %s", "自批准版本 %s 以来的变更"), b.ApprovedVersion), 1)
	if len(b.Changes) == 0 {
		d.paragraph(d.t("None: the content is as approved.", "无：内容与批准版本相同。"))
		return
	}
	parts := map[string][2]string{"plan": {"Plan", "计划"}, "step": {"Step", "步骤"}, "role": {"Call tree", "联络树"}, "ci": {"Linked CI", "关联配置项"}}
	kinds := map[string][2]string{"added": {"added", "新增"}, "removed": {"removed", "删除"}, "changed": {"changed", "修改"}}
	pick := func(m map[string][2]string, k string) string {
		if v, ok := m[k]; ok {
			return d.t(v[0], v[1])
		}
		return k
	}
	rows := make([][]string, len(b.Changes))
	for i, c := range b.Changes {
		rows[i] = []string{pick(parts, c.Part), c.Item, pick(kinds, c.Kind), c.Old, c.New}
	}
	d.table([]string{d.t("Part", "部分"), d.t("Item", "项目"), d.t("Change", "变更"),
		fmt.Sprintf(d.t("Approved %s", "批准版本 %s"), b.ApprovedVersion), fmt.Sprintf(d.t("Now %s", "当前 %s"), b.Plan.Version)},
		[]float64{11, 13, 12, 32, 32}, "LLLLL", rows, nil)
}

// binderClassification is what the binder's own pages (cover, contents,
// appendices) are marked: the first plan's classification.
func (d *pdfDoc) binderClassification(plans []BinderPlan) string {
	if len(plans) > 0 && plans[0].Plan.Classification != "" {
		return plans[0].Plan.Classification
	}
	return d.t("Internal use", "内部使用")
}

// appendix starts an appendix on a new page: no plan's document number or
// DRAFT mark, the binder's classification, title as running head and as a
// contents entry.
func (d *pdfDoc) appendix(plans []BinderPlan, title string) {
	d.docNumber, d.draft = "", false
	d.title, d.classification = title, d.binderClassification(plans)
	d.AddPage()
	d.heading(title, 0)
}
