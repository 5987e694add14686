package export

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCapacityPlanReadsBack: the printed capacity plan has its document
// control, every section, each resource with the time to its thresholds,
// a chart per forecast resource (its axis labels are text), the upgrades
// with their costs and the checks, in both languages; a draft carries the
// DRAFT mark; the file passes qpdf's check.
func TestCapacityPlanReadsBack(t *testing.T) {
	ctx := context.Background()
	src, _ := sampleRecords(t)
	plans, err := LoadCapacityPlans(ctx, src.Capacity, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 || len(plans[0].Resources) != 6 || len(plans[0].Forecasts) != 6 || len(plans[0].Upgrades) != 1 {
		t.Fatalf("loaded: %d plans", len(plans))
	}
	for _, lang := range []struct {
		code  string
		words []string
	}{
		{"en", []string{"Document control", "Change history", "first draft", "Distribution", "Capacity and performance requirements",
			"Procedure for predictive analysis", "Resources, headroom and time to threshold", "in 36 days, about 2026-12-26; no upgrade planned",
			"60,000 users", "Planned upgrades and their costs", "180,000.00", "measured", "forecast", "critical 1700", "draft — for reference only",
			"bj-san-01 used TB is forecast to reach its warning threshold on 2026-12-26"}},
		{"zh", []string{"文件控制", "修订记录", "初稿", "分发清单", "容量与性能要求", "预测分析程序", "资源、余量与触及阈值的时间",
			"36 天后，约", "计划扩容及费用", "实测", "预测", "严重 1700", "草案——仅供参考"}},
	} {
		path := filepath.Join(t.TempDir(), "capacity.pdf")
		if err := CapacityPlanPDF(path, plans, PDFOptions{Lang: lang.code, AsOf: workbookAsOf}); err != nil {
			t.Fatal(err)
		}
		tool(t, "qpdf", "--check", path)
		text := strings.Join(strings.Fields(tool(t, "pdftotext", "-raw", path, "-")), " ")
		for _, w := range append(lang.words, "SM-03001", "bj-san-01 used TB", "core DB CPU %", "MPLS WAN Mbit/s", "2027-01") {
			if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("%s: the capacity plan does not say %q", lang.code, w)
			}
		}
	}
}
