// Command acctest-report reads `go test -json` on stdin and prints what a
// run of the acceptance tests did: each package's result, the output of
// every failed test, and at the end the acceptance tests (TestAcc…) run and
// skipped, each skip with its reason, and the parts of tests (subtests,
// steps, checks) that live mode left out. `make testacc-live` pipes into it.
//
// It exits 1 when a test or a package failed, 0 otherwise.
package main

import (
	"fmt"
	"os"
)

func main() {
	rep, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest-report:", err)
		os.Exit(2)
	}
	rep.print(os.Stdout)
	if rep.failed() {
		os.Exit(1)
	}
}
