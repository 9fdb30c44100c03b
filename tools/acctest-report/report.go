package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// event is one line of `go test -json` (test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// acceptance tells an acceptance test's name (TestAccFoo, TestAcc_bar; not
// TestAccessTokens).
var acceptance = regexp.MustCompile(`^TestAcc[A-Z_]`)

// test is what the report keeps of one test or subtest.
type test struct {
	pkg, name string
	result    string // pass, fail, skip
	output    []string
}

// report is a whole run.
type report struct {
	tests      map[string]*test // package + " " + name
	order      []string
	pkgResults map[string]string // package -> pass/fail/skip
	pkgOutput  map[string][]string
	pkgOrder   []string
}

func read(r io.Reader) (*report, error) {
	rep := &report{tests: map[string]*test{}, pkgResults: map[string]string{}, pkgOutput: map[string][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var ev event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.Action == "" {
			// Not test2json (a build error printed as text): keep it.
			rep.addPackageOutput("", sc.Text()+"\n")
			continue
		}
		rep.add(ev)
	}
	return rep, sc.Err()
}

func (rep *report) addPackageOutput(pkg, line string) {
	if _, ok := rep.pkgOutput[pkg]; !ok {
		rep.pkgOrder = append(rep.pkgOrder, pkg)
	}
	rep.pkgOutput[pkg] = append(rep.pkgOutput[pkg], line)
}

func (rep *report) add(ev event) {
	if ev.Test == "" {
		switch ev.Action {
		case "output":
			rep.addPackageOutput(ev.Package, ev.Output)
		case "pass", "fail", "skip":
			if _, ok := rep.pkgOutput[ev.Package]; !ok {
				rep.pkgOrder = append(rep.pkgOrder, ev.Package)
				rep.pkgOutput[ev.Package] = nil
			}
			rep.pkgResults[ev.Package] = ev.Action
		}
		return
	}
	key := ev.Package + " " + ev.Test
	t, ok := rep.tests[key]
	if !ok {
		t = &test{pkg: ev.Package, name: ev.Test}
		rep.tests[key] = t
		rep.order = append(rep.order, key)
	}
	switch ev.Action {
	case "output":
		t.output = append(t.output, ev.Output)
	case "pass", "fail", "skip":
		t.result = ev.Action
	}
}

func (rep *report) failed() bool {
	for _, r := range rep.pkgResults {
		if r == "fail" {
			return true
		}
	}
	for _, t := range rep.tests {
		if t.result == "fail" {
			return true
		}
	}
	return false
}

// housekeeping are the lines a live test logs besides its skip message:
// which GitLab and prefix, what its cleanup deleted or restored.
var housekeeping = regexp.MustCompile(`live mode: (cleanup|restored|https?://)`)

// skipReason is the message a skipped test gave: the line t.Skip logged
// (the last output line that is neither go test's own nor housekeeping).
func (t *test) skipReason() string {
	for i := len(t.output) - 1; i >= 0; i-- {
		line := strings.TrimSpace(t.output[i])
		if line == "" || strings.HasPrefix(line, "---") || strings.HasPrefix(line, "===") || housekeeping.MatchString(line) {
			continue
		}
		// "file_test.go:12: message"
		if i := strings.Index(line, ".go:"); i >= 0 {
			if j := strings.Index(line[i+4:], ": "); j >= 0 {
				return line[i+4+j+2:]
			}
		}
		return line
	}
	return "(no reason given)"
}

// subtests are the direct subtests of t.
func (rep *report) subtests(t *test) []*test {
	var out []*test
	for _, key := range rep.order {
		s := rep.tests[key]
		if s.pkg == t.pkg && strings.HasPrefix(s.name, t.name+"/") && !strings.Contains(s.name[len(t.name)+1:], "/") {
			out = append(out, s)
		}
	}
	return out
}

// allSubtestsSkipped: a test that passed only because each of its subtests
// skipped did not run.
func (rep *report) allSubtestsSkipped(t *test) bool {
	subs := rep.subtests(t)
	for _, s := range subs {
		if s.result != "skip" {
			return false
		}
	}
	return len(subs) > 0
}

// reasons is why a test was skipped: its own message, or its subtests'.
func (rep *report) reasons(t *test) []string {
	if t.result == "skip" {
		return []string{t.skipReason()}
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range rep.subtests(t) {
		if r := s.skipReason(); !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	out[0] = "every subtest skipped: " + out[0]
	return out
}

// leftOut are the lines in which a test said live mode left a part of it
// out (acctest: "live mode: step skipped: …", "live mode: check left out: …",
// "live mode: the rest …").
func (t *test) leftOut() []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range t.output {
		i := strings.Index(l, "live mode: ")
		if i < 0 {
			continue
		}
		msg := strings.TrimSpace(l[i:])
		if strings.HasPrefix(msg, "live mode: step skipped") || strings.HasPrefix(msg, "live mode: check left out") ||
			strings.HasPrefix(msg, "live mode: the rest") {
			if !seen[msg] {
				seen[msg] = true
				out = append(out, msg)
			}
		}
	}
	return out
}

func short(pkg string) string {
	if i := strings.Index(pkg, "/internal/"); i >= 0 {
		return pkg[i+1:]
	}
	return pkg
}

func (rep *report) print(w io.Writer) {
	p := func(format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }
	rep.printPackages(p)

	var ran, skipped, failed []*test
	var subSkips, partial []*test
	for _, key := range rep.order {
		t := rep.tests[key]
		top, _, isSub := strings.Cut(t.name, "/")
		if !acceptance.MatchString(top) {
			continue
		}
		switch {
		case isSub && t.result == "skip":
			subSkips = append(subSkips, t)
		case isSub:
		case t.result == "skip" || (t.result == "pass" && rep.allSubtestsSkipped(t)):
			skipped = append(skipped, t)
		case t.result == "fail":
			failed = append(failed, t)
			ran = append(ran, t)
		case t.result == "pass":
			ran = append(ran, t)
		}
		if !isSub && t.result == "pass" && len(t.leftOut()) > 0 {
			partial = append(partial, t)
		}
	}
	total := len(ran) + len(skipped)
	p("\n==> Acceptance tests: %d in all; %d ran (%d passed, %d failed), %d skipped", total, len(ran), len(ran)-len(failed), len(failed), len(skipped))
	if total > 0 {
		p("; %.0f%% ran", 100*float64(len(ran))/float64(total))
	}
	p("\n")
	// Skips that are live mode's (the test needs the mock) and the others
	// (the Terraform CLI's version, a missing tool…), which a run against
	// the mock on the same CLI skips as well.
	live := 0
	for _, t := range skipped {
		for _, r := range rep.reasons(t) {
			if strings.Contains(r, "live mode:") {
				live++
				break
			}
		}
	}
	if other := len(skipped) - live; total > other {
		p("==> Of the %d that would run here against the mock (%d skip whatever the GitLab: the CLI's version…), %d ran (%.0f%%); %d skipped in live mode\n",
			total-other, other, len(ran), 100*float64(len(ran))/float64(total-other), live)
	}
	rep.printList(p, "Skipped tests, with the reason each gave", skipped, rep.reasons)
	rep.printList(p, "Skipped subtests", subSkips, func(t *test) []string { return []string{t.skipReason()} })
	rep.printList(p, "Tests that ran with parts left out", partial, (*test).leftOut)
	if len(failed) > 0 {
		p("\nFailed: ")
		for i, t := range failed {
			if i > 0 {
				p(", ")
			}
			p("%s (%s)", t.name, short(t.pkg))
		}
		p("\n")
	}
}

// printPackages prints each package's result, and the output of the tests
// that failed (and of a package that failed without a test, e.g. a build).
func (rep *report) printPackages(p func(string, ...any)) {
	for _, key := range rep.order {
		t := rep.tests[key]
		if t.result == "fail" {
			p("--- FAIL: %s (%s)\n", t.name, short(t.pkg))
			for _, l := range t.output {
				p("%s", l)
			}
		}
	}
	for _, pkg := range rep.pkgOrder {
		res := rep.pkgResults[pkg]
		if res == "fail" || pkg == "" {
			// What the package printed outside its tests: a build error, a
			// panic, a timeout's goroutines.
			for _, l := range rep.pkgOutput[pkg] {
				if t := strings.TrimSpace(l); t != "FAIL" && t != "PASS" && !strings.HasPrefix(t, "FAIL\t") && !strings.HasPrefix(t, "ok ") {
					p("%s", l)
				}
			}
		}
		if pkg != "" && res != "" {
			p("%-4s %s\n", map[string]string{"pass": "ok", "fail": "FAIL", "skip": "?"}[res], pkg)
		}
	}
}

func (rep *report) printList(p func(string, ...any), title string, tests []*test, lines func(*test) []string) {
	if len(tests) == 0 {
		return
	}
	sort.SliceStable(tests, func(i, j int) bool {
		if tests[i].pkg != tests[j].pkg {
			return tests[i].pkg < tests[j].pkg
		}
		return tests[i].name < tests[j].name
	})
	p("\n%s (%d):\n", title, len(tests))
	for _, t := range tests {
		ls := lines(t)
		p("  %s (%s): %s\n", t.name, short(t.pkg), ls[0])
		for _, l := range ls[1:] {
			p("      %s\n", l)
		}
	}
}
