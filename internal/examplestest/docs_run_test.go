package examplestest

// How the docs' tests run a page's commands as a reader would: in a fresh
// clone of this repository's committed HEAD, with a home directory of their
// own (where `make install` puts the provider: the implied local mirror), Go's
// caches, and on the PATH the CLI under test as `terraform`, a stand-in for
// `gitlab-runner` (acctest.GitLabRunnerStandIn) and, once built,
// `mock-coordinator`.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

// docSession is a reader's shell: a working directory (a fresh clone), a
// home, and the environment every command of a page runs with.
type docSession struct {
	t     *testing.T
	dir   string // the clone, where the commands start
	home  string
	shims string
	env   []string
}

// newDocSession clones HEAD into a new directory and prepares the home and
// the PATH. The docs' commands are Terraform's: on OpenTofu the test skips.
func newDocSession(t *testing.T) *docSession {
	t.Helper()
	acctest.PreCheck(t)
	if acctest.IsOpenTofu() {
		t.Skip("the pages' commands are Terraform's (`terraform ...`); they run on Terraform 1.5.7 and the newest " +
			"Terraform (`make testacc`, `make testacc-newest`)")
	}
	return cloneSession(t)
}

// cloneSession is newDocSession on any CLI, for commands that are not
// Terraform's (make install), with the CLI under test as `terraform`.
func cloneSession(t *testing.T) *docSession {
	t.Helper()
	tf := acctest.TerraformBinary(t)
	root := repoRoot(t)
	if out, _ := exec.Command("git", "-C", root, "status", "--porcelain").Output(); len(out) > 0 {
		t.Logf("note: the pages' commands run in a fresh clone of the committed HEAD; uncommitted changes are not part of it:\n%s", out)
	}
	s := &docSession{t: t, dir: filepath.Join(t.TempDir(), "clone"), home: t.TempDir(), shims: t.TempDir()}
	if out, err := exec.Command("git", "clone", "--quiet", "file://"+root, s.dir).CombinedOutput(); err != nil {
		t.Fatalf("cloning this repository: %v\n%s", err, out)
	}
	if err := os.Symlink(tf, filepath.Join(s.shims, "terraform")); err != nil {
		t.Fatal(err)
	}
	acctest.GitLabRunnerStandIn(t, s.shims)
	s.env = append(cleanEnv(), "PATH="+s.shims+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+s.home,
		"CHECKPOINT_DISABLE=1")
	// Go's caches stay the developer's (a new home would rebuild everything).
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", k, err)
		}
		s.env = append(s.env, k+"="+strings.TrimSpace(string(out)))
	}
	return s
}

// setenv adds variables to the session's environment (as an export before
// the page's commands would).
func (s *docSession) setenv(kv ...string) { s.env = append(s.env, kv...) }

// buildMock builds cmd/mock-coordinator onto the session's PATH, as
// `mock-coordinator`.
func (s *docSession) buildMock() {
	s.t.Helper()
	cmd := exec.Command("go", "build", "-o", filepath.Join(s.shims, "mock-coordinator"), "./cmd/mock-coordinator")
	cmd.Dir, cmd.Env = s.dir, s.env
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("go build ./cmd/mock-coordinator: %v\n%s", err, out)
	}
}

// shellStep is a block (or a few lines the test adds between blocks, named
// so) run in the session's shell. wantFail, when set, is what the block's
// failure says (acctest.Words): the block must fail so; otherwise it must
// succeed.
type shellStep struct {
	name, script, wantFail string
}

// run runs steps one after the other in one bash session (so `cd` and
// exported variables carry over, as in a reader's terminal), with stdin
// answering "yes" to every question (terraform apply's approval), and
// returns each step's output (stdout and stderr). The session runs in a
// process group of its own, killed when it ends: a server a step left
// running (a failed step before its `kill`) goes with it.
func (s *docSession) run(steps ...shellStep) map[string]string {
	s.t.Helper()
	var script strings.Builder
	script.WriteString("set -uo pipefail\nset -E\n__failed=0\n")
	script.WriteString(`trap '__rc=$?; echo "@@failed $__step $__rc"; if [[ $__expect == ok ]]; then exit $__rc; fi; __failed=1' ERR` + "\n")
	for _, st := range steps {
		expect := "ok"
		if st.wantFail != "" {
			expect = "fail"
		}
		// A marker on a line of its own, also after output without a final newline.
		fmt.Fprintf(&script, "__step=%s; __expect=%s; __failed=0; printf '\\n@@step %s\\n'\n%s\n", st.name, expect, st.name, st.script)
		if st.wantFail != "" {
			fmt.Fprintf(&script, "if [[ $__failed == 0 ]]; then echo '@@unexpected-success %s'; exit 1; fi\n", st.name)
		}
	}
	script.WriteString("printf '\\n@@end\\n'\n")

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := tfcli.Command(ctx, "bash", "", s.env, "-c", script.String())
	cmd.Dir = s.dir
	cmd.Stdin = strings.NewReader(strings.Repeat("yes\n", 50))
	out, err := cmd.CombinedOutput()
	tfcli.KillGroup(cmd)
	text := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(string(out), "") // the CLI's colours
	text = regexp.MustCompile(`(?m)^[│╷╵] ?`).ReplaceAllString(text, "")            // and its diagnostics' frames
	outputs := splitSteps(text)
	if err != nil || !strings.Contains(text, "\n@@end") {
		s.t.Fatalf("the page's commands failed (%v):\n%s", err, text)
	}
	for _, st := range steps {
		if st.wantFail != "" && !acctest.Words(st.wantFail).MatchString(outputs[st.name]) {
			s.t.Errorf("step %s failed, but does not say %q:\n%s", st.name, st.wantFail, outputs[st.name])
		}
	}
	return outputs
}

// splitSteps cuts a session's output at its "@@step NAME" lines.
func splitSteps(out string) map[string]string {
	steps := map[string]string{}
	name := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "@@step "); ok {
			name = n
			continue
		}
		steps[name] += line + "\n"
	}
	return steps
}

// server is a long-running command of a page (the mock coordinator) started
// in the session, in a process group of its own.
type server struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
}

// start runs line with bash in the session's directory and returns once
// its output satisfies ready (or fails the test after a minute, or when the
// command exits first). The test's cleanup stops it.
func (s *docSession) start(line string, ready func(out string) bool) *server {
	s.t.Helper()
	srv := &server{done: make(chan struct{})}
	srv.cmd = tfcli.Command(context.Background(), "bash", "", s.env, "-c", line)
	srv.cmd.Dir = s.dir
	w := &lockedWriter{mu: &srv.mu, b: &srv.out}
	srv.cmd.Stdout, srv.cmd.Stderr = w, w
	if err := srv.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	go func() { _ = srv.cmd.Wait(); close(srv.done) }()
	s.t.Cleanup(func() { srv.stop() })
	deadline := time.After(time.Minute) // a timeout: a server that never gets ready
	for {
		if ready(srv.output()) {
			return srv
		}
		select {
		case <-srv.done:
			s.t.Fatalf("%q ended before it was ready:\n%s", line, srv.output())
		case <-deadline:
			s.t.Fatalf("%q not ready after a minute:\n%s", line, srv.output())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (srv *server) output() string {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.out.String()
}

// stop ends the server's process group and waits for it.
func (srv *server) stop() {
	tfcli.KillGroup(srv.cmd)
	<-srv.done
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// installedMirror is a home directory where `make install`, run once per
// test process from a fresh clone, put the provider (its implied local
// mirror), and the clone: for tests of pages that assume the provider is
// installed. TestMain removes it.
var installedMirror struct {
	once      sync.Once
	home, err string
	mu        sync.Mutex // addToMirror's writes into the shared home
}

// mirrorCleanup is what TestMain removes after the tests.
var mirrorCleanup []string

// sharedInstall returns a docSession whose home holds the installed
// provider (make install, once per test process).
func sharedInstall(t *testing.T) *docSession {
	t.Helper()
	s := newDocSession(t)
	installedMirror.once.Do(func() {
		home, err := os.MkdirTemp("", "gitlabrunner-docs-home-") //nolint:usetesting // shared by the tests of this process: TestMain removes it
		if err != nil {
			installedMirror.err = err.Error()
			return
		}
		mirrorCleanup = append(mirrorCleanup, home)
		cmd := exec.Command("make", "install")
		cmd.Dir = s.dir
		cmd.Env = append(append([]string{}, s.env...), "HOME="+home)
		if out, err := cmd.CombinedOutput(); err != nil {
			installedMirror.err = fmt.Sprintf("make install: %v\n%s", err, out)
			return
		}
		installedMirror.home = home
	})
	if installedMirror.err != "" {
		t.Fatal(installedMirror.err)
	}
	s.home = installedMirror.home
	s.setenv("HOME=" + s.home)
	return s
}

// addToMirror builds the main package pkg (relative to the repository) as
// the provider source (namespace/type) at version into the session's
// implied local mirror, for both registries: a stand-in for another
// provider a configuration uses beside this one.
func (s *docSession) addToMirror(pkg, source, version string) {
	s.t.Helper()
	name := "terraform-provider-" + source[strings.LastIndex(source, "/")+1:] + "_v" + version
	installedMirror.mu.Lock()
	defer installedMirror.mu.Unlock()
	first := ""
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		dir := filepath.Join(s.home, ".terraform.d", "plugins", host, source, version, runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			s.t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			continue // another test of this process built it
		}
		if first == "" {
			first = filepath.Join(dir, name)
			cmd := exec.Command("go", "build", "-o", first, "./"+pkg)
			cmd.Dir, cmd.Env = repoRoot(s.t), s.env
			if out, err := cmd.CombinedOutput(); err != nil {
				s.t.Fatalf("go build ./%s: %v\n%s", pkg, err, out)
			}
			continue
		}
		if first == "" {
			continue
		}
		data, err := os.ReadFile(first)
		if err != nil {
			s.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o755); err != nil {
			s.t.Fatal(err)
		}
	}
}
