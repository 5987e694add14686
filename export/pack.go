package export

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"

	"servicebook/budget"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/internal/safefile"
	"servicebook/store"
)

// PackRequest is what an off-site pack is made of and how.
type PackRequest struct {
	DB    *store.DB // the live database; the pack is made from one consistent copy of it
	Plans []string  // the binder's plans; all when empty
	PDF   PDFOptions
	// Zone is the time zone of the workbook's outage times (Asia/Shanghai
	// when nil).
	Zone    *time.Location
	Version string
	// Passphrase, when set, encrypts the whole pack into one age file
	// (scrypt): the destination must then end in .age.
	Passphrase string
	// Progress, when set, is told each step as it starts (1 of total …).
	Progress func(step string, done, total int)
}

// Pack kinds, from the destination's name.
const (
	packDir = iota
	packZip
	packAge
)

func packKind(dest string) int {
	switch strings.ToLower(filepath.Ext(dest)) {
	case ".zip":
		return packZip
	case ".age":
		return packAge
	}
	return packDir
}

// MakePack writes the off-site pack to dest: a folder, a .zip, or (with a
// passphrase) one .age file. It holds a consistent copy of the database,
// and — made from that copy, so that every file shows the same records —
// the continuity binder, the full workbook, the availability report of the
// year to date and each fiscal year's budget report, and MANIFEST.txt with
// every file's size and SHA-256. Nothing is left under dest unless the
// whole pack was written; a folder must be new or empty.
func MakePack(ctx context.Context, dest string, req PackRequest) (Manifest, error) {
	kind := packKind(dest)
	if (kind == packAge) != (req.Passphrase != "") {
		if kind == packAge {
			return Manifest{}, store.Errorf(store.EInvalid, "%s: an encrypted pack needs a passphrase.", dest)
		}
		return Manifest{}, store.Errorf(store.EInvalid, "%s: an encrypted pack is one file; name it ….age.", dest)
	}
	if kind == packDir {
		if entries, err := os.ReadDir(dest); err == nil && len(entries) > 0 {
			return Manifest{}, store.Errorf(store.EInvalid, "%s is not empty; choose a new or empty folder for the pack.", dest)
		}
	}
	parent := filepath.Dir(filepath.Clean(dest))
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return Manifest{}, store.Errorf(store.EInvalid, "Cannot create %s: %v.", parent, err)
	}
	staging, err := os.MkdirTemp(parent, ".servicebook-pack-*")
	if err != nil {
		return Manifest{}, store.Errorf(store.EInvalid, "Cannot write in %s: %v.", parent, err)
	}
	defer os.RemoveAll(staging)
	m, err := stagePack(ctx, staging, req)
	if err != nil {
		return m, err
	}
	switch kind {
	case packDir:
		os.Remove(dest) // an empty folder; a non-empty one was refused above
		if err := os.Rename(staging, dest); err != nil {
			return m, store.Errorf(store.EInvalid, "Cannot move the pack to %s: %v.", dest, err)
		}
		return m, nil
	case packZip:
		return m, safefile.Write(dest, func(f *os.File) error { return zipFolder(f, staging, m) })
	default:
		return m, safefile.Write(dest, func(f *os.File) error {
			recipient, err := age.NewScryptRecipient(req.Passphrase)
			if err != nil {
				return err
			}
			w, err := age.Encrypt(f, recipient)
			if err != nil {
				return err
			}
			if err := zipFolder(w, staging, m); err != nil {
				return err
			}
			return w.Close()
		})
	}
}

// stagePack writes the pack's files into dir and returns its manifest.
func stagePack(ctx context.Context, dir string, req PackRequest) (Manifest, error) {
	const steps = 6
	progress := func(step string, n int) {
		if req.Progress != nil {
			req.Progress(step, n, steps)
		}
	}
	progress("Copying the database", 1)
	dbCopy := filepath.Join(dir, "servicebook.db")
	if err := req.DB.Backup(ctx, dbCopy); err != nil {
		return Manifest{}, err
	}
	// Everything else is made from a scratch copy of the pack's database:
	// the files agree with it, whatever is written to the live one
	// meanwhile, and nothing the export reads can touch the copy packed.
	scratchDir, err := os.MkdirTemp("", "servicebook-pack-work-*")
	if err != nil {
		return Manifest{}, err
	}
	defer os.RemoveAll(scratchDir)
	scratchPath := filepath.Join(scratchDir, "work.db")
	if err := copyPlain(dbCopy, scratchPath); err != nil {
		return Manifest{}, err
	}
	db, err := store.OpenExisting(ctx, scratchPath)
	if err != nil {
		return Manifest{}, err
	}
	defer db.Close()
	db.Now = req.DB.Now
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		return Manifest{}, err
	}
	src := Sources{CMDB: cm, Continuity: continuity.NewStore(db, cm), Budget: budget.NewStore(db, cm)}
	position, err := db.ChangeLogPosition(ctx)
	if err != nil {
		return Manifest{}, err
	}
	opt := req.PDF

	progress("Printing the continuity binder", 2)
	plans, err := LoadBinder(ctx, src.Continuity, cm, req.Plans)
	if err != nil {
		return Manifest{}, err
	}
	if len(plans) > 0 {
		if err := Binder(filepath.Join(dir, "continuity-binder.pdf"), plans, opt); err != nil {
			return Manifest{}, err
		}
	}

	progress("Writing the workbook", 3)
	wopt := WorkbookOptions{Lang: opt.Lang, AsOf: opt.AsOf, Zone: req.Zone, Version: req.Version, ChangeLogPosition: position}
	if err := Workbook(ctx, filepath.Join(dir, "records.xlsx"), src, wopt); err != nil {
		return Manifest{}, err
	}

	progress("Printing the availability report", 4)
	year := strconv.Itoa(opt.AsOf.Year())
	if targets, err := src.Continuity.Targets(ctx); err != nil {
		return Manifest{}, err
	} else if len(targets) > 0 {
		rep, err := LoadAvailabilityReport(ctx, src.Continuity, year, opt.AsOf)
		if err != nil {
			return Manifest{}, err
		}
		if err := AvailabilityPDF(filepath.Join(dir, "availability-"+year+".pdf"), rep, opt); err != nil {
			return Manifest{}, err
		}
	}

	progress("Printing the budget reports", 5)
	years, err := src.Budget.FiscalYears(ctx)
	if err != nil {
		return Manifest{}, err
	}
	for _, fy := range years {
		rep, err := LoadBudgetReport(ctx, src.Budget, fy.Year)
		if err != nil {
			return Manifest{}, err
		}
		if err := BudgetPDF(filepath.Join(dir, fmt.Sprintf("budget-%d.pdf", fy.Year)), rep, opt); err != nil {
			return Manifest{}, err
		}
	}

	progress("Writing the manifest", 6)
	m := Manifest{GeneratedAt: opt.AsOf, Version: req.Version, ChangeLogPosition: position}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return m, err
	}
	for _, e := range entries {
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return m, err
		}
		sum, size, err := digest(f)
		f.Close()
		if err != nil {
			return m, err
		}
		m.Files = append(m.Files, ManifestFile{Name: e.Name(), Size: size, SHA256: sum})
	}
	return m, safefile.WriteFile(filepath.Join(dir, ManifestName), m.Bytes())
}

// zipFolder writes the pack's files (the manifest first, then by name)
// into a zip on w, dated as the pack, so that the same pack gives the same
// bytes.
func zipFolder(w io.Writer, dir string, m Manifest) error {
	zw := zip.NewWriter(w)
	names := []string{ManifestName}
	for _, f := range m.Files {
		names = append(names, f.Name)
	}
	sort.Strings(names[1:])
	for _, name := range names {
		header := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: m.GeneratedAt.UTC()}
		header.SetMode(0o600)
		out, err := zw.CreateHeader(header)
		if err != nil {
			return err
		}
		in, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		in.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}

func copyPlain(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
