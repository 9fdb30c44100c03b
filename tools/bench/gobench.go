package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

// goBenchResult is one line of `go test -bench` output.
type goBenchResult struct {
	name        string // without the -GOMAXPROCS suffix
	nsPerOp     float64
	bytesPerOp  int64
	allocsPerOp int64
}

// goBenchPackages hold the Go benchmarks `make bench` runs: the mock
// coordinator's (a list page of 100 from 10,000 runners; a create) and the
// provider's validation of many tags (tfvalue's set type and the
// resource's whole configuration). Timings belong here, not in tests.
var goBenchPackages = []string{"./internal/mockcoordinator/...", "./internal/tfvalue/", "./internal/resources/userrunner/"}

// runGoBench runs the Go benchmarks of goBenchPackages and parses their
// results.
func runGoBench(ctx context.Context, root, logPath string) (_ []goBenchResult, err error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := logFile.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("%s: %w", tfcli.Rel(logPath), cerr)
		}
	}()
	var out strings.Builder
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem"}, goBenchPackages...)...)
	cmd.Dir = root
	cmd.Stdout = io.MultiWriter(&out, logFile)
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		return nil, fmt.Errorf("go test -bench %s failed (%v); the end of %s:\n%s", strings.Join(goBenchPackages, " "), err, tfcli.Rel(logPath), tfcli.Tail(logPath, 20))
	}
	res := parseGoBench(out.String())
	if len(res) == 0 {
		return nil, fmt.Errorf("go test -bench printed no benchmark results; see %s", tfcli.Rel(logPath))
	}
	for _, r := range res {
		fmt.Printf("    %-60s %12.0f ns/op %10d B/op %8d allocs/op\n", r.name, r.nsPerOp, r.bytesPerOp, r.allocsPerOp)
	}
	return res, nil
}

func parseGoBench(out string) []goBenchResult {
	var res []goBenchResult
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		r := goBenchResult{name: f[0]}
		if i := strings.LastIndexByte(r.name, '-'); i > 0 {
			if _, err := strconv.Atoi(r.name[i+1:]); err == nil {
				r.name = r.name[:i]
			}
		}
		for i := 2; i+1 < len(f); i += 2 {
			switch f[i+1] {
			case "ns/op":
				r.nsPerOp, _ = strconv.ParseFloat(f[i], 64)
			case "B/op":
				r.bytesPerOp, _ = strconv.ParseInt(f[i], 10, 64)
			case "allocs/op":
				r.allocsPerOp, _ = strconv.ParseInt(f[i], 10, 64)
			}
		}
		res = append(res, r)
	}
	return res
}
