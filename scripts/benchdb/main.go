// Command benchdb prints the path of the 100k-CI benchmark database,
// building it first if this machine has none yet (see demo.CachedScaled):
// scripts/bench.sh opens the real window on it.
package main

import (
	"fmt"
	"os"

	"servicebook/demo"
)

func main() {
	path, err := demo.CachedScaled(100_000, 1)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchdb:", err)
		os.Exit(1)
	}
	fmt.Println(path)
}
