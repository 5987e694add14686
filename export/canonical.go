package export

import (
	"archive/zip"
	"bytes"
	"io"
	"sort"
)

// canonicalZip rewrites an XLSX (a zip) with its entries in a fixed order:
// excelize writes them in map order, so the same workbook would come out
// with different bytes each time, and two packs of the same records could
// not be compared by hash. The entries' compressed data is copied as it
// is; only the order changes. [Content_Types].xml stays first, where
// Office puts it.
func canonicalZip(data []byte) ([]byte, error) {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	files := append([]*zip.File(nil), r.File...)
	sort.SliceStable(files, func(i, j int) bool {
		a, b := files[i].Name, files[j].Name
		if (a == "[Content_Types].xml") != (b == "[Content_Types].xml") {
			return a == "[Content_Types].xml"
		}
		return a < b
	})
	var buf bytes.Buffer
	buf.Grow(len(data))
	w := zip.NewWriter(&buf)
	for _, f := range files {
		raw, err := f.OpenRaw()
		if err != nil {
			return nil, err
		}
		header := f.FileHeader
		out, err := w.CreateRaw(&header)
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(out, raw); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
