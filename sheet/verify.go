package sheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"

	"servicebook/store"
)

// verifyParts reads every part of a workbook through its checksum, and
// checks that the sheets and the shared strings are well-formed XML, before
// anything is imported: excelize neither checks a part's CRC (a damaged
// file imported corrupted values) nor reports a sheet whose XML breaks
// halfway (the rows after the break were silently missing). A damaged file
// is refused whole, naming the sheet and the row where reading stopped.
// Inflating and scanning a 100k-row sheet takes about a tenth of a second.
func verifyParts(name string, zr *zip.Reader, maxText int) error {
	sheets := sheetNames(zr)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return store.Errorf(store.EInvalid, "%s: is damaged: part %s cannot be opened (%v); nothing was imported", name, f.Name, err)
		}
		checkThis := strings.HasPrefix(f.Name, "xl/worksheets/") && strings.HasSuffix(f.Name, ".xml") || f.Name == "xl/sharedStrings.xml"
		if checkThis {
			err = checkXMLText(rc, maxText)
		}
		if err == nil {
			_, err = io.Copy(io.Discard, rc) // the rest, for the checksum
		}
		rc.Close()
		var br *xmlBreak
		switch {
		case err == nil:
		case errors.As(err, &br):
			where := "part " + f.Name
			if s, ok := sheets[f.Name]; ok {
				where = "sheet \"" + s + "\""
			}
			if br.TooLong {
				return store.Errorf(store.EInvalid, "%s: %s holds %s after row %d; nothing was imported", name, where, br.Reason, br.Row)
			}
			if br.Row > 0 {
				return store.Errorf(store.EInvalid, "%s: is damaged: %s breaks after row %d (%s); nothing was imported", name, where, br.Row, br.Reason)
			}
			return store.Errorf(store.EInvalid, "%s: is damaged: %s is not well-formed (%s); nothing was imported", name, where, br.Reason)
		case errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrFormat), errors.Is(err, io.ErrUnexpectedEOF):
			return store.Errorf(store.EInvalid, "%s: is damaged: part %s fails its checksum (the file was changed or cut short); nothing was imported", name, f.Name)
		default:
			return store.Errorf(store.EInvalid, "%s: is damaged: part %s cannot be read (%v); nothing was imported", name, f.Name, err)
		}
	}
	return nil
}

// sheetNames maps a worksheet's part name to the sheet's name, from the
// workbook and its relationships, for messages. Parts it cannot place keep
// their part name.
func sheetNames(zr *zip.Reader) map[string]string {
	read := func(p string, v any) bool {
		for _, f := range zr.File {
			if f.Name != p {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return false
			}
			defer rc.Close()
			return xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v) == nil
		}
		return false
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	out := map[string]string{}
	if !read("xl/workbook.xml", &wb) || !read("xl/_rels/workbook.xml.rels", &rels) {
		return out
	}
	targets := map[string]string{}
	for _, r := range rels.Rel {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	for _, s := range wb.Sheets {
		if t, ok := targets[s.RID]; ok {
			out[t] = s.Name
		}
	}
	return out
}
