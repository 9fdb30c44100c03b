package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

// providerBinary is the executable name Terraform looks for in the
// dev_overrides directory, and what the sampler recognises in /proc.
const providerBinary = "terraform-provider-gitlabrunner"

// bench holds what one run shares: the built provider, the mock, the CLI
// configuration.
type bench struct {
	o         *options
	mock      *mockcoordinator.Server
	mockPort  int
	owners    *connOwners // which provider process opened each mock connection
	provider  string      // absolute path of the built provider
	cliConfig string
	logDir    string
	logs      int
}

func newBench(ctx context.Context, o *options) (*bench, error) {
	b := &bench{o: o, logDir: filepath.Join(o.dir, "logs")}
	// Fresh every time: no state, plugin or log of an earlier run (.bench/bin
	// holds the running benchmark itself).
	for _, sub := range []string{"plugins", "logs", "work"} {
		if err := os.RemoveAll(filepath.Join(o.dir, sub)); err != nil {
			return nil, fmt.Errorf("cleaning %s: %w", filepath.Join(o.dir, sub), err)
		}
		if err := os.MkdirAll(filepath.Join(o.dir, sub), 0o755); err != nil {
			return nil, err
		}
	}

	pkg := "."
	if o.profile {
		// The same provider server with CPU, heap and allocation profiles.
		pkg = "./tools/bench/profprovider"
		step("Building the provider with profiling (tools/bench/profprovider) into .bench/plugins; profiles go to .bench/profiles")
		if err := os.RemoveAll(filepath.Join(o.dir, "profiles")); err != nil {
			return nil, err
		}
	} else {
		step("Building the provider into .bench/plugins (as released: CGO_ENABLED=0 -trimpath -ldflags '-s -w')")
	}
	b.provider = filepath.Join(o.dir, "plugins", providerBinary)
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", b.provider, pkg)
	cmd.Dir = o.root
	// As .goreleaser.yml builds releases: a static binary, which also starts
	// about 1 ms sooner than one linked against libc (Terraform starts the
	// provider three to five times per command).
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("building the provider (go build .): %w", err)
	}

	// The mock runs in this process: it stops with the benchmark, whatever
	// happens, and its Stats are read directly.
	b.owners = newConnOwners(b.provider)
	mock, err := mockcoordinator.NewServer(mockcoordinator.Options{TLS: o.tls, Latency: o.latency, OnConnection: b.owners.accepted})
	if err != nil {
		return nil, fmt.Errorf("creating the mock coordinator: %w", err)
	}
	if err := mock.Start("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("starting the mock coordinator: %w", err)
	}
	b.mock = mock
	u, err := url.Parse(mock.URL())
	if err != nil {
		b.close()
		return nil, err
	}
	if b.mockPort, err = strconv.Atoi(u.Port()); err != nil {
		b.close()
		return nil, fmt.Errorf("mock URL %s: %w", mock.URL(), err)
	}
	b.owners.setMockPort(b.mockPort)
	step(fmt.Sprintf("Started the mock coordinator at %s with %s latency per request", mock.URL(), o.latency))

	b.cliConfig = filepath.Join(o.dir, "terraformrc")
	rc := fmt.Sprintf(`# Written by make bench: serve the provider built into .bench/plugins.
provider_installation {
  dev_overrides {
    "gitlabrunner/gitlabrunner" = %q
  }
  direct {}
}
`, filepath.Dir(b.provider))
	if err := os.WriteFile(b.cliConfig, []byte(rc), 0o644); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

func (b *bench) close() {
	if b.mock != nil {
		_ = b.mock.Close()
		b.mock = nil
	}
}

// phase is one measured Terraform command.
type phase struct {
	name string
	args []string
	vars map[string]string // TF_VAR_* for this command
	want string            // Terraform's summary line, %d = N
}

func phases() []phase {
	common := []string{"-input=false", "-no-color", "-parallelism=" + strconv.Itoa(parallelism), "-refresh=true"}
	apply := append([]string{"apply", "-auto-approve"}, common...)
	return []phase{
		{"create", apply, map[string]string{"tag": "v1", "rotation": "r1"}, "Apply complete! Resources: %d added, 0 changed, 0 destroyed."},
		{"refresh", append([]string{"plan", "-detailed-exitcode"}, common...), map[string]string{"tag": "v1", "rotation": "r1"}, "No changes."},
		{"rotation", apply, map[string]string{"tag": "v1", "rotation": "r2"}, "Apply complete! Resources: 0 added, %d changed, 0 destroyed."},
		{"update", apply, map[string]string{"tag": "v2", "rotation": "r2"}, "Apply complete! Resources: 0 added, %d changed, 0 destroyed."},
		{"destroy", append([]string{"destroy", "-auto-approve"}, common...), map[string]string{"tag": "v2", "rotation": "r2"}, "Destroy complete! Resources: %d destroyed."},
	}
}

// Configurations: the same fleet of N, once with the provider and once with
// terraform_data, whose input changes where the runners change.
const runnerConfig = `terraform {
  required_providers {
    gitlabrunner = { source = "gitlabrunner/gitlabrunner" }
  }
}

variable "base_url" { type = string }
variable "token" {
  type      = string
  sensitive = true
}
variable "cacert_file" {
  type    = string
  default = null
}
variable "group_id" { type = number }
variable "tag" { type = string }
variable "rotation" { type = string }
variable "token_check" {
  type    = string
  default = null
}

provider "gitlabrunner" {
  base_url    = var.base_url
  token       = var.token
  cacert_file = var.cacert_file
}

resource "gitlabrunner_user_runner" "fleet" {
  for_each = toset([for i in range(%d) : format("r%%04d", i)])

  runner_type       = "group_type"
  group_id          = var.group_id
  description       = "bench ${each.key}"
  tag_list          = ["bench", var.tag]
  rotation_triggers = { rotation = var.rotation }
  token_check       = var.token_check
}
`

const floorConfig = `variable "tag" { type = string }
variable "rotation" { type = string }

resource "terraform_data" "fleet" {
  for_each = toset([for i in range(%d) : format("r%%04d", i)])

  input = {
    description = "bench ${each.key}"
    tags        = ["bench", var.tag]
    rotation    = var.rotation
  }
}
`

// result of one command.
type measurement struct {
	kind   string // "provider" or "floor"
	wall   time.Duration
	cpu    time.Duration  // CPU time of Terraform and its plugins
	routes map[string]int // requests per route during the command
	conns  int64          // connections the mock accepted during the command
	procs  []procStats    // provider processes seen during the command
	peakKB int64          // set by merge: the highest VmHWM of all repetitions
	// fastestProviderCPU, set by merge: the provider CPU time of the
	// fastest repetition (whose wall and CPU times are kept).
	fastestProviderCPU time.Duration
	failure            string
}

func (m *measurement) requests() int {
	t := 0
	for _, v := range m.routes {
		t += v
	}
	return t
}

// tokenCheckRoute is the provider's early_auth_check: one request each time
// Terraform configures the provider, whatever the number of runners.
const tokenCheckRoute = "GET /personal_access_tokens/self"

// runnerRequests are the requests made for the runners: all but the token
// checks, which come per command, not per runner.
func (m *measurement) runnerRequests() int { return m.requests() - m.routes[tokenCheckRoute] }

// attributedConns is how many of the mock's connections were seen in a
// provider process; maxProcConns the most one process opened.
func (m *measurement) attributedConns() (total, maxProc, procsWithConns int) {
	for _, p := range m.procs {
		total += p.conns
		if p.conns > maxProc {
			maxProc = p.conns
		}
		if p.conns > 0 {
			procsWithConns++
		}
	}
	return
}

// connBound is the most connections one provider process may have opened:
// the most attributed to one, plus any the mock accepted that were not
// attributed (charged to the busiest process, so the bound stays safe).
func (m *measurement) connBound() int {
	total, maxProc, _ := m.attributedConns()
	missed := int(m.conns) - total
	if missed < 0 {
		missed = 0
	}
	return maxProc + missed
}

// providerCPU is the CPU time of the provider processes: after merge, the
// fastest repetition's.
func (m *measurement) providerCPU() time.Duration {
	if m.fastestProviderCPU > 0 {
		return m.fastestProviderCPU
	}
	var t time.Duration
	for _, p := range m.procs {
		t += p.cpu
	}
	return t
}

func (m *measurement) peakRSSKB() int64 {
	peak := m.peakKB
	for _, p := range m.procs {
		if p.hwmKB > peak {
			peak = p.hwmKB
		}
	}
	return peak
}

// sizeResult holds, per phase, the merged measurements of every repetition
// (see merge) and how many repetitions there were.
type sizeResult struct {
	n        int
	runs     int
	provider map[string]*measurement
	floor    map[string]*measurement
	all      map[string][]*measurement // every repetition, provider then floor
}

// merge combines the repetitions of one phase: the fastest run's wall and
// CPU times, the provider's included (the least disturbed by other load on
// the machine), and the worst of every other figure (requests, connections,
// peak memory).
func merge(ms []*measurement) *measurement {
	if len(ms) == 0 {
		return nil
	}
	out := *ms[0]
	out.fastestProviderCPU = ms[0].providerCPU()
	for _, m := range ms[1:] {
		if m.wall < out.wall {
			out.wall, out.cpu, out.fastestProviderCPU = m.wall, m.cpu, m.providerCPU()
		}
		if m.requests() > out.requests() {
			out.routes = m.routes
		}
		// Connections and the processes they are attributed to come from
		// the same repetition (mixing them showed attributions missing).
		if m.connBound() > out.connBound() || (m.connBound() == out.connBound() && m.conns > out.conns) {
			out.conns, out.procs = m.conns, m.procs
		}
		if m.failure != "" {
			out.failure = m.failure
		}
	}
	for _, m := range ms {
		if v := m.peakRSSKB(); v > out.peakKB {
			out.peakKB = v
		}
	}
	return &out
}

type results struct {
	o       *options
	env     environment
	sizes   []*sizeResult
	goBench []goBenchResult
	started time.Time
	took    time.Duration
}

func (b *bench) runAll(ctx context.Context) (*results, error) {
	res := &results{o: b.o, env: describeEnvironment(ctx, b.o.tfPath), started: time.Now()}
	defer func() { res.took = time.Since(res.started) }()
	for _, n := range b.o.sizes {
		sr := &sizeResult{n: n, provider: map[string]*measurement{}, floor: map[string]*measurement{}, all: map[string][]*measurement{}}
		res.sizes = append(res.sizes, sr)
		for rep := 1; rep <= b.o.repeat; rep++ {
			err := b.runSize(ctx, sr, rep)
			for _, ph := range phases() {
				var p, f []*measurement
				for _, m := range sr.all[ph.name] {
					if m.kind == "provider" {
						p = append(p, m)
					} else {
						f = append(f, m)
					}
				}
				if len(p) > 0 && len(f) > 0 {
					sr.provider[ph.name], sr.floor[ph.name] = merge(p), merge(f)
				}
			}
			if err != nil {
				return res, err
			}
			sr.runs = rep
		}
	}
	return res, nil
}

// runSize runs the phases for N, alternating the floor and the provider so
// that both see the same machine load.
func (b *bench) runSize(ctx context.Context, sr *sizeResult, rep int) error {
	n := sr.n
	provDir := filepath.Join(b.o.dir, "work", fmt.Sprintf("gitlabrunner-%d", n))
	floorDir := filepath.Join(b.o.dir, "work", fmt.Sprintf("terraform_data-%d", n))
	for _, d := range []struct{ dir, text string }{{provDir, runnerConfig}, {floorDir, floorConfig}} {
		if err := os.MkdirAll(d.dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d.dir, "main.tf"), []byte(fmt.Sprintf(d.text, n)), 0o644); err != nil {
			return err
		}
	}
	seed := b.mock.Seed()
	provVars := map[string]string{
		"base_url": b.mock.URL(),
		"token":    seed.AdminToken,
		"group_id": strconv.FormatInt(seed.Group.ID, 10),
	}
	if b.o.tls {
		provVars["cacert_file"] = b.mock.CAFile()
	}
	if b.o.tokenCheck != "" {
		provVars["token_check"] = b.o.tokenCheck
	}
	before := len(b.mock.Store().RunnerIDs())

	for _, ph := range phases() {
		runLabel := ""
		if b.o.repeat > 1 {
			runLabel = fmt.Sprintf(" (run %d of %d)", rep, b.o.repeat)
		}
		step(fmt.Sprintf("N=%d %s: terraform %s%s", n, ph.name, ph.args[0], runLabel))
		fm, err := b.measure(ctx, floorDir, fmt.Sprintf("terraform_data-%d-%s-%d", n, ph.name, rep), ph, n, nil)
		if fm != nil {
			fm.kind = "floor"
			sr.all[ph.name] = append(sr.all[ph.name], fm)
		}
		if err != nil {
			return err
		}
		pm, err := b.measure(ctx, provDir, fmt.Sprintf("gitlabrunner-%d-%s-%d", n, ph.name, rep), ph, n, provVars)
		if pm != nil {
			pm.kind = "provider"
			sr.all[ph.name] = append(sr.all[ph.name], pm)
		}
		if err != nil {
			return err
		}
		_, maxProc, _ := pm.attributedConns()
		fmt.Printf("    terraform_data %6.2fs (CPU %.1fs) | gitlabrunner %6.2fs (%.2f×; CPU %.1fs, provider %.2fs = %.1f ms/runner), %.2f requests/runner, %d connections (max %d per provider process), peak RSS %.1f MB\n",
			fm.wall.Seconds(), fm.cpu.Seconds(), pm.wall.Seconds(), pm.wall.Seconds()/fm.wall.Seconds(), pm.cpu.Seconds(), pm.providerCPU().Seconds(), cpuPerRunnerMS(pm, n),
			float64(pm.runnerRequests())/float64(n), pm.conns, maxProc, float64(pm.peakRSSKB())/1024)

		// The mock must agree with Terraform about what happened.
		got := len(b.mock.Store().RunnerIDs()) - before
		switch ph.name {
		case "create":
			if got != n {
				return fmt.Errorf("after create the mock has %d new runners, want %d", got, n)
			}
		case "destroy":
			if got != 0 {
				return fmt.Errorf("after destroy the mock still has %d of the benchmark's runners", got)
			}
		}
	}
	return nil
}

// measure runs one command with the sampler and the mock's counters around it.
func (b *bench) measure(ctx context.Context, dir, label string, ph phase, n int, extraVars map[string]string) (*measurement, error) {
	vars := map[string]string{}
	for k, v := range extraVars {
		vars[k] = v
	}
	for k, v := range ph.vars {
		vars[k] = v
	}
	stats := b.mock.Stats()
	routesBefore := stats.RequestsByRoute()
	connsBefore := stats.ConnectionsAccepted()

	b.logs++
	logPath := filepath.Join(b.logDir, fmt.Sprintf("%03d-%s.log", b.logs, label))
	// TF_LOG is dropped too: a log level slows Terraform down.
	env := tfcli.PrivateEnv(b.cliConfig, vars, "TF_LOG")
	if b.o.profile {
		pdir := filepath.Join(b.o.dir, "profiles", label)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return nil, err
		}
		env = append(env, "BENCH_PROFILE_DIR="+pdir)
	}
	b.owners.take() // connections before this command are not its own
	s := startSampler(b.provider)
	start := time.Now()
	out, cpu, err := tfcli.Run(ctx, b.o.tfPath, dir, env, logPath, 30, ph.args...)
	wall := time.Since(start)
	procs := withConns(s.stop(), b.owners.take())

	m := &measurement{wall: wall, cpu: cpu, procs: procs, conns: stats.ConnectionsAccepted() - connsBefore, routes: map[string]int{}}
	for route, c := range stats.RequestsByRoute() {
		if d := c - routesBefore[route]; d != 0 {
			m.routes[route] = d
		}
	}
	if err != nil {
		m.failure = err.Error()
		return m, fmt.Errorf("%s: %w", label, err)
	}
	want := ph.want
	if strings.Contains(want, "%d") {
		want = fmt.Sprintf(want, n)
	}
	if !strings.Contains(out, want) {
		m.failure = "unexpected result"
		return m, fmt.Errorf("%s: Terraform's output lacks %q; see %s", label, want, tfcli.Rel(logPath))
	}
	return m, nil
}

// environment describes the machine for the report.
type environment struct {
	cpus      int
	cpuModel  string
	memory    string
	goVersion string
	terraform string
	load      string
	kernel    string
}

func describeEnvironment(ctx context.Context, tfPath string) environment {
	e := environment{cpus: runtime.NumCPU(), goVersion: runtime.Version()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "model name") {
				e.cpuModel = strings.TrimSpace(l[strings.Index(l, ":")+1:])
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				f := strings.Fields(l)
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					e.memory = fmt.Sprintf("%.1f GiB", float64(kb)/1024/1024)
				}
			}
		}
	}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		e.load = strings.Join(strings.Fields(string(data))[:3], " ")
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		e.kernel = strings.TrimSpace(string(data))
	}
	if out, err := exec.CommandContext(ctx, tfPath, "version").Output(); err == nil {
		e.terraform = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	return e
}
