package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// config is the parsed command line.
type config struct {
	listen       string
	version      string
	state        string
	tls          bool
	certDir      string
	clientCerts  mockcoordinator.ClientCertMode
	latency      time.Duration
	faults       []mockcoordinator.Fault
	faultSeed    int64
	faultSeedSet bool
	printJSON    bool
	printEnv     bool
	quiet        bool
	seed         *store.SeedSpec // --seed FILE, parsed
}

const usageHeader = `mock-coordinator: an in-memory GitLab (runner API under /api/v4) for local tests.
It is a test server: it listens on loopback only and prints its tokens.

Usage: mock-coordinator [flags]
       mock-coordinator compare --against URL   compare the mock with a GitLab (see compare --help)

Flags:
`

const faultHelp = `
--fault syntax (repeatable; faults are checked in order):
  ROUTE=ACTION[:OPTION]...
  ROUTE   "*" (every request) or "METHOD /pattern", e.g. "POST /user/runners", "GET /runners/:id"
  ACTION  400-599          answer that status without applying the request (429 = rate limit)
          rate-limit       429 with Retry-After and RateLimit-* headers
          drop             close the connection without answering or applying
          apply-then-<st>  apply the request, then answer status <st> (e.g. apply-then-502)
          apply-then-drop  apply the request, then close the connection
          latency-<dur>    delay the request by <dur> (e.g. latency-300ms), then go on
  OPTION  times=N          fire N times, then stop (default: until the server stops)
          probability=P    fire with probability 0 < P <= 1 (default 1; see --fault-seed)
          retry-after=D    Retry-After of a rate limit (default 1s; 0s sends "Retry-After: 0")
Examples:
  --fault 'POST /user/runners=apply-then-502:times=3'
  --fault '*=429:retry-after=1s:probability=0.1'
`

// parseFlags parses args. Errors name the flag, the value and what is allowed.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("mock-coordinator", flag.ContinueOnError)
	// The flag package would print every error followed by the whole usage;
	// run prints one clear line instead, and the usage only for --help.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:8080", "loopback `HOST:PORT` to listen on; port 0 picks a free port")
	fs.StringVar(&cfg.version, "gitlab-version", "", "GitLab `VERSION` to emulate, e.g. 17.4.1-ee (default: the mock's current default, 18.6.0-ee)")
	fs.StringVar(&cfg.state, "state", "", "`FILE` to keep the state in across restarts: read at start if it exists, written atomically before the answer to every change (so even a SIGKILL loses no answered change) and on shutdown")
	fs.BoolVar(&cfg.tls, "tls", false, "serve HTTPS with a self-signed CA generated at start (its PEM file is printed as ca_file) and issue a client certificate signed by it")
	fs.StringVar(&cfg.certDir, "cert-dir", "", "`DIR` for ca.pem, client.pem and client-key.pem with --tls (default: a temporary directory removed at exit)")
	fs.Func("client-certs", "with --tls: `MODE` off (default), optional (verify if given) or required", func(v string) error {
		switch v {
		case "off":
			cfg.clientCerts = mockcoordinator.ClientCertsOff
		case "optional":
			cfg.clientCerts = mockcoordinator.ClientCertsVerifyIfGiven
		case "required":
			cfg.clientCerts = mockcoordinator.ClientCertsRequired
		default:
			return fmt.Errorf("allowed: off, optional, required")
		}
		return nil
	})
	fs.DurationVar(&cfg.latency, "latency", 0, "delay every request by `DURATION`, e.g. 20ms like hosted GitLab")
	fs.Func("fault", "inject a fault, `SPEC` ROUTE=ACTION[:OPTION]... (repeatable; see below)", func(v string) error {
		f, err := mockcoordinator.ParseFault(v)
		if err != nil {
			return err
		}
		cfg.faults = append(cfg.faults, f)
		return nil
	})
	fs.Func("fault-seed", "`N` seeds the random draws of faults with a probability, for reproducible runs", func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("allowed: a whole number")
		}
		cfg.faultSeed, cfg.faultSeedSet = n, true
		return nil
	})
	fs.Func("seed", "`FILE` (JSON or YAML) describing the organisation to start with instead of the standard seed: GitLab version, instance settings, users and their tokens, groups, projects, runners (see the README)", func(v string) error {
		data, err := os.ReadFile(v)
		if err != nil {
			return fmt.Errorf("cannot read it: %w", err)
		}
		spec, err := store.ParseSeedFile(v, data)
		if err != nil {
			return err
		}
		cfg.seed = &spec
		return nil
	})
	fs.BoolVar(&cfg.printJSON, "print-json", false, "print exactly one JSON object (one line) on stdout once listening: URLs, CA file and the seeded tokens")
	fs.BoolVar(&cfg.printEnv, "print-env", false, "print the same settings as shell export lines on stdout once listening "+
		"(GITLAB_BASE_URL, GITLAB_TOKEN = the group owner's token, and MOCK_* for every --print-json field), ending with a \"# ready\" line")
	fs.BoolVar(&cfg.quiet, "quiet", false, "do not log requests on stderr")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			// Best effort: help goes to stderr and there is nowhere to
			// report a failed write of it.
			_, _ = fmt.Fprint(stderr, usageHeader)
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			_, _ = fmt.Fprint(stderr, faultHelp)
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: mock-coordinator takes flags only (see --help)", fs.Arg(0))
	}
	if cfg.latency < 0 {
		return nil, fmt.Errorf("invalid value %q for flag --latency: allowed is a duration >= 0 such as 20ms", cfg.latency)
	}
	if cfg.clientCerts != mockcoordinator.ClientCertsOff && !cfg.tls {
		return nil, fmt.Errorf("flag --client-certs needs --tls")
	}
	if cfg.certDir != "" && !cfg.tls {
		return nil, fmt.Errorf("flag --cert-dir needs --tls")
	}
	if cfg.printJSON && cfg.printEnv {
		return nil, fmt.Errorf("flags --print-json and --print-env print the same settings in two forms: choose one")
	}
	if cfg.version != "" && !looksLikeVersion(cfg.version) {
		return nil, fmt.Errorf("invalid value %q for flag --gitlab-version: allowed is MAJOR.MINOR.PATCH with an optional suffix, e.g. 17.4.1-ee", cfg.version)
	}
	return cfg, nil
}

// looksLikeVersion accepts "17.4.1", "17.4.1-ee", "16.11.0-pre".
func looksLikeVersion(v string) bool {
	core, _, _ := strings.Cut(v, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil {
			return false
		}
	}
	return true
}
