package provider_test

// A harness that drives the terraform (or tofu) binary directly against the
// provider built as a plugin binary (served through a dev_overrides CLI
// configuration, as `make demo` does), so that everything Terraform and the
// provider write — trace logs, plan and show output, diagnostics — can be
// inspected. terraform-plugin-testing cannot be used for that: it logs the
// test configuration itself.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

// cli runs the Terraform binary of TF_ACC_TERRAFORM_PATH in a working
// directory with a private CLI configuration and environment, TF_LOG=trace
// written to one file per run, and keeps every output for inspection.
type cli struct {
	t      *testing.T
	bin    string
	dir    string
	logDir string
	env    []string
	runs   int

	mu      sync.Mutex
	outputs map[string]string // name -> stdout+stderr or log content
}

// newCLI prepares a working directory holding files, and an environment
// with env added (e.g. GITLAB_TOKEN): the binary and the plugin build are
// acctest's, the environment internal/tfcli's (without TF_LOG and TF_ACC,
// with TF_LOG=trace).
func newCLI(t *testing.T, files map[string]string, env map[string]string) *cli {
	t.Helper()
	bin := acctest.TerraformBinary(t)
	plugins := acctest.ProviderPlugin(t)
	base := t.TempDir()
	c := &cli{t: t, bin: bin, dir: filepath.Join(base, "work"), logDir: filepath.Join(base, "logs"), outputs: map[string]string{}}
	for _, d := range []string{c.dir, c.logDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rc := filepath.Join(base, "terraformrc")
	if err := os.WriteFile(rc, []byte(acctest.DevOverrides(plugins)), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		c.write(name, content)
	}
	c.env = append(tfcli.PrivateEnv(rc, nil, "TF_LOG", "GITLAB_", "TF_ACC"), "TF_LOG=trace")
	for k, v := range env {
		c.env = append(c.env, k+"="+v)
	}
	return c
}

func (c *cli) write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// run executes `terraform <args> -no-color` and returns stdout+stderr. With
// wantErr the command must fail, else it must succeed.
func (c *cli) run(wantErr bool, args ...string) string {
	c.t.Helper()
	out, err := c.start(args...).wait(30 * time.Minute)
	switch {
	case err != nil && !wantErr:
		c.t.Fatalf("terraform %s failed: %v\n%s", strings.Join(args, " "), err, tailLines(out, 40))
	case err == nil && wantErr:
		c.t.Fatalf("terraform %s succeeded, want a failure\n%s", strings.Join(args, " "), tailLines(out, 40))
	}
	return out
}

// running is a terraform command started in the background, in its own
// process group (as a terminal runs it), so that a test can interrupt it or
// kill its provider.
type running struct {
	cmd     *exec.Cmd
	outPath string // stdout and stderr
	done    chan struct{}
	err     error
}

// start runs `terraform <args> -no-color` in the background; wait collects
// it. When it ends, its output and trace log are kept for scan and all.
func (c *cli) start(args ...string) *running {
	c.t.Helper()
	c.runs++
	name := fmt.Sprintf("%02d-%s", c.runs, args[0])
	logPath := filepath.Join(c.logDir, name+".trace.log")
	r := &running{outPath: filepath.Join(c.logDir, name+".out"), done: make(chan struct{})}
	out, err := os.Create(r.outPath)
	if err != nil {
		c.t.Fatal(err)
	}
	r.cmd = tfcli.Command(context.Background(), c.bin, c.dir, append(append([]string{}, c.env...), "TF_LOG_PATH="+logPath),
		append(args, "-no-color")...)
	r.cmd.Stdout, r.cmd.Stderr = out, out
	r.cmd.WaitDelay = 10 * time.Second
	if err := r.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	go func() {
		r.err = r.cmd.Wait()
		_ = out.Close()
		output, _ := os.ReadFile(r.outPath)
		trace, _ := os.ReadFile(logPath)
		c.mu.Lock()
		c.outputs[name+" (output)"] = string(output)
		c.outputs[name+" (TF_LOG=trace)"] = string(trace)
		c.mu.Unlock()
		close(r.done)
	}()
	c.t.Cleanup(func() {
		tfcli.KillGroup(r.cmd) // nothing of it outlives the test
		<-r.done
	})
	return r
}

// interrupt sends SIGINT to the command's process group, as Ctrl-C in a
// terminal does (the provider plugins ignore it; Terraform stops them).
func (r *running) interrupt() error { return syscall.Kill(-r.cmd.Process.Pid, syscall.SIGINT) }

// wait waits for the command and returns its output and error; after
// timeout, the output so far and an error.
func (r *running) wait(timeout time.Duration) (string, error) {
	select {
	case <-r.done:
		out, _ := os.ReadFile(r.outPath)
		return string(out), r.err
	case <-time.After(timeout):
		out, _ := os.ReadFile(r.outPath)
		return string(out), fmt.Errorf("terraform did not exit within %s", timeout)
	}
}

// providerPIDs are the provider plugin processes Terraform runs now.
func (r *running) providerPIDs() []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// "pid (comm) state ppid ...": comm may hold spaces, so split after ")".
		s := string(stat)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open {
			continue
		}
		fields := strings.Fields(s[closing+1:])
		if len(fields) < 2 || !strings.HasPrefix(s[open+1:closing], "terraform-provi") {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid == r.cmd.Process.Pid {
			pids = append(pids, pid)
		}
	}
	return pids
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// leak is one secret found somewhere.
type leak struct{ where, what string }

// scan looks for every secret value in every output and log.
// secrets maps a description ("admin token") to its value.
func (c *cli) scan(secrets map[string]string) []leak {
	c.mu.Lock()
	defer c.mu.Unlock()
	var found []leak
	for where, text := range c.outputs {
		for what, value := range secrets {
			if value != "" && strings.Contains(text, value) {
				found = append(found, leak{where, what})
			}
		}
	}
	return found
}

// all returns every output and log joined, for assertions on content.
func (c *cli) all() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, v := range c.outputs {
		b.WriteString(v)
		b.WriteByte('\n')
	}
	return b.String()
}
