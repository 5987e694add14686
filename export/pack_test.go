package export

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"servicebook/continuity"
	"servicebook/doccontrol"
)

func packRequest(t *testing.T) PackRequest {
	t.Helper()
	src, db := sampleRecords(t)
	_ = src
	return PackRequest{DB: db, PDF: PDFOptions{Lang: "zh", AsOf: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), Org: "示例银行"}, Version: "test"}
}

// TestPackVerifyCatchesEveryChange: a pack folder holds the binder, the
// workbook, the database copy, the reports and a manifest that lists each;
// verify passes it, and names one changed byte, a missing file and an
// added file.
func TestPackVerifyCatchesEveryChange(t *testing.T) {
	ctx := context.Background()
	req := packRequest(t)
	dir := filepath.Join(t.TempDir(), "pack")
	m, err := MakePack(ctx, dir, req)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range m.Files {
		names = append(names, f.Name)
	}
	for _, want := range []string{"continuity-binder.pdf", "capacity-plans.pdf", "records.xlsx", "servicebook.db", "availability-2026.pdf", "budget-2026.pdf"} {
		if !slices.Contains(names, want) {
			t.Errorf("the pack lacks %s: %v", want, names)
		}
	}
	position, _ := req.DB.ChangeLogPosition(ctx)
	if m.ChangeLogPosition != position || m.Version != "test" || !m.GeneratedAt.Equal(req.PDF.AsOf) {
		t.Errorf("manifest = %+v, want position %d", m, position)
	}
	text, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	if parsed, err := ParseManifest(text); err != nil || len(parsed.Files) != len(m.Files) {
		t.Fatalf("the manifest reads back as %+v, %v", parsed, err)
	}
	if rep, err := VerifyPack(dir, ""); err != nil || !rep.OK() {
		t.Fatalf("a fresh pack: %+v, %v", rep, err)
	}
	// One changed byte.
	pdf := filepath.Join(dir, "budget-2026.pdf")
	data, _ := os.ReadFile(pdf)
	data[len(data)/2] ^= 1
	os.WriteFile(pdf, data, 0o600)
	// A missing file and an added one.
	os.Remove(filepath.Join(dir, "records.xlsx"))
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("left here"), 0o600)
	rep, err := VerifyPack(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !slices.Equal(rep.Changed, []string{"budget-2026.pdf"}) || !slices.Equal(rep.Missing, []string{"records.xlsx"}) ||
		!slices.Equal(rep.Added, []string{"notes.txt"}) {
		t.Errorf("verify found changed %v, missing %v, added %v", rep.Changed, rep.Missing, rep.Added)
	}
	if _, err := MakePack(ctx, dir, req); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a pack into a folder that is not empty: %v", err)
	}
}

// TestPackZipIsDeterministicAndEncryptedPackOpens: the same records at the
// same time give the same zip, byte for byte; an encrypted pack verifies
// and opens with its passphrase only, and a changed byte of it is caught.
func TestPackZipIsDeterministicAndEncryptedPackOpens(t *testing.T) {
	ctx := context.Background()
	req := packRequest(t)
	dir := t.TempDir()
	one, two := filepath.Join(dir, "one.zip"), filepath.Join(dir, "two.zip")
	for _, p := range []string{one, two} {
		if _, err := MakePack(ctx, p, req); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := os.ReadFile(one)
	b, _ := os.ReadFile(two)
	if !bytes.Equal(a, b) {
		t.Error("two packs of the same records at the same time differ")
	}
	if rep, err := VerifyPack(one, ""); err != nil || !rep.OK() {
		t.Fatalf("zip pack: %+v, %v", rep, err)
	}
	sealed := filepath.Join(dir, "pack.age")
	req.Passphrase = "correct horse battery staple 马"
	if _, err := MakePack(ctx, sealed, req); err != nil {
		t.Fatal(err)
	}
	if !Encrypted(sealed) || Encrypted(one) {
		t.Error("Encrypted does not tell an encrypted pack from a zip")
	}
	if raw, _ := os.ReadFile(sealed); bytes.Contains(raw, []byte("MANIFEST")) || bytes.Contains(raw, []byte("servicebook.db")) {
		t.Error("the encrypted pack shows its file names")
	}
	if _, err := VerifyPack(sealed, "wrong"); err == nil || !strings.Contains(err.Error(), "passphrase does not open") {
		t.Errorf("wrong passphrase: %v", err)
	}
	if rep, err := VerifyPack(sealed, req.Passphrase); err != nil || !rep.OK() {
		t.Fatalf("encrypted pack: %+v, %v", rep, err)
	}
	out := filepath.Join(dir, "opened")
	rep, err := OpenPack(sealed, out, req.Passphrase)
	if err != nil || !rep.OK() {
		t.Fatalf("open-pack: %+v, %v", rep, err)
	}
	if _, err := os.Stat(filepath.Join(out, "continuity-binder.pdf")); err != nil {
		t.Error("open-pack did not unpack the binder")
	}
	raw, _ := os.ReadFile(sealed)
	raw[len(raw)-40] ^= 1
	os.WriteFile(sealed, raw, 0o600)
	if _, err := VerifyPack(sealed, req.Passphrase); err == nil {
		t.Error("a changed byte of an encrypted pack passed")
	}
	req.Passphrase = ""
	if _, err := MakePack(ctx, filepath.Join(dir, "x.age"), req); err == nil {
		t.Error("an .age pack without a passphrase was made")
	}
}

// FuzzParseManifest: no manifest text panics the parser, and one it
// accepts writes back to text that parses to the same manifest.
func FuzzParseManifest(f *testing.F) {
	f.Add(Manifest{GeneratedAt: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), Version: "1.0", ChangeLogPosition: 778,
		Files: []ManifestFile{{Name: "records.xlsx", Size: 12, SHA256: strings.Repeat("ab", 32)}}}.Bytes())
	f.Add([]byte("servicebook off-site pack\nFiles: 0\n"))
	f.Add([]byte("servicebook off-site pack\n\n" + strings.Repeat("0", 64) + "  1  ../x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			return
		}
		again, err := ParseManifest(m.Bytes())
		if err != nil || len(again.Files) != len(m.Files) || again.ChangeLogPosition != m.ChangeLogPosition {
			t.Fatalf("%q parsed, wrote back and read %+v, %v", data, again, err)
		}
		for _, file := range m.Files {
			if !safePackName(file.Name) {
				t.Fatalf("accepted unsafe name %q", file.Name)
			}
		}
	})
}

// TestControlledPackIssuesOnlyWhenWritten: a pack for a holder prints the
// holder's copy numbers and records the issue in the live register once
// written; a pack cancelled before it is written records nothing.
func TestControlledPackIssuesOnlyWhenWritten(t *testing.T) {
	ctx := context.Background()
	src, db := sampleRecords(t)
	req := PackRequest{DB: db, Live: src.Continuity, LiveCapacity: src.Capacity, Version: "test",
		PDF: PDFOptions{Lang: "en", AsOf: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), CopyFor: "Off-site safe B"}}
	cancelled, cancel := context.WithCancel(ctx)
	req.Progress = func(step string, done, total int) {
		if done == 3 {
			cancel()
		}
	}
	dest := filepath.Join(t.TempDir(), "cancelled")
	if _, err := MakePack(cancelled, dest, req); err == nil {
		t.Fatal("a cancelled pack was written")
	}
	if _, err := os.Stat(dest); err == nil {
		t.Error("a cancelled pack left a folder")
	}
	plan, _ := src.Continuity.Plan(ctx, "SM-02002")
	if copies, _ := src.Continuity.Distribution(ctx, plan.ID); slices.ContainsFunc(copies, func(c continuity.Copy) bool { return c.Holder == "Off-site safe B" }) {
		t.Error("a cancelled pack issued a copy")
	}
	req.Progress = nil
	dest = filepath.Join(t.TempDir(), "pack")
	m, err := MakePack(ctx, dest, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Issued) != 4 || m.Issued[3].DocNumber != "SM-03001" {
		t.Fatalf("issued %+v", m.Issued)
	}
	capPlan, _ := src.Capacity.Plan(ctx, "SM-03001")
	if capCopies, _ := src.Capacity.Distribution(ctx, capPlan.ID); !slices.ContainsFunc(capCopies, func(c doccontrol.Copy) bool {
		return c.Holder == "Off-site safe B" && c.Version == capPlan.Version
	}) {
		t.Errorf("the capacity plan's register after the pack: %+v", capCopies)
	}
	copies, _ := src.Continuity.Distribution(ctx, plan.ID)
	i := slices.IndexFunc(copies, func(c continuity.Copy) bool { return c.Holder == "Off-site safe B" })
	if i < 0 || copies[i].Issued != "2026-11-24" || copies[i].Version != plan.Version {
		t.Fatalf("the live register after the pack: %+v", copies)
	}
	text := strings.Join(strings.Fields(tool(t, "pdftotext", "-raw", filepath.Join(dest, "continuity-binder.pdf"), "-")), " ")
	if !strings.Contains(text, fmt.Sprintf("copy %d, Off-site safe B", copies[i].CopyNo)) {
		t.Errorf("the binder does not print copy %d for the holder", copies[i].CopyNo)
	}
}
