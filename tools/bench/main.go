// Command bench is what `make bench` runs: a fleet benchmark of the provider
// against the mock coordinator, side by side with Terraform's own floor.
//
// For every fleet size N (default 10, 100 and 500 runners, `for_each`) it runs
// five Terraform commands, each timed and measured on its own:
//
//	create    terraform apply      (N gitlabrunner_user_runner created)
//	refresh   terraform plan       (no change: one refresh of every runner)
//	rotation  terraform apply      (one rotation_triggers change: every token rotates)
//	update    terraform apply      (a tag change on every runner)
//	destroy   terraform destroy
//
// and the same five phases with N of Terraform's built-in terraform_data
// (the input changes where the runners change): the "core floor", what
// Terraform itself needs for N resources without any provider or network.
// The "round-trip floor" is requests × latency / parallelism: the time the
// requests the phase made need at Terraform's default parallelism of 10.
//
// Measured per command: wall time; HTTP requests per runner by route (the
// mock's Stats); connections the mock accepted, and which provider process
// opened each (sockets of the processes whose executable is the benchmarked
// provider, sampled from /proc); and the provider's peak memory (VmHWM, the
// RSS high-water mark, of those processes). It also runs the mock's Go
// benchmarks (a page of 100 from 10,000 runners; a create). Then it prints a
// table with every target marked met or missed.
//
// Usage (from the repository root):
//
//	go run ./tools/bench -terraform /abs/path/terraform [-n 10,100,500] [-latency 20ms] [-tls] [-token-check graphql] [-out BENCHMARKS-run.md]
//
// With -latency 0 (a GitLab as near as the mock in module tests and CI) the
// provider's own cost per runner shows: the report gives, per phase, the
// provider's CPU time per runner and the wall time over terraform_data's,
// and judges issue 26's targets at N = 100:
//
//	make bench BENCH_ARGS="-n 100 -latency 0 -repeat 2 -gobench=false"
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

// parallelism is Terraform's default, passed explicitly to every command.
const parallelism = 10

type options struct {
	tfPath  string
	sizes   []int
	latency time.Duration
	tls     bool
	out     string
	goBench bool
	profile bool
	repeat  int
	// tokenCheck is the runners' token_check ("" leaves it unset).
	tokenCheck string
	root       string // repository root
	dir        string // .bench
}

func main() {
	var o options
	var sizes string
	flag.StringVar(&o.tfPath, "terraform", "", "path of the terraform binary (also accepted as the only argument)")
	flag.StringVar(&sizes, "n", "10,100,500", "comma-separated fleet sizes")
	flag.DurationVar(&o.latency, "latency", 20*time.Millisecond, "latency the mock coordinator adds to every request")
	flag.BoolVar(&o.tls, "tls", false, "serve the mock over TLS (the provider trusts its CA through cacert_file)")
	flag.StringVar(&o.out, "out", "", "also write the report (markdown) to this file")
	flag.BoolVar(&o.goBench, "gobench", true, "also run the mock coordinator's Go benchmarks")
	flag.IntVar(&o.repeat, "repeat", 1, "run every fleet size this many times; wall times are the fastest run's (least disturbed by other load), other figures the worst")
	flag.StringVar(&o.tokenCheck, "token-check", "", `set token_check on every runner ("rest" or "graphql": one GraphQL query per runner and refresh)`)
	flag.BoolVar(&o.profile, "profile", false, "run a provider build that writes CPU, heap and allocation profiles to .bench/profiles/<run>/ (timings then include profiling overhead)")
	flag.Parse()
	if o.tfPath == "" && flag.NArg() == 1 {
		o.tfPath = flag.Arg(0)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, &o, sizes)
	interrupted := errors.Is(ctx.Err(), context.Canceled)
	stop()
	if err != nil {
		if interrupted {
			fmt.Fprintln(os.Stderr, "\nbenchmark interrupted")
		}
		fmt.Fprintf(os.Stderr, "\nbenchmark failed: %v\n", err)
		fmt.Fprintln(os.Stderr, "Nothing is left running (the mock lived in this process; every Terraform process group was killed).")
		os.Exit(1)
	}
}

func run(ctx context.Context, o *options, sizes string) error {
	var err error
	if o.sizes, err = parseSizes(sizes); err != nil {
		return err
	}
	if o.repeat < 1 || o.repeat > 10 {
		return fmt.Errorf("-repeat %d: want 1 to 10", o.repeat)
	}
	if o.latency < 0 {
		return fmt.Errorf("-latency %s: must not be negative", o.latency)
	}
	if o.tokenCheck != "" && o.tokenCheck != "rest" && o.tokenCheck != "graphql" {
		return fmt.Errorf("-token-check %q: want rest or graphql", o.tokenCheck)
	}
	if o.tfPath, err = tfcli.Binary(o.tfPath, "run `make bench`, or `go run ./tools/bench -terraform /path/to/terraform`"); err != nil {
		return err
	}
	if o.root, err = os.Getwd(); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(o.root, "go.mod")); err != nil {
		return errors.New("run the benchmark from the repository root (where go.mod is)")
	}
	o.dir = filepath.Join(o.root, ".bench")

	b, err := newBench(ctx, o)
	if err != nil {
		return err
	}
	defer b.close()

	res, runErr := b.runAll(ctx)
	if runErr == nil && o.goBench {
		step("go test -run '^$' -bench . -benchmem ./internal/mockcoordinator/...")
		res.goBench, runErr = runGoBench(ctx, o.root, filepath.Join(o.dir, "logs", "gobench.log"))
	}
	report := renderReport(res)
	fmt.Println()
	fmt.Print(report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return errors.Join(runErr, fmt.Errorf("writing %s: %w", o.out, err))
		}
		fmt.Printf("\nreport written to %s\n", o.out)
	}
	return runErr
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 10000 {
			return nil, fmt.Errorf("-n %q: want comma-separated fleet sizes between 1 and 10000, such as 10,100,500", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func step(msg string) { fmt.Println("==> " + msg) }
