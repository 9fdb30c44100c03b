package examplestest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const versionsGuidePath = "docs/guides/terraform-and-opentofu-versions.md"

// TestVersionsGuideNamesRealTests: every version cell of the support matrix
// is a mark (✔ tested, ✘ impossible, "(1.x+)" at or above the minimum; not
// "planned"), every row that claims a tested version (✔) names at least one
// test, and every test it names exists under internal/ (a renamed or deleted
// test fails here, not silently in the docs).
func TestVersionsGuideNamesRealTests(t *testing.T) {
	root := repoRoot(t)
	defined := testFunctions(t, filepath.Join(root, "internal"))
	testName := regexp.MustCompile("`(Test[A-Za-z0-9_]+)`")
	mark := regexp.MustCompile(`^(✔|✘|\(1\.\d+\+\))$`)
	rows := 0
	for _, line := range strings.Split(readFile(t, filepath.Join(root, versionsGuidePath)), "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| feature ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		for _, c := range cells[1 : len(cells)-1] {
			if !mark.MatchString(c) {
				t.Errorf("the row %q has the cell %q: want ✔ (tested), ✘ (that version cannot) or (1.x+) (not tested, at or above the minimum)", cells[0], c)
			}
		}
		if !strings.Contains(line, "✔") {
			continue
		}
		rows++
		names := testName.FindAllStringSubmatch(cells[len(cells)-1], -1)
		if len(names) == 0 {
			t.Errorf("the row %q claims a tested version but names no test in its last column", cells[0])
		}
		for _, n := range names {
			if !defined[n[1]] {
				t.Errorf("the row %q names %s, which no _test.go file under internal/ defines", cells[0], n[1])
			}
		}
	}
	if rows < 5 {
		t.Errorf("%s: found %d rows with ✔, want the support matrix", versionsGuidePath, rows)
	}
}

// testFunctions returns the names of the Test functions defined under dir.
func testFunctions(t *testing.T, dir string) map[string]bool {
	t.Helper()
	defined := map[string]bool{}
	testFunc := regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]+)\(t \*testing\.T\)`)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		data, err := os.ReadFile(path)
		for _, m := range testFunc.FindAllStringSubmatch(string(data), -1) {
			defined[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return defined
}
