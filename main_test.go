package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCLocaleIsQuiet runs this test binary again — which initialises the
// same packages in the same order as servicebook itself — under the
// locales containers and CI use, and checks that nothing of the window
// toolkit's machinery reaches the terminal.
func TestCLocaleIsQuiet(t *testing.T) {
	if os.Getenv("SERVICEBOOK_CHILD") != "" {
		return // the child: its init has run, which is what is checked
	}
	for _, locale := range []string{"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "LANG=C", "LANG=POSIX"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCLocaleIsQuiet$")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "SERVICEBOOK_CHILD=1", locale}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v", locale, err)
		}
		if stderr.Len() > 0 {
			t.Errorf("%s: the program printed before main:\n%s", locale, stderr.String())
		}
	}
}
