package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"servicebook/export"
	"servicebook/store"
)

type exportOffsiteCmd struct {
	Plan           []string `help:"A plan's document number for the binder (repeat for several); all plans when left out."`
	CopyFor        string   `name:"copy-for" placeholder:"HOLDER" help:"Make the pack for this holder: the issue is recorded on each plan's distribution list and the copy numbers printed."`
	Encrypt        bool     `help:"Encrypt the whole pack into one file (OUT.age) with a passphrase (age, scrypt). The passphrase is asked for, twice, unless --passphrase-file gives it."`
	PassphraseFile string   `name:"passphrase-file" type:"path" help:"Read the passphrase from the first line of this file instead of asking."`
	TZ             string   `name:"tz" default:"Asia/Shanghai" help:"Time zone of the workbook's outage times."`
	printFlags
	Dest string `arg:"" type:"path" help:"A new or empty folder, a FILE.zip, or with --encrypt a FILE.age."`
}

func (c exportOffsiteCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	opt, err := c.options(app.DB.Now())
	if err != nil {
		return err
	}
	zone, err := zoneNamed(c.TZ)
	if err != nil {
		return err
	}
	dest := c.Dest
	req := export.PackRequest{DB: app.DB, Plans: c.Plan, PDF: opt, Zone: zone, Version: Version, LiveCapacity: app.Capacity,
		Progress: func(step string, done, total int) { fmt.Fprintf(app.Stderr, "[%d/%d] %s…\n", done, total, step) }}
	if c.Encrypt {
		if !strings.HasSuffix(strings.ToLower(dest), ".age") {
			dest = strings.TrimSuffix(strings.TrimSuffix(dest, "/"), ".zip") + ".age"
		}
		if req.Passphrase, err = passphrase(app, c.PassphraseFile, true); err != nil {
			return err
		}
	}
	req.PDF.CopyFor, req.Live = strings.TrimSpace(c.CopyFor), app.Continuity
	m, err := export.MakePack(cliContext(ctx), dest, req)
	if err != nil {
		return err
	}
	for _, cp := range m.Issued {
		fmt.Fprintf(app.Stdout, "%s: copy %d of version %s recorded as issued to %s on %s.\n", cp.DocNumber, cp.CopyNo, cp.Version, cp.Holder, cp.Issued)
	}
	fmt.Fprintf(app.Stdout, "Wrote the off-site pack %s: %d files and %s, change-log position %d.\n", dest, len(m.Files), export.ManifestName, m.ChangeLogPosition)
	for _, f := range m.Files {
		fmt.Fprintf(app.Stdout, "  %-28s %12d bytes  %s\n", f.Name, f.Size, f.SHA256[:16])
	}
	if c.Encrypt {
		fmt.Fprintln(app.Stdout, "Encrypted: keep the passphrase apart from the pack; without it nobody, servicebook included, can open it.")
	}
	return nil
}

type verifyCmd struct {
	PassphraseFile string `name:"passphrase-file" type:"path" help:"Read the passphrase of an encrypted pack from the first line of this file instead of asking."`
	Pack           string `arg:"" type:"path" help:"The pack: a folder, a .zip or an encrypted .age."`
}

func (c verifyCmd) Run(ctx context.Context, app *App) error {
	pass := ""
	if export.Encrypted(c.Pack) {
		var err error
		if pass, err = passphrase(app, c.PassphraseFile, false); err != nil {
			return err
		}
	}
	rep, err := export.VerifyPack(c.Pack, pass)
	if err != nil {
		return err
	}
	return printVerify(app, c.Pack, rep)
}

// printVerify says what a verify found and fails unless the pack is whole.
func printVerify(app *App, pack string, rep export.VerifyReport) error {
	m := rep.Manifest
	fmt.Fprintf(app.Stdout, "%s: made %s by servicebook %s, change-log position %d, %d files.\n", pack,
		m.GeneratedAt.Format("2006-01-02 15:04 MST"), m.Version, m.ChangeLogPosition, len(m.Files))
	for _, list := range []struct {
		what  string
		names []string
	}{{"missing", rep.Missing}, {"changed (size or SHA-256 differs)", rep.Changed}, {"added (not in the manifest)", rep.Added}} {
		for _, n := range list.names {
			fmt.Fprintf(app.Stdout, "  %s: %s\n", list.what, n)
		}
	}
	if !rep.OK() {
		return store.Errorf(store.EInvalid, "%s does not match its manifest: %d missing, %d changed, %d added.", pack, len(rep.Missing), len(rep.Changed), len(rep.Added))
	}
	fmt.Fprintln(app.Stdout, "Every file is there and matches its SHA-256; nothing else is.")
	return nil
}

type openPackCmd struct {
	PassphraseFile string `name:"passphrase-file" type:"path" help:"Read the passphrase from the first line of this file instead of asking."`
	Pack           string `arg:"" type:"path" help:"The pack: a .zip or an encrypted .age."`
	Dir            string `arg:"" type:"path" help:"A new or empty folder to unpack into."`
}

func (c openPackCmd) Run(ctx context.Context, app *App) error {
	pass := ""
	if export.Encrypted(c.Pack) {
		var err error
		if pass, err = passphrase(app, c.PassphraseFile, false); err != nil {
			return err
		}
	}
	rep, err := export.OpenPack(c.Pack, c.Dir, pass)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Unpacked %s into %s.\n", c.Pack, c.Dir)
	return printVerify(app, c.Dir, rep)
}

// passphrase reads a pack's passphrase from file, or asks for it on the
// terminal without echo (twice when confirm, for a new pack).
func passphrase(app *App, file string, confirm bool) (string, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", store.Errorf(store.EInvalid, "Cannot read the passphrase file: %v.", err)
		}
		line, _, _ := strings.Cut(string(data), "\n")
		if line = strings.TrimRight(line, "\r"); line == "" {
			return "", store.Errorf(store.EInvalid, "%s: the first line, the passphrase, is empty.", file)
		}
		return line, nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		// A script: one line on standard input.
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if line = strings.TrimRight(line, "\r\n"); line == "" {
			return "", store.Errorf(store.EInvalid, "No passphrase: give one on standard input or with --passphrase-file (%v).", err)
		}
		return line, nil
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(app.Stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(app.Stderr)
		return string(b), err
	}
	first, err := ask("Passphrase: ")
	if err != nil || first == "" {
		return "", store.Errorf(store.EInvalid, "No passphrase given.")
	}
	if confirm {
		if len([]rune(first)) < 10 {
			return "", store.Errorf(store.EInvalid, "Choose a passphrase of at least 10 characters: the pack leaves the building.")
		}
		again, err := ask("Again: ")
		if err != nil || again != first {
			return "", store.Errorf(store.EInvalid, "The two passphrases differ; nothing was written.")
		}
	}
	return first, nil
}
