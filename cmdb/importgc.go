package cmdb

import (
	"runtime/debug"
	"sync"
)

// importGCPercent is the garbage collector's target while an import runs
// (Go's GOGC; 100 unless set). An import keeps both cores busy, reading
// the file on one and writing on the other, so the collector's work comes
// out of the import's own time; reading 100k rows allocates about 1.9 GB,
// most of it in excelize. At 200 the collector runs half as often: an
// import of 100k CIs into a 100k CMDB took 0.2-0.3 s less, with its peak
// heap no higher than before because a written CI's row and attributes are
// let go (importWriter.write). The bare importer of the benchmark gains
// nothing from it: it reads and writes on one core and the collector
// works on the other.
const importGCPercent = 200

var importGC struct {
	sync.Mutex
	running int // imports running
	before  int // the target before the first of them
}

// raiseGCForImport raises the collector's target for an import, unless
// it is higher already or collection is off; the returned function lowers
// it again when the last import running ends.
func raiseGCForImport() (lower func()) {
	importGC.Lock()
	defer importGC.Unlock()
	if importGC.running == 0 {
		importGC.before = debug.SetGCPercent(importGCPercent)
		if importGC.before < 0 || importGC.before > importGCPercent {
			debug.SetGCPercent(importGC.before)
		}
	}
	importGC.running++
	return func() {
		importGC.Lock()
		defer importGC.Unlock()
		if importGC.running--; importGC.running == 0 {
			debug.SetGCPercent(importGC.before)
		}
	}
}
