package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteKeepsTheLastGoodCopyOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "export.xlsx")
	if err := WriteFile(path, []byte("good")); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode().Perm())
	}
	// A write that fails halfway (a full disk) leaves the old file and no
	// temporary file behind.
	err := Write(path, func(f *os.File) error {
		f.Write([]byte("half"))
		return errors.New("no space left on device")
	})
	if err == nil {
		t.Fatal("the failure was not reported")
	}
	if data, _ := os.ReadFile(path); string(data) != "good" {
		t.Errorf("the last good copy holds %q", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x"), nil); err == nil {
		t.Error("a folder that does not exist gives no error")
	}
}
