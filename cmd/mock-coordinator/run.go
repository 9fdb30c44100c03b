package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
)

// Exit codes of run.
const (
	exitOK    = 0
	exitError = 1 // the server could not start or stop cleanly
	exitUsage = 2 // bad flags
)

// run is the whole command; main only wires signals and the process streams.
// It serves until ctx is cancelled (SIGINT/SIGTERM), then shuts down
// gracefully and writes the state file.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "compare" {
		return runCompare(ctx, args[1:], os.Getenv, stdout, stderr)
	}
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "mock-coordinator: %v (see --help)\n", err)
		return exitUsage
	}

	opts := mockcoordinator.Options{
		Version:     cfg.version,
		TLS:         cfg.tls,
		ClientCerts: cfg.clientCerts,
		CertDir:     cfg.certDir,
		StateFile:   cfg.state,
		Latency:     cfg.latency,
		LogWriter:   stderr,
		Seed:        cfg.seed,
	}
	if cfg.quiet {
		opts.LogWriter = io.Discard
	}
	srv, err := mockcoordinator.NewServer(opts)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "mock-coordinator: %v\n", err)
		return exitError
	}
	if cfg.faultSeedSet {
		srv.Faults().Seed(cfg.faultSeed)
	}
	for _, f := range cfg.faults {
		srv.Faults().Add(f)
	}
	if err := srv.Start(cfg.listen); err != nil {
		_, _ = fmt.Fprintf(stderr, "mock-coordinator: flag --listen: %s\n", strings.TrimPrefix(err.Error(), "mock coordinator: "))
		_ = srv.Close()
		return exitError
	}

	info, err := startupInfoOf(srv, cfg)
	if err == nil {
		switch {
		case cfg.printJSON:
			err = writeJSONInfo(stdout, info)
		case cfg.printEnv:
			err = writeEnvInfo(stdout, info)
		default:
			err = writeSummary(stdout, info, cfg)
		}
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "mock-coordinator: %v\n", err)
		_ = srv.Close()
		return exitError
	}

	<-ctx.Done()
	if err := srv.Close(); err != nil {
		_, _ = fmt.Fprintf(stderr, "mock-coordinator: %v\n", err)
		return exitError
	}
	if !cfg.quiet {
		_, _ = fmt.Fprintln(stderr, "mock-coordinator: stopped")
	}
	return exitOK
}
