package export

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"servicebook/assets"
	"servicebook/cmdb"
	"servicebook/continuity"
)

// benchPlans is 20 plans of 60 steps and 12 call-tree roles each, made
// from the sample plans, each service depending on 500 CIs (a 10,000-CI
// CMDB appendix): about the binder of a large organisation.
func benchPlans(b *testing.B) []BinderPlan { return benchPlansFor(b) }

func benchPlansFor(b testing.TB) []BinderPlan {
	sample := samplePlans(b)
	var out []BinderPlan
	for i := range 20 {
		p := sample[i%len(sample)]
		p.Plan.DocNumber = fmt.Sprintf("SM-03%03d", i)
		steps := make([]continuity.PlanStep, 60)
		for j := range steps {
			steps[j] = continuity.PlanStep{ID: int64(j + 1), Number: j + 1, Phase: continuity.Recovery, Who: "DBA 数据库管理员",
				Action: fmt.Sprintf("第 %d 步：切换上海灾备核心数据库并校验 Activate and verify the standby, part %d", j+1, j), Location: "上海 Shanghai",
				Duration: 20 * time.Minute}
			if j > 0 {
				steps[j].DependsOn = []int64{int64(j)}
			}
		}
		p.Steps = steps
		for len(p.Roles) < 12 {
			p.Roles = append(p.Roles, p.Roles...)
		}
		p.Roles = p.Roles[:12]
		p.Tree, p.Extract = benchTree(i, 500)
		out = append(out, p)
	}
	return out
}

// benchTree is a service of plan i depending on n CIs, three levels deep,
// each CI with a type, owner, location, three attributes and its two
// relations, as the CMDB extract prints them.
func benchTree(i, n int) ([]TreeCI, []ExtractCI) {
	tree := make([]TreeCI, 0, n+1)
	extract := make([]ExtractCI, 0, n)
	service := cmdb.CI{Ref: fmt.Sprintf("CI-9%05d", i), Name: "网上银行 Internet banking", Status: cmdb.StatusInService}
	tree = append(tree, TreeCI{CI: service})
	for j := range n {
		ci := cmdb.CI{Ref: fmt.Sprintf("CI-%03d%05d", i, j), Name: fmt.Sprintf("bj-vm-%04d 核心银行应用服务器", j), TypeKey: "virtual_machine",
			Status: cmdb.StatusInService, Owner: "张伟 Zhang Wei", Location: "北京主数据中心 Beijing DC", Version: "RHEL 9.4",
			Attributes: map[string]string{"cpu": "16", "memory_gb": "64", "ip": fmt.Sprintf("10.%d.%d.%d", i, j/250, j%250)}}
		tree = append(tree, TreeCI{Depth: 1 + j%3, CI: ci, Kind: cmdb.RunsOn})
		extract = append(extract, ExtractCI{CI: ci, Relations: []cmdb.Relation{
			{FromRef: service.Ref, Kind: cmdb.DependsOn, ToRef: ci.Ref},
			{FromRef: ci.Ref, Kind: cmdb.HostedIn, ToRef: fmt.Sprintf("CI-%03d%05d", i, (j+1)%n), Group: "esx-ha"},
		}})
	}
	return tree, extract
}

// BenchmarkBinder20Plans prints 20 plans and, in the same run, a bare fpdf
// loop writing the same number of pages of wrapped text with the same
// font: the figure to read is servicebook's pages per second beside the
// bare loop's.
func BenchmarkBinder20Plans(b *testing.B) {
	plans := benchPlans(b)
	opt := PDFOptions{Lang: "zh", AsOf: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	data, err := BinderBytes(plans, opt)
	if err != nil {
		b.Fatal(err)
	}
	pages := bytes.Count(data, []byte("/Type /Page\n"))
	if pages == 0 {
		pages = bytes.Count(data, []byte("/Type /Page"))
	}
	b.Run("servicebook", func(b *testing.B) {
		for b.Loop() {
			if _, err := BinderBytes(plans, opt); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	})
	b.Run("bare-fpdf-text-pages", func(b *testing.B) {
		line := "第 12 步：切换上海灾备核心数据库并校验 Activate and verify the standby core database in Shanghai"
		for b.Loop() {
			f := fpdf.New("P", "mm", "A4", "")
			f.AddUTF8FontFromBytes(fontName, "", assets.Font)
			f.SetFont(fontName, "", 10)
			for range pages {
				f.AddPage()
				for range 45 {
					f.MultiCell(0, 5, line, "", "L", false)
				}
			}
			var buf bytes.Buffer
			if err := f.Output(&buf); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	})
	b.Logf("%d pages", pages)
}
