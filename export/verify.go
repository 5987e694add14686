package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"filippo.io/age"

	"servicebook/store"
)

// VerifyReport is what verifying a pack found: the manifest, and every
// file that is missing, was added, or differs from it.
type VerifyReport struct {
	Manifest                Manifest
	Missing, Added, Changed []string
}

// OK reports whether every file is there, as listed, and nothing else.
func (r VerifyReport) OK() bool { return len(r.Missing)+len(r.Added)+len(r.Changed) == 0 }

// packReader is a pack's files, wherever they are.
type packReader struct {
	names []string
	open  func(name string) (io.ReadCloser, error)
	close func() error
}

// Encrypted reports whether path is an age-encrypted pack, which needs a
// passphrase to verify or open.
func Encrypted(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 22)
	n, _ := io.ReadFull(f, head)
	return bytes.HasPrefix(head[:n], []byte("age-encryption.org/v1"))
}

// VerifyPack checks the pack at path (a folder, a .zip, or an encrypted
// .age with its passphrase) against its manifest: each listed file must be
// there with its size and SHA-256, and no other file may be.
func VerifyPack(path, passphrase string) (VerifyReport, error) {
	pr, err := openPack(path, passphrase)
	if err != nil {
		return VerifyReport{}, err
	}
	defer pr.close()
	return verify(path, pr)
}

func verify(path string, pr packReader) (VerifyReport, error) {
	var rep VerifyReport
	mf, err := pr.open(ManifestName)
	if err != nil {
		return rep, store.Errorf(store.EInvalid, "%s has no %s: it is not a servicebook pack, or the manifest was lost.", path, ManifestName)
	}
	data, err := io.ReadAll(io.LimitReader(mf, 1<<22))
	mf.Close()
	if err != nil {
		return rep, store.Errorf(store.EInvalid, "%s: %s cannot be read: %v.", path, ManifestName, err)
	}
	if rep.Manifest, err = ParseManifest(data); err != nil {
		return rep, store.Errorf(store.EInvalid, "%s: %v.", path, err)
	}
	present := map[string]bool{}
	for _, n := range pr.names {
		present[n] = true
	}
	listed := map[string]bool{ManifestName: true}
	for _, f := range rep.Manifest.Files {
		listed[f.Name] = true
		if !present[f.Name] {
			rep.Missing = append(rep.Missing, f.Name)
			continue
		}
		r, err := pr.open(f.Name)
		if err != nil {
			rep.Changed = append(rep.Changed, f.Name)
			continue
		}
		sum, size, err := digest(r)
		r.Close()
		if err != nil || sum != f.SHA256 || size != f.Size {
			rep.Changed = append(rep.Changed, f.Name)
		}
	}
	for _, n := range pr.names {
		if !listed[n] {
			rep.Added = append(rep.Added, n)
		}
	}
	sort.Strings(rep.Added)
	return rep, nil
}

// openPack reads a folder, a zip, or an encrypted zip.
func openPack(path, passphrase string) (packReader, error) {
	info, err := os.Stat(path)
	if err != nil {
		return packReader{}, store.Errorf(store.ENotFound, "There is no pack at %s.", path)
	}
	if info.IsDir() {
		return folderPack(path)
	}
	if Encrypted(path) {
		return agePack(path, passphrase)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return packReader{}, store.Errorf(store.EInvalid, "%s is neither a pack folder, a .zip nor an encrypted .age pack (%v).", path, err)
	}
	return zipPack(&zr.Reader, zr.Close), nil
}

func folderPack(dir string) (packReader, error) {
	pr := packReader{close: func() error { return nil }}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		pr.names = append(pr.names, filepath.ToSlash(rel))
		if e.IsDir() {
			return filepath.SkipDir // a folder is an added entry; its contents are not the pack's
		}
		return nil
	})
	if err != nil {
		return pr, err
	}
	pr.open = func(name string) (io.ReadCloser, error) {
		if !safePackName(name) && name != ManifestName {
			return nil, fmt.Errorf("%q is not a pack file name", name)
		}
		return os.Open(filepath.Join(dir, name))
	}
	return pr, nil
}

func zipPack(zr *zip.Reader, closer func() error) packReader {
	pr := packReader{close: closer}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		pr.names = append(pr.names, f.Name)
		files[f.Name] = f
	}
	pr.open = func(name string) (io.ReadCloser, error) {
		f, ok := files[name]
		if !ok {
			return nil, os.ErrNotExist
		}
		return f.Open()
	}
	return pr
}

// agePack decrypts an encrypted pack into a private temporary file (a zip
// must be read at random) that is removed when the pack is closed.
func agePack(path, passphrase string) (packReader, error) {
	if passphrase == "" {
		return packReader{}, store.Errorf(store.EInvalid, "%s is encrypted: give its passphrase.", path)
	}
	tmp, err := decryptToTemp(path, passphrase)
	if err != nil {
		return packReader{}, err
	}
	zr, err := zip.OpenReader(tmp)
	if err != nil {
		os.Remove(tmp)
		return packReader{}, store.Errorf(store.EInvalid, "%s decrypts, but what it holds is not a pack (%v).", path, err)
	}
	return zipPack(&zr.Reader, func() error { zr.Close(); return os.Remove(tmp) }), nil
}

func decryptToTemp(path, passphrase string) (string, error) {
	in, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer in.Close()
	identity, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return "", err
	}
	r, err := age.Decrypt(bufio.NewReader(in), identity)
	if err != nil {
		var wrong *age.NoIdentityMatchError
		if errors.As(err, &wrong) {
			return "", store.Errorf(store.EInvalid, "The passphrase does not open %s.", path)
		}
		return "", store.Errorf(store.EInvalid, "%s cannot be decrypted: %v.", path, err)
	}
	out, err := os.CreateTemp("", "servicebook-pack-*.zip")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", store.Errorf(store.EInvalid, "%s is damaged: %v.", path, err)
	}
	if err := out.Close(); err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// OpenPack unpacks a .zip or an encrypted .age pack into dir (new or
// empty) and verifies what it unpacked.
func OpenPack(path, dir, passphrase string) (VerifyReport, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return VerifyReport{}, store.Errorf(store.EInvalid, "%s is not empty; choose a new or empty folder to open the pack in.", dir)
	}
	pr, err := openPack(path, passphrase)
	if err != nil {
		return VerifyReport{}, err
	}
	defer pr.close()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return VerifyReport{}, err
	}
	for _, name := range pr.names {
		if !safePackName(name) && name != ManifestName {
			return VerifyReport{}, store.Errorf(store.EInvalid, "%s holds %q, which is not a pack file name; nothing more was unpacked.", path, name)
		}
		in, err := pr.open(name)
		if err != nil {
			return VerifyReport{}, err
		}
		out, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			in.Close()
			return VerifyReport{}, err
		}
		_, err = io.Copy(out, in)
		in.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return VerifyReport{}, err
		}
	}
	return VerifyPack(dir, "")
}
