package export

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"servicebook/cmdb"
	"servicebook/continuity"
)

// sampleContinuity is the sample organisation with its three plans: two
// approved, SM-02004 a draft.
func sampleContinuity(t testing.TB) (*continuity.Store, *cmdb.Store) {
	t.Helper()
	src, _ := sampleRecords(t)
	return src.Continuity, src.CMDB
}

// samplePlans loads the sample's three plans for the binder.
func samplePlans(t testing.TB) []BinderPlan {
	t.Helper()
	cs, cm := sampleContinuity(t)
	plans, err := LoadBinder(context.Background(), cs, cm, nil)
	if err != nil || len(plans) != 3 {
		t.Fatalf("%d plans, %v", len(plans), err)
	}
	return plans
}

// tool runs a poppler or qpdf command; the test script installs them.
func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is needed to read the PDF back: apt-get install poppler-utils qpdf (scripts/test.sh does)", name)
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func pageCount(t *testing.T, pdf string) int {
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(tool(t, "pdfinfo", pdf))
	if m == nil {
		t.Fatalf("pdfinfo gives no page count for %s", pdf)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// pageText is the text of page n of pdf in the order it was written
// (-raw: the rotated watermark stays one word), without white space, which
// pdftotext spaces as it likes.
func pageText(t *testing.T, pdf string, n int) string {
	text := tool(t, "pdftotext", "-raw", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), pdf, "-")
	return strings.Join(strings.Fields(text), "")
}

// TestBinderReadsBackInBothLanguages: the binder, read back with
// pdftotext, holds the plans' Chinese and English text, a "Page N of M"
// footer with the document number on every page, DRAFT across every page
// of the draft plan and only there, and passes qpdf --check.
func TestBinderReadsBackInBothLanguages(t *testing.T) {
	plans := samplePlans(t)
	asOf := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, lang := range []struct {
		code, title, page, draft string
		sections                 []string
	}{
		{"en", "Service continuity binder", "Page %d of %d", "DRAFT",
			[]string{"Executability checks", "more than the RTO", "Configuration items covered", "Open actions", "Deploy the new certificate", "In service",
				"CMDB extract", "bj-db-01", "runs on"}},
		{"zh", "服务连续性计划手册", "第 %d 页 / 共 %d 页", "草案",
			[]string{"可执行性检查", "超过了 RTO", "涵盖的配置项", "未关闭的措施", "模拟演练", "运行中",
				"配置管理数据库摘录", "bj-db-01"}},
	} {
		path := filepath.Join(t.TempDir(), "binder-"+lang.code+".pdf")
		if err := Binder(path, plans, PDFOptions{Lang: lang.code, AsOf: asOf, Org: "示例银行 Example Bank"}); err != nil {
			t.Fatal(err)
		}
		tool(t, "qpdf", "--check", path)
		pages := pageCount(t, path)
		if pages < 5 {
			t.Fatalf("%s: %d pages for three plans", lang.code, pages)
		}
		all := tool(t, "pdftotext", "-layout", path, "-")
		for _, want := range []string{lang.title, "示例银行 Example Bank", "2026-11-24 09:00", "SM-02002", "网上银行服务连续性计划", "Internet banking continuity plan",
			"Incident manager", "138 0000 0001", "宣布灾难并启动计划", "内部使用"} {
			lang.sections = append(lang.sections, want)
		}
		for _, want := range lang.sections {
			if !strings.Contains(all, want) {
				t.Errorf("%s: the binder does not say %q", lang.code, want)
			}
		}
		contentsEnd := checkContents(t, path, pages)
		// The contact directory: everyone once, in the reader's order
		// (pinyin in Chinese: Chen, Liu, Wang, Zhang, Zhao).
		directory := pageText(t, path, pages-1)
		last := -1
		for _, name := range []string{"陈静", "刘洋", "王建国", "张伟", "赵强"} {
			at := strings.Index(directory, name)
			if at < 0 || at < last || strings.Count(directory, name) != 1 {
				t.Errorf("%s: the contact directory has %s at %d (previous at %d, %d times)", lang.code, name, at, last, strings.Count(directory, name))
			}
			last = at
		}
		// The wallet cards, last: every number of every call tree whole.
		cards := pageText(t, path, pages)
		if !strings.Contains(cards, strings.ReplaceAll(map[string]string{"en": "Wallet cards", "zh": "随身联络卡"}[lang.code], " ", "")) {
			t.Errorf("%s: the last page is not the wallet cards:\n%s", lang.code, cards)
		}
		for _, b := range plans {
			for _, r := range b.Roles {
				for _, c := range []*continuity.Contact{r.Primary, r.Alternate} {
					if c != nil && c.Mobile != "" && !strings.Contains(cards, strings.ReplaceAll(c.Mobile, " ", "")) {
						t.Errorf("%s: %s's card lacks %s's number %s", lang.code, b.Plan.DocNumber, c.Name, c.Mobile)
					}
				}
			}
		}
		for n := 1; n <= pages; n++ {
			text := pageText(t, path, n)
			footer := strings.ReplaceAll(fmt.Sprintf(lang.page, n, pages), " ", "")
			if !strings.Contains(text, footer) {
				t.Errorf("%s page %d has no footer %q:\n%s", lang.code, n, footer, text)
			}
			// The appendices after the plans carry no document number.
			appendix := strings.Contains(text, "Contactdirectory") || strings.Contains(text, "联系人名录") ||
				strings.Contains(text, "CMDBextract") || strings.Contains(text, "配置管理数据库摘录") ||
				strings.Contains(text, "Walletcards") || strings.Contains(text, "随身联络卡")
			onDraft := strings.Contains(text, "SM-02004") && !appendix
			if n > contentsEnd && !appendix && !regexp.MustCompile(`SM-0200[234](version|版本)[0-9.]+`).MatchString(text) {
				t.Errorf("%s page %d has no document number and version in its footer", lang.code, n)
			}
			if marked := strings.Contains(text, lang.draft); n > contentsEnd && !appendix && marked != onDraft {
				t.Errorf("%s page %d: draft plan %v, watermark %v", lang.code, n, onDraft, marked)
			}
		}
	}
}

// checkContents reads the table of contents, from page 2 to the last page
// with dotted leaders, checks that every entry's heading is on the page the
// entry gives, and returns the contents' last page.
func checkContents(t *testing.T, path string, pages int) int {
	t.Helper()
	last := 2
	for last < pages && strings.Contains(pageText(t, path, last+1), ".....") {
		last++
	}
	entry := regexp.MustCompile(`^\s*(\S.*?)\s*(?:\.\s*){3,}(\d+)\s*$`)
	n := 0
	for _, line := range strings.Split(tool(t, "pdftotext", "-layout", "-f", "2", "-l", strconv.Itoa(last), path, "-"), "\n") {
		m := entry.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n++
		page, _ := strconv.Atoi(m[2])
		heading := strings.Join(strings.Fields(m[1]), "")
		if page <= last || page > pages || !strings.Contains(pageText(t, path, page), heading) {
			t.Errorf("contents: %q on page %d, but that page does not have it", m[1], page)
		}
	}
	if n < 3*11 {
		t.Errorf("the contents list %d entries; three plans of 11 sections each have %d", n, 3*11)
	}
	return last
}

// TestBinderIsDeterministic: the same plans and the same "as of" give the
// same bytes, so two packs can be compared by their hashes.
func TestBinderIsDeterministic(t *testing.T) {
	plans := samplePlans(t)
	opt := PDFOptions{Lang: "zh", AsOf: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), Paper: "letter"}
	first, err := BinderBytes(plans, opt)
	if err != nil {
		t.Fatal(err)
	}
	second, err := BinderBytes(samplePlans(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("two binders of the same plans differ (%d and %d bytes)", len(first), len(second))
	}
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, first, 0o600); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tool(t, "pdfinfo", path), "612 x 792 pts (letter)") {
		t.Error("--paper letter did not print on Letter paper")
	}
}

// TestBinderShowsChangesSinceApproval: a plan revised after approval (1.1)
// prints what differs from 1.0, old and new side by side.
func TestBinderShowsChangesSinceApproval(t *testing.T) {
	ctx := context.Background()
	cs, cm := sampleContinuity(t)
	p, err := cs.Plan(ctx, "SM-02003")
	if err != nil {
		t.Fatal(err)
	}
	p.RTO = 3 * time.Hour
	if _, err := cs.SavePlan(ctx, p, "RTO agreed again"); err != nil {
		t.Fatal(err)
	}
	plans, err := LoadBinder(ctx, cs, cm, []string{"SM-02003"})
	if err != nil || plans[0].ApprovedVersion != "1.0" || len(plans[0].Changes) != 1 {
		t.Fatalf("loaded: %+v, %v", plans[0].Changes, err)
	}
	path := filepath.Join(t.TempDir(), "revised.pdf")
	if err := Binder(path, plans, PDFOptions{Lang: "en", AsOf: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(tool(t, "pdftotext", "-raw", path, "-")), " ")
	for _, want := range []string{"Changes since the approved version 1.0", "Approved 1.0 Now 1.1", "Plan RTO changed 2h 3h"} {
		if !strings.Contains(text, want) {
			t.Errorf("the revised plan's binder does not say %q", want)
		}
	}
}

// TestBinderPrintsTheDependencyTreeAndTheCopyHolder: each plan prints its
// service's dependency tree (every CI the service needs, each under the CI
// that needs it, in the CMDB appendix too); a binder printed for a holder
// says whose copy it is and which copy number, from the distribution list
// that the issue has just updated; one printed for nobody says it is
// uncontrolled.
func TestBinderPrintsTheDependencyTreeAndTheCopyHolder(t *testing.T) {
	ctx := context.Background()
	cs, cm := sampleContinuity(t)
	issued, err := cs.IssueCopies(ctx, []string{"SM-02002"}, "王建国", "2026-11-24")
	if err != nil {
		t.Fatal(err)
	}
	plans, err := LoadBinder(ctx, cs, cm, []string{"SM-02002"})
	if err != nil {
		t.Fatal(err)
	}
	b := plans[0]
	down, err := cm.Impact(ctx, []string{b.Plan.ServiceRef}, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Tree) != down.Total+1 || b.Tree[0].CI.Ref != b.Plan.ServiceRef {
		t.Fatalf("tree of %d lines from %s; the service depends on %d CIs", len(b.Tree), b.Tree[0].CI.Ref, down.Total)
	}
	inExtract := map[string]bool{}
	for _, e := range b.Extract {
		inExtract[e.CI.Ref] = true
	}
	for i, line := range b.Tree[1:] {
		above := b.Tree[:i+1]
		parent := -1
		for j := len(above) - 1; j >= 0; j-- {
			if above[j].Depth == line.Depth-1 {
				parent = j
				break
			}
		}
		if parent < 0 || line.Kind == "" {
			t.Errorf("%s at depth %d has no CI above it that needs it", line.CI.Ref, line.Depth)
		}
		if !inExtract[line.CI.Ref] {
			t.Errorf("%s is in the tree but not in the CMDB extract", line.CI.Ref)
		}
	}
	for _, opt := range []struct {
		copyFor string
		want    []string
	}{
		{"王建国", []string{"Controlled copy for 王建国", fmt.Sprintf("copy %d, 王建国", issued[0].CopyNo)}},
		{"", []string{"Uncontrolled copy"}},
	} {
		path := filepath.Join(t.TempDir(), "tree.pdf")
		if err := Binder(path, plans, PDFOptions{Lang: "en", AsOf: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), CopyFor: opt.copyFor}); err != nil {
			t.Fatal(err)
		}
		text := tool(t, "pdftotext", "-layout", path, "-")
		for _, want := range append(opt.want, "Dependency tree of the service", "└ "+b.Tree[1].CI.Ref, b.Tree[len(b.Tree)-1].CI.Ref, "2026-11-24 1.0") {
			if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
				t.Errorf("copy for %q: the binder does not say %q", opt.copyFor, want)
			}
		}
	}
}
