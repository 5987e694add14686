package export

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"servicebook/continuity"
)

// ManifestName is the pack's table of contents: every other file with its
// size and SHA-256, and what the pack was made from.
const ManifestName = "MANIFEST.txt"

// Manifest says what an off-site pack holds.
type Manifest struct {
	GeneratedAt       time.Time
	Version           string // the program that made it
	ChangeLogPosition int64  // the newest change-log entry in the pack's records
	Files             []ManifestFile
	// Not written in the manifest: for the caller, the plans whose copies
	// a controlled pack issued, and the issue as recorded.
	Plans         []string
	CapacityPlans []string
	Issued        []continuity.IssuedCopy
}

// ManifestFile is one file of a pack.
type ManifestFile struct {
	Name   string
	Size   int64
	SHA256 string // lower-case hex
}

const manifestTitle = "servicebook off-site pack"

// Bytes writes the manifest as text a person can read and check by hand
// with sha256sum: a few lines about the pack, then one line per file,
// "SHA256  SIZE  NAME", by name.
func (m Manifest) Bytes() []byte {
	var b bytes.Buffer
	fmt.Fprintln(&b, manifestTitle)
	fmt.Fprintf(&b, "Generated at: %s\n", m.GeneratedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "Program version: %s\n", m.Version)
	fmt.Fprintf(&b, "Change-log position: %d\n", m.ChangeLogPosition)
	fmt.Fprintf(&b, "Files: %d\n", len(m.Files))
	fmt.Fprintln(&b)
	files := append([]ManifestFile(nil), m.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, f := range files {
		fmt.Fprintf(&b, "%s  %d  %s\n", f.SHA256, f.Size, f.Name)
	}
	return b.Bytes()
}

// ParseManifest reads a manifest as Bytes writes it. Anything else (a
// line it does not know, a file named twice, a digest that is not one) is
// an error naming the line: a damaged manifest must not pass for a good one.
func ParseManifest(data []byte) (Manifest, error) {
	var m Manifest
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	line := 0
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s, line %d: %s", ManifestName, line, fmt.Sprintf(format, args...))
	}
	count := -1
	seen := map[string]bool{}
	inFiles := false
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		switch {
		case line == 1:
			if text != manifestTitle {
				return m, bad("this is not a servicebook pack manifest")
			}
		case inFiles:
			parts := strings.SplitN(text, "  ", 3)
			if len(parts) != 3 {
				return m, bad("%q is not \"SHA256  SIZE  NAME\"", text)
			}
			digest, err := hex.DecodeString(parts[0])
			if err != nil || len(digest) != sha256.Size || strings.ToLower(parts[0]) != parts[0] {
				return m, bad("%q is not a SHA-256 digest", parts[0])
			}
			size, err := strconv.ParseInt(parts[1], 10, 64)
			if err != nil || size < 0 {
				return m, bad("%q is not a size", parts[1])
			}
			name := parts[2]
			if !safePackName(name) {
				return m, bad("%q is not a file name a pack can hold", name)
			}
			if seen[name] {
				return m, bad("%s is listed twice", name)
			}
			seen[name] = true
			m.Files = append(m.Files, ManifestFile{Name: name, Size: size, SHA256: parts[0]})
		case text == "":
			inFiles = true
		default:
			key, value, ok := strings.Cut(text, ": ")
			if !ok {
				return m, bad("%q is not a known line", text)
			}
			var err error
			switch key {
			case "Generated at":
				m.GeneratedAt, err = time.Parse(time.RFC3339, value)
			case "Program version":
				m.Version = value
			case "Change-log position":
				m.ChangeLogPosition, err = strconv.ParseInt(value, 10, 64)
			case "Files":
				count, err = strconv.Atoi(value)
			default:
				err = fmt.Errorf("unknown")
			}
			if err != nil {
				return m, bad("%q is not a known line", text)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return m, fmt.Errorf("%s: %v", ManifestName, err)
	}
	if line == 0 {
		return m, fmt.Errorf("%s is empty", ManifestName)
	}
	if count != len(m.Files) {
		return m, fmt.Errorf("%s says %d files but lists %d", ManifestName, count, len(m.Files))
	}
	return m, nil
}

// safePackName is a plain file name: no folders, nothing hidden, nothing
// that could land outside the pack when it is unpacked.
func safePackName(name string) bool {
	if name == "" || name == ManifestName || strings.HasPrefix(name, ".") || len(name) > 200 {
		return false
	}
	return !strings.ContainsAny(name, "/\\:\x00\n\r")
}

// digest is a reader's SHA-256 and size.
func digest(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return hex.EncodeToString(h.Sum(nil)), n, err
}
