package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestREADMETour runs every command of the README's tour, in order, as
// written, on a fresh sample database: the README never promises a command
// that fails. The files the tour imports are made here first, laid out as
// the README describes them.
func TestREADMETour(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(readme, []byte("## A tour on the command line"))
	end := bytes.Index(readme, []byte("### Impact analysis"))
	if start < 0 || end < start {
		t.Fatal("the README has no tour section")
	}
	var commands []string
	for _, line := range strings.Split(string(readme[start:end]), "\n") {
		if rest, ok := strings.CutPrefix(line, "$S "); ok {
			commands = append(commands, rest)
		}
	}
	if len(commands) < 40 {
		t.Fatalf("only %d tour commands found", len(commands))
	}
	dir := t.TempDir()
	t.Chdir(dir)
	db := filepath.Join(dir, "tour.db")
	mustRun(t, db, "demo")
	tourFiles(t, dir)
	var line string // the number budget line add printed
	for _, cmd := range commands {
		args, err := shellWords(cmd)
		if err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		// LINE stands for the line number budget line add printed.
		for i, a := range args {
			if a == "LINE" {
				args[i] = line
			}
		}
		code, out, errOut := run(t, db, args...)
		if code != 0 {
			t.Errorf("README: servicebook %s\nexit %d: %s%s", cmd, code, errOut, out)
		}
		if m := regexp.MustCompile(`Added line (\d+)`).FindStringSubmatch(out); m != nil {
			line = m[1]
		}
	}
}

// shellWords splits a command line as a POSIX shell would for the README's
// commands: words, double and single quotes, and a trailing # comment.
func shellWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord, quote := false, rune(0)
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == '#' && !inWord:
			return words, nil
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errUnclosedQuote
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

var errUnclosedQuote = usageError{"unclosed quote"}

// tourFiles writes the spreadsheets the tour imports.
func tourFiles(t *testing.T, dir string) {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"服务", "开始时间", "结束时间", "类型", "原因配置项", "描述"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"网上银行 Internet banking", "2026-09-05 02:00", "2026-09-05 02:40", "计划外", "CI-000015", "存储告警"})
	if err := f.SaveAs(filepath.Join(dir, "outages.xlsx")); err != nil {
		t.Fatal(err)
	}
	b := excelize.NewFile()
	rows := [][]any{
		{"XX银行信息科技部 2027 年度预算"},
		{"服务", "类别", "项目", "4月", "5月", "6月", "备注"},
		{"网上银行", "许可证", "网银软件维保", "¥10,000.00", "10,000", "10,000", "续约"},
		{"合计", "", "", 10000, 10000, 10000, ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		b.SetSheetRow("Sheet1", cell, &r)
	}
	if err := b.SaveAs(filepath.Join(dir, "2027年预算.xlsx")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "10月实际.csv"), []byte("服务,类别,10月\n网上银行,许可证,\"9,500.00\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Sixty days of the SAN's use as Zabbix exports it: clock, item, value.
	var zabbix strings.Builder
	zabbix.WriteString("clock,itemid,value,ns\n")
	for i := range 60 {
		fmt.Fprintf(&zabbix, "%d,SAN used GB,%d,%d\n", 1788220800+i*86400, 700+2*i, 120000000+i)
	}
	if err := os.WriteFile(filepath.Join(dir, "zabbix.csv"), []byte(zabbix.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}
