package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
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

// writeEnvInfo prints the info as shell export lines, in one write so that a
// script sourcing the file never reads half of it: GITLAB_BASE_URL and
// GITLAB_TOKEN (the group owner's token, which the provider reads itself),
// then every field of the --print-json line as MOCK_<PATH> (group.owner_token
// → MOCK_GROUP_OWNER_TOKEN), so the two outputs cannot drift apart, and
// MOCK_PID, the process to stop. The last line, "# ready …", is what a script
// waits for.
func writeEnvInfo(w io.Writer, info startupInfo) error {
	raw, err := json.Marshal(info)
	if err != nil {
		return err
	}
	fields, err := flattenJSON(raw, "MOCK")
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# mock-coordinator (GitLab %s) on %s: shell settings, source them with `. ./FILE`\n", info.GitLabVersion, info.BaseURL)
	fmt.Fprintf(&b, "export GITLAB_BASE_URL=%s\n", shellQuote(info.BaseURL))
	if token, who := defaultToken(info); token != "" {
		fmt.Fprintf(&b, "export GITLAB_TOKEN=%s # %s\n", shellQuote(token), who)
	}
	for _, f := range fields {
		fmt.Fprintf(&b, "export %s=%s\n", f.name, shellQuote(f.value))
	}
	fmt.Fprintf(&b, "export MOCK_PID=%d\n", os.Getpid())
	b.WriteString("# ready: stop it with kill $MOCK_PID\n")
	_, err = io.WriteString(w, b.String())
	return err
}

// defaultToken is the token GITLAB_TOKEN carries: the standard seed's group
// owner (who may create group and project runners), or, for an organisation
// from --seed FILE, the first token of the first user the file lists that has
// one. Empty when there is none.
func defaultToken(info startupInfo) (token, who string) {
	if info.Seed != nil {
		return info.Group.OwnerToken, "the owner of group " + info.Group.FullPath
	}
	if info.SeedSpec != nil {
		for _, u := range info.SeedSpec.Users {
			for _, t := range u.Tokens {
				if t.Token != "" {
					return t.Token, "the first token of user " + u.Username + " (the seed file's first user with one)"
				}
			}
		}
	}
	return "", ""
}

// envField is one variable of writeEnvInfo.
type envField struct{ name, value string }

// flattenJSON turns a JSON document into variables named by their path, in
// the document's order: {"group":{"id":1}} → PREFIX_GROUP_ID=1, list items
// by index (PREFIX_LIST_0_ID). Nulls are left out.
func flattenJSON(doc []byte, prefix string) ([]envField, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var out []envField
	var walk func(name string) error
	walk = func(name string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim: // '{' or '['; the closing one is read below
			for i := 0; dec.More(); i++ {
				key := strconv.Itoa(i)
				if t == '{' {
					k, err := dec.Token()
					if err != nil {
						return err
					}
					key, _ = k.(string)
				}
				if err := walk(name + "_" + envName(key)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case string:
			out = append(out, envField{name, t})
		case json.Number:
			out = append(out, envField{name, t.String()})
		case bool:
			out = append(out, envField{name, strconv.FormatBool(t)})
		}
		return nil
	}
	return out, walk(prefix)
}

// envName is a JSON key as a shell variable name part: upper case, anything
// but letters and digits as "_".
func envName(key string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, key)
}

// shellQuote quotes s for a POSIX shell: '…', with ' as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
