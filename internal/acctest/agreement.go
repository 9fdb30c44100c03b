package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// Agreement of Terraform's state with GitLab, the invariant of the
// reliability tests: whatever failed on the way, after the apply
//
//   - every runner of the test in GitLab (every runner of the mock; in live
//     mode those carrying the test's prefix) is known to the state (no
//     orphan), except the ones the test created outside Terraform;
//   - every runner in the state exists in GitLab, exactly once (no lost
//     runner, no duplicate), and is not tainted;
//   - the attributes in state are GitLab's (runner_type, group_id,
//     project_id and every row of the runner attribute table) — a leftover
//     creation marker in a description shows up here;
//   - every token in state is accepted by POST /runners/verify, which names
//     the runner it belongs to: the one in state.
//
// GitLab is asked through its REST API (GET /runners/:id, the runner list,
// verify), so the check holds against any GitLab.

// StateRunner is one runner resource instance as the state records it.
type StateRunner struct {
	Address string
	ID      string
	Tainted bool
	// Attributes are flatmap attributes ("description", "tag_list.#", ...).
	Attributes map[string]string
}

// AgreementReport counts what an agreement check looked at.
type AgreementReport struct {
	StateRunners   int // runner instances in state
	MockRunners    int // the test's runners in GitLab (outside ones included)
	TokensVerified int // tokens accepted by POST /runners/verify
	TokensAbsent   int // runners in state without a token (imported, not rotated)
}

// AgreementSystemID is the system_id the agreement check verifies tokens
// with; the check registers it as a manager of every runner it verifies.
const AgreementSystemID = "s_agreement0001"

// RunnersInState returns the instances of resourceType in every module of s.
func RunnersInState(s *terraform.State, resourceType string) []StateRunner {
	var out []StateRunner
	for _, mod := range s.Modules {
		prefix := strings.Join(mod.Path[1:], ".")
		for name, rs := range mod.Resources {
			if rs.Type != resourceType || rs.Primary == nil {
				continue
			}
			addr := name
			if prefix != "" {
				addr = prefix + "." + name
			}
			out = append(out, StateRunner{Address: addr, ID: rs.Primary.ID, Tainted: rs.Primary.Tainted, Attributes: rs.Primary.Attributes})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// CheckAgreement is a TestCheckFunc asserting the agreement above for the
// instances of resourceType in the state. outside lists runners the test
// created without Terraform. Failures list every disagreement (up to 20).
func (g *GitLab) CheckAgreement(t testing.TB, resourceType string, outside ...int64) func(*terraform.State) error {
	return func(s *terraform.State) error {
		_, err := g.Agreement(t, RunnersInState(s, resourceType), outside...)
		return err
	}
}

// CheckAgreement is GitLab.CheckAgreement against this mock.
func (m *Mock) CheckAgreement(t testing.TB, resourceType string, outside ...int64) func(*terraform.State) error {
	return m.gitlab().CheckAgreement(t, resourceType, outside...)
}

// Agreement is GitLab.Agreement against this mock.
func (m *Mock) Agreement(t testing.TB, runners []StateRunner, outside ...int64) (AgreementReport, error) {
	t.Helper()
	return m.gitlab().Agreement(t, runners, outside...)
}

// Agreement checks runners (as the state records them) against GitLab and
// returns what it counted, and an error naming every disagreement.
func (g *GitLab) Agreement(t testing.TB, runners []StateRunner, outside ...int64) (AgreementReport, error) {
	t.Helper()
	var (
		rep      AgreementReport
		problems []string
	)
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	ctx := context.Background()

	known := map[int64]string{} // id -> address
	for _, r := range runners {
		rep.StateRunners++
		id, err := strconv.ParseInt(r.ID, 10, 64)
		if err != nil {
			add("%s: id %q is not a runner id", r.Address, r.ID)
			continue
		}
		if other, dup := known[id]; dup {
			add("%s and %s both hold runner %d", other, r.Address, id)
			continue
		}
		known[id] = r.Address
		if r.Tainted {
			add("%s (runner %d) is tainted", r.Address, id)
		}
		run, found, err := g.rest.runner(ctx, id)
		if err != nil {
			return rep, err
		}
		if !found {
			add("%s: runner %d is in state but not in GitLab", r.Address, id)
			continue
		}
		for _, p := range compareRunner(r.Attributes, run) {
			add("%s (runner %d): %s", r.Address, id, p)
		}
		token := r.Attributes["token"]
		if token == "" {
			rep.TokensAbsent++
			continue
		}
		status, owner, err := g.rest.verify(ctx, token, AgreementSystemID)
		if err != nil {
			return rep, err
		}
		switch {
		case status != 200:
			add("%s (runner %d): POST /runners/verify answered %d to the token in state, want 200", r.Address, id, status)
			continue
		case owner != id:
			add("%s (runner %d): the token in state belongs to runner %d", r.Address, id, owner)
			continue
		}
		rep.TokensVerified++
	}

	skip := map[int64]bool{}
	for _, id := range outside {
		skip[id] = true
	}
	theirs, err := g.runnersErr()
	if err != nil {
		return rep, err
	}
	for _, run := range theirs {
		rep.MockRunners++
		if _, ok := known[run.ID]; ok || skip[run.ID] {
			continue
		}
		add("runner %d (%q) exists in GitLab but not in state: an orphan", run.ID, run.Description)
	}

	if len(problems) > 0 {
		n := len(problems)
		if n > 20 {
			problems = append(problems[:20], fmt.Sprintf("... and %d more", n-20))
		}
		return rep, fmt.Errorf("state and GitLab disagree (%d problems):\n  %s", n, strings.Join(problems, "\n  "))
	}
	return rep, nil
}

// compareRunner lists the attributes where the state differs from GitLab's
// answer: the runner's scope and every attribute of the runner attribute
// table (Terraform's attributes carry GitLab's names). Attributes missing
// from the state map, or from GitLab's answer (an older GitLab), are not
// compared.
func compareRunner(attrs map[string]string, run Runner) []string {
	var out []string
	cmp := func(name, want string) {
		got, ok := attrs[name]
		if ok && got != want {
			out = append(out, fmt.Sprintf("%s = %q in state, %q in GitLab", name, got, want))
		}
	}
	cmp("runner_type", run.RunnerType)
	if run.RunnerType == store.RunnerTypeGroup && len(run.GroupIDs) > 0 {
		cmp("group_id", strconv.FormatInt(run.GroupIDs[0], 10))
	}
	if run.RunnerType == store.RunnerTypeProject && len(run.ProjectIDs) > 0 {
		if v, ok := attrs["project_id"]; ok && v != "" {
			found := false
			for _, p := range run.ProjectIDs {
				found = found || strconv.FormatInt(p, 10) == v
			}
			if !found {
				out = append(out, fmt.Sprintf("project_id = %s in state, GitLab's runner belongs to %v", v, run.ProjectIDs))
			}
		}
	}
	for _, attr := range store.RunnerAttributeTable() {
		if attr.Negated {
			continue // a deprecated alias of another row (active = !paused)
		}
		name := attr.Name
		if _, shown := run.Fields[name]; !shown {
			continue
		}
		switch attr.Kind {
		case store.StringKind:
			cmp(name, run.String(name))
		case store.BoolKind:
			cmp(name, strconv.FormatBool(run.Bool(name)))
		case store.IntegerKind:
			if v := run.Int(name); v != nil {
				cmp(name, strconv.FormatInt(*v, 10))
			} else if got := attrs[name]; got != "" {
				out = append(out, fmt.Sprintf("%s = %s in state, unset in GitLab", name, got))
			}
		case store.StringListKind:
			// A set in state: flatmap "name.#" and "name.<key>" entries.
			n, ok := attrs[name+".#"]
			if !ok {
				continue
			}
			var got []string
			for k, s := range attrs {
				if strings.HasPrefix(k, name+".") && k != name+".#" {
					got = append(got, s)
				}
			}
			want := append([]string{}, run.Strings(name)...)
			sort.Strings(got)
			sort.Strings(want)
			if n != strconv.Itoa(len(want)) || strings.Join(got, ",") != strings.Join(want, ",") {
				out = append(out, fmt.Sprintf("%s = %v in state, %v in GitLab", name, got, want))
			}
		default:
			out = append(out, fmt.Sprintf("%s: the agreement check cannot compare attributes of kind %d", name, attr.Kind))
		}
	}
	return out
}

// RunnersInStateFile reads the instances of resourceType from a Terraform
// state file (format 4, as `terraform apply` writes it), for tests that run
// the terraform binary themselves. Attributes are flattened as in
// RunnersInState ("tag_list.#", "tag_list.0", ...).
func RunnersInStateFile(path, resourceType string) ([]StateRunner, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var st struct {
		Version   int `json:"version"`
		Resources []struct {
			Module    string `json:"module"`
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				IndexKey   any                        `json:"index_key"`
				Status     string                     `json:"status"`
				Attributes map[string]json.RawMessage `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	if st.Version != 4 {
		return nil, fmt.Errorf("state file %s: format %d, want 4", path, st.Version)
	}
	var out []StateRunner
	for _, rs := range st.Resources {
		if rs.Mode != "managed" || rs.Type != resourceType {
			continue
		}
		for _, inst := range rs.Instances {
			addr := rs.Name
			if rs.Module != "" {
				addr = rs.Module + "." + addr
			}
			switch k := inst.IndexKey.(type) {
			case float64:
				addr += fmt.Sprintf("[%03d]", int64(k)) // sorts like the numbers
			case string:
				addr += fmt.Sprintf("[%q]", k)
			}
			attrs := map[string]string{}
			for name, raw := range inst.Attributes {
				var v any
				dec := json.NewDecoder(bytes.NewReader(raw))
				dec.UseNumber() // ids and numbers exactly as written
				if err := dec.Decode(&v); err != nil {
					return nil, fmt.Errorf("state file %s: %s.%s: %w", path, addr, name, err)
				}
				flatten(attrs, name, v)
			}
			out = append(out, StateRunner{Address: addr, ID: attrs["id"], Tainted: inst.Status == "tainted", Attributes: attrs})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out, nil
}

// flatten writes v under key in the flatmap form: scalars as strings, lists
// as key.# and key.<index>, maps as key.% and key.<name>; null is left out.
func flatten(out map[string]string, key string, v any) {
	switch x := v.(type) {
	case nil:
	case string:
		out[key] = x
	case bool:
		out[key] = strconv.FormatBool(x)
	case json.Number:
		out[key] = x.String()
	case []any:
		out[key+".#"] = strconv.Itoa(len(x))
		for i, e := range x {
			flatten(out, key+"."+strconv.Itoa(i), e)
		}
	case map[string]any:
		out[key+".%"] = strconv.Itoa(len(x))
		for k, e := range x {
			flatten(out, key+"."+k, e)
		}
	}
}
