package store

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

const acmeYAML = `# An organisation for module tests.
gitlab_version: 17.4.1-ee
instance:
  allow_runner_registration_token: true
  valid_runner_registrars: [group, project]
  group_runner_token_expiration_interval: 86400
users:
  - username: root
    admin: true
    tokens:
      - token: glpat-acme-admin-0000000
  - username: alice
    tokens:
      - scopes: [api]
      - scopes: [read_api]
  - username: bob
groups:
  - path: acme/platform          # children may come first
    members: {bob: maintainer}
  - path: acme
    allow_runner_registration_token: false
    shared_runners_setting: disabled_and_overridable
    members:
      alice: owner
projects:
  - path: acme/platform/app
  - path: acme/web
    members: {bob: developer}
runners:
  - runner_type: project_type
    project: acme/platform/app
    projects: [acme/web]
    description: shared
    tag_list: [docker, linux]
    run_untagged: false
    maximum_timeout: 3600
  - runner_type: group_type
    group: acme
    token: glrt-acme-group-runner-000
`

func TestParseAndApplySeedFile(t *testing.T) {
	spec, err := ParseSeedFile("acme.yaml", []byte(acmeYAML))
	if err != nil {
		t.Fatal(err)
	}
	st := NewStore(Options{})
	out, err := st.ApplySeed(spec)
	if err != nil {
		t.Fatal(err)
	}
	if st.Version().Raw != "17.4.1-ee" || out.GitLabVersion != "17.4.1-ee" {
		t.Fatalf("version %s", st.Version().Raw)
	}
	s := st.Settings()
	if !s.AllowRunnerRegistrationToken || *s.GroupRunnerTokenExpirationInterval != 86400 || out.Instance.RegistrationToken == "" {
		t.Fatalf("settings %+v", s)
	}
	admin := out.UserToken("root")
	if admin != "glpat-acme-admin-0000000" || !strings.HasPrefix(out.UserToken("alice"), "glpat-") || len(out.Users[1].Tokens[1].Scopes) != 1 {
		t.Fatalf("tokens: %+v", out.Users)
	}
	c, err := st.Authenticate(out.UserToken("alice"), ScopeAPI)
	if err != nil {
		t.Fatal(err)
	}
	// alice owns acme, and so acme/platform; the switch of acme is off.
	g, err := c.Group(NamespaceID{FullPath: "acme/platform"})
	if err != nil || !g.ShowRunnersToken || g.RunnersToken != nil {
		t.Fatalf("acme/platform as alice: %+v %v", g, err)
	}
	if top, _ := c.Group(NamespaceID{ID: out.GroupID("acme")}); top.SharedRunnersSetting != "disabled_and_overridable" {
		t.Fatalf("acme: %+v", top)
	}
	r, ok := st.Runner(out.Runners[0].ID)
	if !ok || !slices.Equal(r.ProjectIDs, []int64{out.ProjectID("acme/platform/app"), out.ProjectID("acme/web")}) ||
		r.Description != "shared" || r.RunUntagged || *r.MaximumTimeout != 3600 || !strings.HasPrefix(r.Token, "glrt-") {
		t.Fatalf("runner %+v", r)
	}
	if r2, _ := st.Runner(out.Runners[1].ID); r2.Token != "glrt-acme-group-runner-000" || r2.GroupID != out.GroupID("acme") ||
		r2.TokenExpiresAt == nil {
		t.Fatalf("group runner %+v", r2)
	}
	// The same description as JSON (tabs and all) gives the same organisation.
	raw, _ := json.MarshalIndent(spec, "", "\t")
	again, err := ParseSeedFile("acme.json", raw)
	if err != nil {
		t.Fatalf("JSON: %v\n%s", err, raw)
	}
	if again.Runners[0].Attributes["description"] != "shared" || again.Groups[1].Members["alice"] != "owner" {
		t.Fatalf("JSON round trip: %+v", again)
	}
	if applied := st.AppliedSeed(); applied == nil || applied.Runners[1].ID != out.Runners[1].ID {
		t.Fatal("AppliedSeed")
	}
}

// Every mistake names the file, the line and the field.
func TestSeedFileErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"users:\n  - username: a\n    tokenz: []\n", `x.yaml:3: unknown key "tokenz" in a user; allowed: username, admin, tokens`},
		{"users:\n  - username: a\n    admin: perhaps\n", "x.yaml:3: cannot unmarshal !!str `perhaps` into bool"},
		{"users: [\n", "x.yaml:"},
		{"users:\n  - username: a\n    tokens:\n      - scopes: [write]\n", `x.yaml:4: users[0].tokens[0].scopes: "write" is not a scope`},
		{"users:\n  - username: a\ngroups:\n  - path: acme\n    members: {a: boss}\n", `x.yaml:5: groups[0].members.a: role "boss" is not one of developer, maintainer, owner`},
		{"groups:\n  - path: acme/platform\n", `x.yaml:2: groups[0].path: the parent group "acme" is not listed`},
		{"groups:\n  - path: acme\n  - path: acme/sub\n    allow_runner_registration_token: true\n", "x.yaml:4: groups[1].allow_runner_registration_token: only top-level groups"},
		{"groups:\n  - path: acme\nprojects:\n  - path: other/app\n", `x.yaml:4: projects[0].path: the group "other" is not listed`},
		{"runners:\n  - runner_type: project_type\n    project: nowhere\n", `x.yaml:3: runners[0].project: "nowhere" is not listed`},
		{"runners:\n  - runner_type: instance_type\n    colour: red\n", `x.yaml:3: runners[0].colour: is not a runner attribute`},
		{"runners:\n  - runner_type: instance_type\n    run_untagged: false\n", `x.yaml:2: runners[0].tags_list: can not be empty when runner is not allowed to pick untagged jobs`},
		{"runners:\n  - runner_type: instance_type\n    maximum_timeout: 60\n", `x.yaml:3: runners[0].maximum_timeout: needs to be at least 10 minutes`},
		{"instance:\n  valid_runner_registrars: [admins]\n", "x.yaml:2: instance.valid_runner_registrars"},
		{"gitlab_version: latest\n", `x.yaml:1: gitlab_version: "latest" is not a GitLab version`},
		{"", "x.yaml: the file is empty"},
	} {
		_, err := ParseSeedFile("x.yaml", []byte(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.file, err, tc.want)
		}
	}
}

// A description in Go (as acctest.WithSeed takes it) is checked the same way.
func TestApplySeedRefusesInvalid(t *testing.T) {
	st := NewStore(Options{})
	st.SeedDefaults()
	_, err := st.ApplySeed(SeedSpec{Users: []SeedUser{{Username: "a"}, {Username: "a"}}})
	if err == nil || !strings.Contains(err.Error(), `users[1].username: "a" is listed twice`) {
		t.Fatalf("err = %v", err)
	}
	if st.Seed().AdminToken == "" {
		t.Fatal("an invalid description changed the store")
	}
}

// The state file keeps the organisation, so a restarted mock prints it again.
func TestSnapshotKeepsAppliedSeed(t *testing.T) {
	spec, err := ParseSeedFile("acme.yaml", []byte(acmeYAML))
	if err != nil {
		t.Fatal(err)
	}
	st := NewStore(Options{})
	out, err := st.ApplySeed(spec)
	if err != nil {
		t.Fatal(err)
	}
	data, err := st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := NewStore(Options{})
	if err := restored.Restore(data); err != nil {
		t.Fatal(err)
	}
	if got := restored.AppliedSeed(); got == nil || got.UserToken("alice") != out.UserToken("alice") || got.Runners[0].ID != out.Runners[0].ID {
		t.Fatalf("restored seed: %+v", got)
	}
	if _, err := restored.Authenticate(out.UserToken("alice"), ScopeAPI); err != nil {
		t.Fatalf("restored token: %v", err)
	}
}

// TestSeedSwitchesRunnerControllersOff: runner controllers are licensed by
// default, also under a seed; instance.runner_controllers_licensed: false
// takes the licence's ci_runner_controllers feature away, and a later seed
// without it restores the default.
func TestSeedSwitchesRunnerControllersOff(t *testing.T) {
	st := NewStore(Options{Version: "19.1.0-ee"})
	spec, err := ParseSeedFile("off.yaml", []byte("instance:\n  runner_controllers_licensed: false\nusers:\n  - username: root\n    admin: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !st.RunnerControllersLicensed() {
		t.Fatal("a fresh store should have runner controllers licensed")
	}
	if _, err := st.ApplySeed(spec); err != nil {
		t.Fatal(err)
	}
	if st.RunnerControllersLicensed() {
		t.Fatal("runner_controllers_licensed: false was not applied")
	}
	if _, err := st.ApplySeed(SeedSpec{Users: []SeedUser{{Username: "root", Admin: true}}}); err != nil {
		t.Fatal(err)
	}
	if !st.RunnerControllersLicensed() {
		t.Fatal("a seed without the key should leave runner controllers licensed")
	}
}
