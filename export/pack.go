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
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/internal/safefile"
	"servicebook/store"
)

// PackRequest is what an off-site pack is made of and how.
type PackRequest struct {
	DB    *store.DB // the live database; the pack is made from one consistent copy of it
	Plans []string  // the binder's plans; all when empty
	// PDF are the printing choices. With PDF.CopyFor, the pack is a
	// controlled copy for that holder: the issue is recorded on each
	// plan's distribution list in the pack's records and, once the pack
	// is written (not before: a cancelled pack issues nothing), in the
	// live database through Live.
	PDF          PDFOptions
	Live         *continuity.Store
	LiveCapacity *capacity.Store
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
// the continuity binder, the capacity plans, the full workbook, the availability report of the
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
	if err := ctx.Err(); err != nil {
		return m, err
	}
	if err := writePack(dest, kind, staging, m, req.Passphrase); err != nil {
		return m, err
	}
	if holder := strings.TrimSpace(req.PDF.CopyFor); holder != "" && req.Live != nil {
		// The same issue as in the pack: the same copy numbers, unless
		// someone changed the list in the seconds between.
		if m.Issued, err = req.Live.IssueCopies(ctx, m.Plans, holder, req.PDF.AsOf.Format(time.DateOnly)); err != nil {
			return m, fmt.Errorf("the pack was written, but the issue of its copies could not be recorded: %w", err)
		}
		if req.LiveCapacity != nil && len(m.CapacityPlans) > 0 {
			issued, err := req.LiveCapacity.IssueCopies(ctx, m.CapacityPlans, holder, req.PDF.AsOf.Format(time.DateOnly))
			if err != nil {
				return m, fmt.Errorf("the pack was written, but the issue of its capacity plans' copies could not be recorded: %w", err)
			}
			m.Issued = append(m.Issued, issued...)
		}
	}
	return m, nil
}

// writePack moves the staged pack to dest as a folder, a zip, or an
// encrypted zip.
func writePack(dest string, kind int, staging string, m Manifest, passphrase string) error {
	switch kind {
	case packDir:
		os.Remove(dest) // an empty folder; a non-empty one was refused above
		if err := os.Rename(staging, dest); err != nil {
			return store.Errorf(store.EInvalid, "Cannot move the pack to %s: %v.", dest, err)
		}
		return nil
	case packZip:
		return safefile.Write(dest, func(f *os.File) error { return zipFolder(f, staging, m) })
	default:
		return safefile.Write(dest, func(f *os.File) error {
			recipient, err := age.NewScryptRecipient(passphrase)
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
	const steps = 7
	progress := func(step string, n int) error {
		if req.Progress != nil {
			req.Progress(step, n, steps)
		}
		return ctx.Err() // Cancel: stop at the next step
	}
	if err := progress("Copying the database", 1); err != nil {
		return Manifest{}, err
	}
	// Everything is made from a scratch copy of the database: the files
	// agree with each other whatever is written to the live one meanwhile,
	// and the issue of a controlled copy is in them before it is in the
	// live database.
	scratchDir, err := os.MkdirTemp("", "servicebook-pack-work-*")
	if err != nil {
		return Manifest{}, err
	}
	defer os.RemoveAll(scratchDir)
	scratchPath := filepath.Join(scratchDir, "work.db")
	if err := req.DB.Backup(ctx, scratchPath); err != nil {
		return Manifest{}, err
	}
	db, err := store.OpenExisting(ctx, scratchPath)
	if err != nil {
		return Manifest{}, err
	}
	defer db.Close()
	db.Now, db.User = req.DB.Now, req.DB.User
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		return Manifest{}, err
	}
	src := Sources{CMDB: cm, Continuity: continuity.NewStore(db, cm), Budget: budget.NewStore(db, cm), Capacity: capacity.NewStore(db, cm)}
	opt := req.PDF
	m := Manifest{GeneratedAt: opt.AsOf, Version: req.Version}
	if holder := strings.TrimSpace(opt.CopyFor); holder != "" {
		issued, err := src.Continuity.IssueCopies(ctx, req.Plans, holder, opt.AsOf.Format(time.DateOnly))
		if err != nil {
			return m, err
		}
		for _, c := range issued {
			m.Plans = append(m.Plans, c.DocNumber)
		}
		capIssued, err := src.Capacity.IssueCopies(ctx, nil, holder, opt.AsOf.Format(time.DateOnly))
		if err != nil {
			return m, err
		}
		for _, c := range capIssued {
			m.CapacityPlans = append(m.CapacityPlans, c.DocNumber)
		}
	}
	if err := db.Backup(ctx, filepath.Join(dir, "servicebook.db")); err != nil {
		return m, err
	}
	if m.ChangeLogPosition, err = db.ChangeLogPosition(ctx); err != nil {
		return m, err
	}

	if err := progress("Printing the continuity binder", 2); err != nil {
		return m, err
	}
	plans, err := LoadBinder(ctx, src.Continuity, cm, req.Plans)
	if err != nil {
		return Manifest{}, err
	}
	if len(plans) > 0 {
		if err := Binder(filepath.Join(dir, "continuity-binder.pdf"), plans, opt); err != nil {
			return Manifest{}, err
		}
	}

	if err := progress("Printing the capacity plans", 3); err != nil {
		return m, err
	}
	capPlans, err := LoadCapacityPlans(ctx, src.Capacity, nil)
	if err != nil {
		return Manifest{}, err
	}
	if len(capPlans) > 0 {
		if err := CapacityPlanPDF(filepath.Join(dir, "capacity-plans.pdf"), capPlans, opt); err != nil {
			return Manifest{}, err
		}
	}

	if err := progress("Writing the workbook", 4); err != nil {
		return m, err
	}
	wopt := WorkbookOptions{Lang: opt.Lang, AsOf: opt.AsOf, Zone: req.Zone, Version: req.Version, ChangeLogPosition: m.ChangeLogPosition}
	if err := Workbook(ctx, filepath.Join(dir, "records.xlsx"), src, wopt); err != nil {
		return Manifest{}, err
	}

	if err := progress("Printing the availability report", 5); err != nil {
		return m, err
	}
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

	if err := progress("Printing the budget reports", 6); err != nil {
		return m, err
	}
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

	if err := progress("Writing the manifest", 7); err != nil {
		return m, err
	}
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
