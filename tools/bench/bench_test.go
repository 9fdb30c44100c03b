package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseSizes(t *testing.T) {
	got, err := parseSizes(" 10,100 ,500")
	if err != nil || len(got) != 3 || got[0] != 10 || got[1] != 100 || got[2] != 500 {
		t.Fatalf("parseSizes = %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "10,x", "-5", "20000"} {
		if _, err := parseSizes(bad); err == nil || !strings.Contains(err.Error(), "-n") {
			t.Errorf("parseSizes(%q): want an error naming -n, got %v", bad, err)
		}
	}
}

func TestParseGoBench(t *testing.T) {
	out := `goos: linux
BenchmarkListRunnersPage/per_page=100&page=50-2         	   21322	     55123 ns/op	   57452 B/op	     286 allocs/op
BenchmarkCreateRunner-2   	   80000	     14512 ns/op	   11294 B/op	     138 allocs/op
PASS
ok  	github.com/x/internal/mockcoordinator	5.1s`
	res := parseGoBench(out)
	if len(res) != 2 {
		t.Fatalf("got %d results: %+v", len(res), res)
	}
	if r := res[0]; r.name != "BenchmarkListRunnersPage/per_page=100&page=50" || r.nsPerOp != 55123 || r.bytesPerOp != 57452 || r.allocsPerOp != 286 {
		t.Fatalf("first result %+v", r)
	}
	if res[1].name != "BenchmarkCreateRunner" || res[1].nsPerOp != 14512 {
		t.Fatalf("second result %+v", res[1])
	}
}

func TestSocketInode(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:8CA0 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 20 4 30 10 -1
   1: 0100007F:1F90 0100007F:8CA0 01 00000000:00000000 00:00000000 00000000     0        0 4243 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:8CA2 0100007F:1F90 06 00000000:00000000 03:00001000 00000000     0        0 0 3 0000000000000000
   3: 0100007F:8CA4 0100007F:1F91 01 00000000:00000000 00:00000000 00000000     0        0 4244 1 0000000000000000 20 4 30 10 -1
`
	path := filepath.Join(t.TempDir(), "tcp")
	if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	// 0x8CA0 = 36000 to 0x1F90 = 8080 is the client end (4242); the server
	// end, a TIME_WAIT entry without inode and another port are not.
	for _, c := range []struct {
		local, remote int
		want          uint64
	}{{36000, 8080, 4242}, {8080, 36000, 4243}, {36002, 8080, 0}, {36004, 8080, 0}, {36004, 8081, 4244}} {
		if got := socketInode(path, c.local, c.remote); got != c.want {
			t.Errorf("socketInode(%d -> %d) = %d, want %d", c.local, c.remote, got, c.want)
		}
	}
}

// TestConnOwnersFindsTheDialingProcess attributes real connections: the
// test binary plays the provider, dialling a listener that plays the mock.
func TestConnOwnersFindsTheDialingProcess(t *testing.T) {
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("needs Linux /proc")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	o := newConnOwners(exe)
	o.setMockPort(ln.Addr().(*net.TCPAddr).Port)
	for i := 0; i < 3; i++ {
		o.accepted(dialAndAccept(t, ln))
	}
	if got := o.take(); len(got) != 1 || got[os.Getpid()] != 3 {
		t.Fatalf("connections by pid %v, want {%d: 3}", got, os.Getpid())
	}
	if got := o.take(); len(got) != 0 {
		t.Fatalf("take did not start afresh: %v", got)
	}

	// A process that is not the provider binary is not counted.
	other := newConnOwners(exe + "-other")
	other.setMockPort(ln.Addr().(*net.TCPAddr).Port)
	other.accepted(dialAndAccept(t, ln))
	if got := other.take(); len(got) != 0 {
		t.Fatalf("counted a process that is not the provider: %v", got)
	}
}

// dialAndAccept opens a connection from this process to ln and returns the
// client's address as the server sees it; both ends stay open until the test
// ends, as a provider's pooled connection would.
func dialAndAccept(t *testing.T, ln net.Listener) net.Addr {
	t.Helper()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	sc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sc.Close() })
	return sc.RemoteAddr()
}

func TestWithConnsAddsUnsampledProcesses(t *testing.T) {
	procs := withConns([]procStats{{pid: 1, hwmKB: 10}, {pid: 2, hwmKB: 20}}, map[int]int{2: 10, 3: 1})
	got := map[int]int{}
	for _, p := range procs {
		got[p.pid] = p.conns
	}
	if len(got) != 3 || got[1] != 0 || got[2] != 10 || got[3] != 1 {
		t.Fatalf("withConns = %+v", procs)
	}
}

func TestMergeKeepsFastestWallAndWorstFigures(t *testing.T) {
	a := &measurement{wall: 10 * time.Second, cpu: 20 * time.Second, conns: 10,
		routes: map[string]int{"GET /runners/:id": 500}, procs: []procStats{{pid: 1, hwmKB: 50000, conns: 10}}}
	b := &measurement{wall: 8 * time.Second, cpu: 18 * time.Second, conns: 12,
		routes: map[string]int{"GET /runners/:id": 501}, procs: []procStats{{pid: 2, hwmKB: 70000, conns: 11}}}
	m := merge([]*measurement{a, b})
	if m.wall != 8*time.Second || m.cpu != 18*time.Second {
		t.Errorf("wall/cpu %v/%v, want the fastest run's 8s/18s", m.wall, m.cpu)
	}
	if m.requests() != 501 || m.conns != 12 || m.peakRSSKB() != 70000 {
		t.Errorf("requests %d conns %d peak %d: want the worst (501, 12, 70000)", m.requests(), m.conns, m.peakRSSKB())
	}
	if _, maxProc, _ := m.attributedConns(); maxProc != 11 {
		t.Errorf("max connections per process %d, want 11", maxProc)
	}
}

// TestMergeKeepsTheFastestRunsProviderCPU: the provider's CPU time is the
// fastest repetition's, as its wall and CPU times are, whichever repetition
// the connections come from.
func TestMergeKeepsTheFastestRunsProviderCPU(t *testing.T) {
	a := &measurement{wall: 2 * time.Second, conns: 10, procs: []procStats{{pid: 1, cpu: 300 * time.Millisecond, conns: 10}, {pid: 2, cpu: 400 * time.Millisecond}}}
	b := &measurement{wall: 3 * time.Second, conns: 11, procs: []procStats{{pid: 3, cpu: 600 * time.Millisecond, conns: 11}}}
	for _, order := range [][]*measurement{{a, b}, {b, a}} {
		m := merge(order)
		if got := m.providerCPU(); got != 700*time.Millisecond {
			t.Errorf("provider CPU %v, want the fastest run's, 700ms", got)
		}
		if got := cpuPerRunnerMS(m, 100); got != 7 {
			t.Errorf("provider CPU per runner %v ms, want 7", got)
		}
	}
}

// TestFastTargets: a zero-latency run at N=100 judges the wall time over
// terraform_data per phase (create and destroy 1.8×, refresh 2.0×); a run
// with latency does not.
func TestFastTargets(t *testing.T) {
	p, f := map[string]*measurement{}, map[string]*measurement{}
	for _, ph := range phases() {
		p[ph.name] = &measurement{wall: 1790 * time.Millisecond, procs: []procStats{{pid: 1, cpu: time.Second}}}
		f[ph.name] = &measurement{wall: time.Second}
	}
	p["refresh"].wall = 2010 * time.Millisecond
	res := &results{o: &options{}, sizes: []*sizeResult{{n: 100, provider: p, floor: f}}}
	ts := fastTargets(res)
	if len(ts) != 3 {
		t.Fatalf("%d targets, want 3 (create, refresh, destroy): %+v", len(ts), ts)
	}
	for _, c := range []struct {
		prefix string
		met    bool
	}{{"zero latency: wall time, create", true}, {"zero latency: wall time, refresh", false}, {"zero latency: wall time, destroy", true}} {
		if tg := findTarget(t, ts, c.prefix); tg.met != c.met || !tg.judged || !strings.Contains(tg.measured, "10.0 ms per runner") {
			t.Errorf("%+v: want met=%v, judged, 10.0 ms per runner", tg, c.met)
		}
	}
	res.o.latency = 20 * time.Millisecond
	if ts := fastTargets(res); len(ts) != 0 {
		t.Errorf("targets with latency: %+v", ts)
	}
}

// TestMergeKeepsConnectionsWithTheirProcesses: the mock's connection count
// and the processes they were attributed to come from one repetition, or
// connections look unattributed that were not.
func TestMergeKeepsConnectionsWithTheirProcesses(t *testing.T) {
	a := &measurement{conns: 18, procs: []procStats{{pid: 1, conns: 10}, {pid: 2, conns: 8}}}
	b := &measurement{conns: 20, procs: []procStats{{pid: 3, conns: 10}, {pid: 4, conns: 10}}}
	for _, order := range [][]*measurement{{a, b}, {b, a}} {
		m := merge(order)
		if total, maxProc, _ := m.attributedConns(); m.conns != 20 || total != 20 || maxProc != 10 || m.connBound() != 10 {
			t.Errorf("merged conns %d, attributed %d, max per process %d, bound %d: want 20, 20, 10, 10",
				m.conns, total, maxProc, m.connBound())
		}
	}
	// An unattributed connection raises the bound, and that repetition wins.
	c := &measurement{conns: 19, procs: []procStats{{pid: 5, conns: 10}, {pid: 6, conns: 8}}}
	if m := merge([]*measurement{b, c}); m.connBound() != 11 || m.conns != 19 {
		t.Errorf("bound %d with %d connections, want 11 with 19", m.connBound(), m.conns)
	}
}

// judged evaluates the targets of a synthetic N=500 result.
func judged(t *testing.T, mutate func(p, f map[string]*measurement)) []target {
	t.Helper()
	p, f := map[string]*measurement{}, map[string]*measurement{}
	routes := map[string]map[string]int{
		"create":   {"POST /user/runners": 500, "PUT /runners/:id": 500},
		"refresh":  {"GET /runners/:id": 500},
		"rotation": {"GET /runners/:id": 500, "POST /runners/:id/reset_authentication_token": 500},
		"update":   {"GET /runners/:id": 500, "PUT /runners/:id": 500},
		"destroy":  {"GET /runners/:id": 500, "DELETE /runners/:id": 500},
	}
	for _, ph := range phases() {
		p[ph.name] = &measurement{wall: 11 * time.Second, routes: routes[ph.name], conns: 10,
			procs: []procStats{{pid: 1, hwmKB: 70 * 1024, conns: 10}}}
		f[ph.name] = &measurement{wall: 10 * time.Second}
	}
	mutate(p, f)
	res := &results{o: &options{latency: 20 * time.Millisecond}, sizes: []*sizeResult{{n: 500, provider: p, floor: f}},
		goBench: []goBenchResult{{name: "BenchmarkListRunnersPage/x", nsPerOp: 600e3},
			{name: "BenchmarkStringSetValidate", nsPerOp: 100e6}, {name: "BenchmarkValidateTenThousandTags", nsPerOp: 200e6}}}
	return evaluateTargets(res)
}

func findTarget(t *testing.T, ts []target, prefix string) target {
	t.Helper()
	for _, tg := range ts {
		if strings.HasPrefix(tg.name, prefix) {
			return tg
		}
	}
	t.Fatalf("no target %q in %+v", prefix, ts)
	return target{}
}

func TestEvaluateTargets(t *testing.T) {
	all := judged(t, func(p, f map[string]*measurement) {})
	if len(all) != 15 {
		t.Errorf("%d targets, want 15: %+v", len(all), all)
	}
	for _, tg := range all {
		if !tg.met || !tg.judged {
			t.Errorf("%+v: want met", tg)
		}
	}

	// The token check of every provider configuration is not per runner:
	// with it, refresh still makes exactly one request per runner.
	withCheck := judged(t, func(p, f map[string]*measurement) { p["refresh"].routes[tokenCheckRoute] = 2 })
	if tg := findTarget(t, withCheck, "requests per runner, refresh"); !tg.met {
		t.Errorf("%+v: the token check counted per runner", tg)
	}
	if got := perRunner(&measurement{routes: map[string]int{"GET /runners/:id": 500, tokenCheckRoute: 2}}, 500); got != "**1** (1 GET + 2 token check(s) in all)" {
		t.Errorf("perRunner = %q", got)
	}

	miss := judged(t, func(p, f map[string]*measurement) {
		p["destroy"].routes["DELETE /runners/:id"] = 1000 // a retried delete
		p["refresh"].wall = 14 * time.Second              // 1.4× the 10 s floor
		p["update"].procs[0].hwmKB = 90 * 1024
		p["rotation"].conns = 14 // 4 connections the sampler did not see: 10 + 4 > 12
	})
	for _, prefix := range []string{"requests per runner, destroy", "wall time, refresh", "provider peak RSS", "connections per provider"} {
		if tg := findTarget(t, miss, prefix); tg.met {
			t.Errorf("%+v: want missed", tg)
		}
	}
	for _, prefix := range []string{"requests per runner, create", "wall time, update", "mock: list page"} {
		if tg := findTarget(t, miss, prefix); !tg.met {
			t.Errorf("%+v: want met", tg)
		}
	}
}

// With -token-check graphql every refresh makes one GraphQL query per runner
// besides its GET: refresh targets exactly 2, and destroy's refresh reads do
// not count as changes.
func TestEvaluateTargetsWithTokenCheck(t *testing.T) {
	routes := map[string]map[string]int{
		"create":   {"POST /user/runners": 500, "PUT /runners/:id": 500},
		"refresh":  {"GET /runners/:id": 500, "POST /api/graphql": 500},
		"rotation": {"GET /runners/:id": 500, "POST /api/graphql": 500, "POST /runners/:id/reset_authentication_token": 500},
		"update":   {"GET /runners/:id": 500, "POST /api/graphql": 500, "PUT /runners/:id": 500},
		"destroy":  {"GET /runners/:id": 500, "POST /api/graphql": 500, "DELETE /runners/:id": 500},
	}
	p, f := map[string]*measurement{}, map[string]*measurement{}
	for _, ph := range phases() {
		p[ph.name] = &measurement{wall: time.Second, routes: routes[ph.name], procs: []procStats{{pid: 1, hwmKB: 1024, conns: 1}}}
		f[ph.name] = &measurement{wall: time.Second}
	}
	for _, check := range []string{"graphql", ""} {
		res := &results{o: &options{latency: time.Millisecond, tokenCheck: check}, sizes: []*sizeResult{{n: 500, provider: p, floor: f}}}
		ts := evaluateTargets(res)
		refresh, destroy := findTarget(t, ts, "requests per runner, refresh"), findTarget(t, ts, "requests per runner, destroy")
		if wantMet := check == "graphql"; refresh.met != wantMet || strings.Contains(refresh.name, "= 2") != wantMet {
			t.Errorf("token check %q: %+v", check, refresh)
		}
		if !destroy.met {
			t.Errorf("token check %q: the GraphQL reads of destroy's refresh must not count: %+v", check, destroy)
		}
	}
}

// TestSamplerFindsTheProcessByExecutable: the test binary plays the
// provider; the sampler finds it by its executable, keyed by pid and start
// time, with its CPU time.
func TestSamplerFindsTheProcessByExecutable(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs Linux /proc")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); time.Since(start) < 30*time.Millisecond; { // some CPU time to see
	}
	s := &sampler{exe: exe, procs: map[procKey]*procState{}}
	s.sample()
	_, started, ok := readStat(os.Getpid())
	if !ok || started == 0 {
		t.Fatalf("readStat of this process: start %d, ok %v", started, ok)
	}
	p := s.procs[procKey{os.Getpid(), started}]
	if len(s.procs) != 1 || p == nil || p.cpu <= 0 || p.hwmKB <= 0 {
		t.Fatalf("sampled %+v, want this process with its CPU time and peak RSS", s.procs)
	}
	other := &sampler{exe: exe + "-other", procs: map[procKey]*procState{}}
	if other.sample(); len(other.procs) != 0 {
		t.Fatalf("sampled a process that is not the provider: %+v", other.procs)
	}
}
