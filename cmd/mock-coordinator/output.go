package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// startupInfo is what --print-json prints: the seed plus where to reach the
// server. The standard seed's fields are inlined; an organisation from
// --seed FILE is under "seed" instead, completed with ids and tokens.
type startupInfo struct {
	BaseURL       string `json:"base_url"`
	APIURL        string `json:"api_url"`
	GitLabVersion string `json:"gitlab_version"`
	CAFile        string `json:"ca_file,omitempty"`
	ClientCert    string `json:"client_cert,omitempty"`
	ClientKey     string `json:"client_key,omitempty"`
	StateFile     string `json:"state_file,omitempty"`
	*store.Seed
	SeedSpec *store.SeedSpec `json:"seed,omitempty"`
}

func startupInfoOf(srv *mockcoordinator.Server, cfg *config) (startupInfo, error) {
	info := startupInfo{
		BaseURL:       srv.URL(),
		APIURL:        srv.APIURL(),
		GitLabVersion: srv.Store().Version().String(),
		CAFile:        srv.CAFile(),
		StateFile:     cfg.state,
		SeedSpec:      srv.SeedSpec(),
	}
	if info.SeedSpec == nil {
		seed := srv.Seed()
		info.Seed = &seed
	}
	if cfg.tls {
		cert, key, err := srv.IssueClientCert(srv.CertDir())
		if err != nil {
			return info, err
		}
		info.ClientCert, info.ClientKey = cert, key
	}
	return info, nil
}

// writeJSONInfo prints the info as exactly one line of JSON.
func writeJSONInfo(w io.Writer, info startupInfo) error {
	b, err := json.Marshal(info)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// writeSummary prints a human-readable summary. Tokens are included on
// purpose: this is a local test server. It returns the first write error
// (like writeJSONInfo); the remaining lines are skipped after one.
func writeSummary(w io.Writer, info startupInfo, cfg *config) error {
	var werr error
	p := func(format string, args ...any) {
		if werr == nil {
			_, werr = fmt.Fprintf(w, format+"\n", args...)
		}
	}
	p("mock-coordinator (GitLab %s) listening on %s", info.GitLabVersion, info.BaseURL)
	p("  API:        %s", info.APIURL)
	if info.CAFile != "" {
		p("  CA file:    %s", info.CAFile)
		p("  client cert %s, key %s", info.ClientCert, info.ClientKey)
	}
	if info.StateFile != "" {
		p("  state file: %s", info.StateFile)
	}
	if cfg.latency > 0 {
		p("  latency:    %s per request", cfg.latency)
	}
	for _, f := range cfg.faults {
		p("  fault:      %s", f)
	}
	p("")
	if spec := info.SeedSpec; spec != nil {
		writeSeedSummary(p, spec)
		p("")
		p("Press Ctrl-C to stop.")
		return werr
	}
	p("Test credentials (this is a local test server; these tokens are not secrets):")
	p("  admin token:                      %s", info.AdminToken)
	p("  instance registration token:      %s", info.InstanceRegistrationToken)
	g := func(label string, sg store.SeedGroup) {
		p("  %s %q (id %d):", label, sg.FullPath, sg.ID)
		p("    registration token: %s", sg.RegistrationToken)
		p("    owner token:        %s", sg.OwnerToken)
		p("    maintainer token:   %s", sg.MaintainerToken)
		p("    developer token:    %s", sg.DeveloperToken)
	}
	g("group", info.Group)
	g("subgroup", info.Subgroup)
	for _, sp := range info.Projects {
		p("  project %q (id %d):", sp.PathWithNamespace, sp.ID)
		p("    registration token: %s", sp.RegistrationToken)
		p("    maintainer token:   %s", sp.MaintainerToken)
		p("    developer token:    %s", sp.DeveloperToken)
	}
	p("  read_api-only token (group owner): %s", info.ReadAPIToken)
	p("  non-admin token (no memberships):  %s", info.NonAdminToken)
	p("")
	p("Press Ctrl-C to stop.")
	return werr
}

// writeSeedSummary lists the organisation of --seed FILE with its ids and
// tokens.
func writeSeedSummary(p func(string, ...any), spec *store.SeedSpec) {
	p("Organisation from --seed (a local test server; these tokens are not secrets):")
	if spec.Instance != nil {
		p("  instance registration token: %s", spec.Instance.RegistrationToken)
	}
	for _, u := range spec.Users {
		admin := ""
		if u.Admin {
			admin = " (administrator)"
		}
		p("  user %s%s:", u.Username, admin)
		for _, t := range u.Tokens {
			p("    token %s (%s)", t.Token, strings.Join(t.Scopes, ", "))
		}
	}
	for _, g := range spec.Groups {
		p("  group %q (id %d): registration token %s", g.Path, g.ID, g.RegistrationToken)
	}
	for _, pr := range spec.Projects {
		p("  project %q (id %d): registration token %s", pr.Path, pr.ID, pr.RegistrationToken)
	}
	for _, r := range spec.Runners {
		p("  runner %d (%s): token %s", r.ID, r.RunnerType, r.Token)
	}
}
