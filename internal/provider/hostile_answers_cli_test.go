package provider_test

// Malformed and ambiguous answers about runners, through real Terraform: a
// proxy rewrites GitLab's answers to GET /runners/:id and to the GraphQL
// token check, one way per runner. None may make the plan rotate a token,
// replace a runner or change it; each must be named in a warning (the
// gitlabrunner_runner data source's too); the apply that follows must not
// call reset_authentication_token.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/provider -run TestAccHostileAnswers -v

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

// hostileCase rewrites the answers about one runner: details (GET
// /runners/:id, a JSON object) or graphQL (the token check's answer, given
// the runner's global id and the true tokenExpiresAt).
type hostileCase struct {
	name    string
	details func(body string) string
	graphQL func(gid, expiresAt string) string
	warning string // a phrase the warning about this runner must hold
}

// withField adds members to a JSON object.
func withField(members string) func(string) string {
	return func(body string) string {
		return strings.TrimSuffix(strings.TrimSpace(body), "}") + "," + members + "}"
	}
}

// graphQLAnswer is the token check's answer with runner members.
func graphQLAnswer(members string) func(gid, expiresAt string) string {
	return func(gid, expiresAt string) string {
		return fmt.Sprintf(`{"data":{"runner":{"id":%q,%s}}}`, gid, strings.ReplaceAll(members, "$TRUE", strconv.Quote(expiresAt)))
	}
}

var firstGroupID = regexp.MustCompile(`"groups":\[\{"id":(\d+)`)

// hostileCases are the nine answers that made earlier versions rotate a
// token, and the same tricks on the fields that make the plan replace or
// update a runner.
var hostileCases = []hostileCase{
	{name: "GraphQL tokenExpiresAt a bare date", graphQL: graphQLAnswer(`"tokenExpiresAt":"2026-12-12"`),
		warning: `"2026-12-12" is not a full RFC 3339 time`},
	{name: "GraphQL tokenExpiresAt in year 1", graphQL: graphQLAnswer(`"tokenExpiresAt":"0001-01-01T00:00:00Z"`),
		warning: "has already passed"},
	{name: "GraphQL TOKENEXPIRESAT", graphQL: graphQLAnswer(`"TOKENEXPIRESAT":"2031-01-01T00:00:00Z"`),
		warning: `"TOKENEXPIRESAT" is not GitLab's spelling "tokenExpiresAt"`},
	{name: "GraphQL tokenExpiresAt twice", graphQL: graphQLAnswer(`"tokenExpiresAt":$TRUE,"tokenExpiresAt":"2031-01-01T00:00:00Z"`),
		warning: `"tokenExpiresAt" appears more than once`},
	{name: "GraphQL runner twice", graphQL: func(gid, expiresAt string) string {
		return fmt.Sprintf(`{"data":{"runner":{"id":%q,"tokenExpiresAt":%q},"runner":{"id":%q,"tokenExpiresAt":"2031-01-01T00:00:00Z"}}}`,
			gid, expiresAt, gid)
	}, warning: `"runner" appears more than once`},
	{name: "details token_expires_at, unlike GraphQL", details: withField(`"token_expires_at":"2031-01-01T00:00:00Z"`),
		warning: "Answers About the Runner Token Disagree"},
	{name: "details TOKEN_EXPIRES_AT", details: withField(`"TOKEN_EXPIRES_AT":"2031-01-01T00:00:00Z"`),
		warning: `"TOKEN_EXPIRES_AT" is not GitLab's spelling "token_expires_at"`},
	{name: "details token_expires_at a bare date", details: withField(`"token_expires_at":"2026-12-12"`),
		warning: `"2026-12-12" is not a full RFC 3339 time`},
	{name: "details token_expires_at twice", details: withField(`"token_expires_at":"2031-01-01T00:00:00Z","token_expires_at":"2032-01-01T00:00:00Z"`),
		warning: `"token_expires_at" appears more than once`},
	{name: "details RUNNER_TYPE", details: withField(`"RUNNER_TYPE":"instance_type"`),
		warning: `"RUNNER_TYPE" is not GitLab's spelling "runner_type"`},
	{name: "details runner_type twice", details: withField(`"runner_type":"instance_type"`),
		warning: `"runner_type" appears more than once`},
	{name: "details GROUPS", details: withField(`"GROUPS":[{"id":999999}]`),
		warning: `"GROUPS" is not GitLab's spelling "groups"`},
	{name: "details a group's id twice", details: func(body string) string {
		return firstGroupID.ReplaceAllString(body, `"groups":[{"id":$1,"id":999999`)
	}, warning: `groups[0]: the key "id" appears more than once`},
	{name: "details description twice", details: withField(`"description":"rewritten"`),
		warning: `"description" appears more than once`},
}

// hostileRunners is len(hostileCases) group runners whose tokens expire
// (so that a rotation would show), checked through GraphQL, rotated by the
// plan when found stale.
func hostileRunners(baseURL, token string, groupID int64, prefix string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    gitlabrunner = { source = "gitlabrunner/gitlabrunner" }
  }
}

provider "gitlabrunner" {
  base_url = %q
  token    = %q
}

resource "gitlabrunner_user_runner" "fleet" {
  count          = %d
  runner_type    = "group_type"
  group_id       = %d
  description    = "%shostile ${count.index}"
  token_check    = "graphql"
  on_stale_token = "rotate"
}

# The data source reads the same details (the last case's).
data "gitlabrunner_runner" "last" {
  id = gitlabrunner_user_runner.fleet[%d].id
}
`, baseURL, token, len(hostileCases), groupID, prefix, len(hostileCases)-1)
}

// planEvents reads `plan -json`: the planned action of each resource
// instance that changes, and every warning's summary and detail.
func planEvents(t *testing.T, out string) (actions map[string]string, warnings []string) {
	t.Helper()
	actions = map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var ev struct {
			Level  string `json:"@level"`
			Type   string `json:"type"`
			Change struct {
				Resource struct {
					Addr string `json:"addr"`
				} `json:"resource"`
				Action string `json:"action"`
			} `json:"change"`
			Diagnostic struct {
				Summary string `json:"summary"`
				Detail  string `json:"detail"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		switch {
		case ev.Type == "planned_change":
			actions[ev.Change.Resource.Addr] = ev.Change.Action
		case ev.Type == "diagnostic" && ev.Level == "warn":
			warnings = append(warnings, ev.Diagnostic.Summary+": "+ev.Diagnostic.Detail)
		}
	}
	return actions, warnings
}

// TestAccHostileAnswers: with every runner's answers rewritten one way, the
// plan changes nothing and warns about each runner, naming what was wrong;
// the apply rotates no token, and every token in state still works.
func TestAccHostileAnswers(t *testing.T) {
	acctest.PreCheck(t)
	acctest.ParallelOnMock(t)
	g := acctest.NewGitLab(t, acctest.WithRealClock(), acctest.WithSettingsChanges())
	g.UpdateInstanceSettings(t, map[string]any{"group_runner_token_expiration_interval": int64(30 * 24 * time.Hour / time.Second)})
	proxy := acctest.StartProxy(t, g.URL())
	var hostile atomic.Bool
	byRunner := map[string]hostileCase{} // runner id -> its case, filled before hostile is set
	proxy.Rewrite = func(r *http.Request, status int, body []byte) (int, []byte) {
		if !hostile.Load() || status != http.StatusOK {
			return status, body
		}
		return status, []byte(rewriteAnswer(r, string(body), byRunner))
	}
	c := newCLI(t, map[string]string{"main.tf": hostileRunners(proxy.URL, g.OwnerToken(t), g.GroupID(t), g.Name(""))}, nil)
	c.run(false, "apply", "-auto-approve")
	runners, err := acctest.RunnersInStateFile(filepath.Join(c.dir, "terraform.tfstate"), "gitlabrunner_user_runner")
	if err != nil || len(runners) != len(hostileCases) {
		t.Fatalf("after the first apply: %d runners in state, %v", len(runners), err)
	}
	for i, r := range runners { // in the order of count.index
		if r.Attributes["token_current"] != "true" {
			t.Fatalf("%s: token_current = %q after the create, want true: the test proves nothing", r.Address, r.Attributes["token_current"])
		}
		byRunner[r.ID] = hostileCases[i]
	}
	hostile.Store(true)

	actions, warnings := planEvents(t, c.run(false, "plan", "-json"))
	for i, r := range runners {
		tc := hostileCases[i]
		addr := fmt.Sprintf("gitlabrunner_user_runner.fleet[%d]", i)
		if a, ok := actions[addr]; ok {
			t.Errorf("%s: the plan would %s %s", tc.name, a, addr)
		}
		found := false
		for _, w := range warnings {
			if strings.Contains(w, "/runners/"+r.ID+" ") || strings.Contains(w, "runner "+r.ID+" ") || strings.Contains(w, "runner "+r.ID+"'s") {
				found = found || strings.Contains(w, tc.warning)
			}
		}
		if !found {
			t.Errorf("%s: no warning about runner %s saying %q", tc.name, r.ID, tc.warning)
		}
	}
	if !slices.ContainsFunc(warnings, func(w string) bool {
		return strings.Contains(w, "/runners/"+runners[len(runners)-1].ID+" ") && strings.Contains(w, "This data source shows them")
	}) {
		t.Errorf("no warning from the data source about its ambiguous answer")
	}
	if t.Failed() {
		t.Logf("planned actions: %v\nwarnings:\n%s", actions, strings.Join(warnings, "\n"))
	}

	c.run(false, "apply", "-auto-approve")
	if n := g.Stats().Requests("POST /runners/:id/reset_authentication_token"); n != 0 {
		t.Errorf("the apply rotated %d tokens", n)
	}
	hostile.Store(false)
	rep, err := agreeWithStateFile(t, g, c)
	if err != nil || rep.TokensVerified != len(hostileCases) {
		t.Errorf("after the apply: %+v, %v; want every runner as it was and every token verified", rep, err)
	}
	for _, leak := range c.scan(tokensOf(runners)) {
		t.Errorf("a token in %s: %s", leak.where, leak.what)
	}
}

// rewriteAnswer applies the case of the runner an answer is about.
func rewriteAnswer(r *http.Request, body string, byRunner map[string]hostileCase) string {
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v4/runners/"):
		if tc := byRunner[strings.TrimPrefix(r.URL.Path, "/api/v4/runners/")]; tc.details != nil {
			return tc.details(body)
		}
	case r.URL.Path == "/api/graphql":
		var answer struct {
			Data struct {
				Runner struct {
					ID             string  `json:"id"`
					TokenExpiresAt *string `json:"tokenExpiresAt"`
				} `json:"runner"`
			} `json:"data"`
		}
		if json.Unmarshal([]byte(body), &answer) != nil || answer.Data.Runner.TokenExpiresAt == nil {
			return body
		}
		gid := answer.Data.Runner.ID
		if tc := byRunner[gid[strings.LastIndexByte(gid, '/')+1:]]; tc.graphQL != nil {
			return tc.graphQL(gid, *answer.Data.Runner.TokenExpiresAt)
		}
	}
	return body
}

// tokensOf names the runners' tokens, for cli.scan.
func tokensOf(runners []acctest.StateRunner) map[string]string {
	out := map[string]string{}
	for _, r := range runners {
		out["token of runner "+r.ID] = r.Attributes["token"]
	}
	return out
}
