// Command mock-coordinator runs the in-memory GitLab of package
// mockcoordinator as a local server for demos, module authors' tests and
// benchmarks. It is a test server: it prints its tokens, listens on loopback
// only and keeps everything in memory unless --state names a file.
//
//	mock-coordinator --listen 127.0.0.1:0 --print-json
//	mock-coordinator --listen 127.0.0.1:0 --print-env > mock.env &   # shell: . ./mock.env
//
// See usage (mock-coordinator --help) for the flags and the --fault syntax.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
