// Package compare runs one scripted scenario of runner API requests against
// a GitLab and against the mock coordinator, and lists how their answers
// differ: status codes, keys, value types, the values the scenario decides
// and error messages, with ids, tokens, times and addresses normalised. It is
// `mock-coordinator compare`, the maintainer's check of the mock's fidelity
// after every GitLab release.
package compare

import (
	"fmt"
	"strings"
)

// The roles a step's request is sent as.
const (
	asAdmin    = "admin"     // GITLAB_TOKEN / the seed's administrator
	asNonAdmin = "non-admin" // GITLABRUNNER_TEST_NON_ADMIN_TOKEN / the seed's plain user
	asRunner   = "runner"    // no user token: the runner's token is in the body
)

// What a step needs of the GitLab besides a token.
const (
	needsGroup    = "group"
	needsProjects = "projects"
	needsNonAdmin = "non-admin"
)

// step is one request of the scenario. Path and Body may name what earlier
// steps captured and the scenario's parameters: {group}, {project0},
// {project1}, {tag}, {prefix}, {runner:NAME}, {token:NAME}, {unknown}.
type step struct {
	name   string
	method string
	path   string
	as     string
	body   map[string]any
	needs  []string
	// capture names the runner an answer's id (and token) belong to.
	capture string
	// token replaces the captured token of a runner (a reset).
	token string
	// values are the keys whose values the scenario decides: compared
	// after normalisation (other keys: presence and type only).
	values []string
	// only restricts the comparison to these keys of an object answer
	// (settings, groups and projects have many unrelated keys).
	only []string
	// headers are answer headers compared by value (pagination).
	headers []string
}

// runnerValues are the keys of a runner whose values the scenario decides.
var runnerValues = []string{"description", "paused", "active", "locked", "run_untagged", "tag_list", "access_level",
	"maximum_timeout", "maintenance_note", "runner_type", "is_shared", "status", "online", "projects", "groups"}

// pageHeaders are GitLab's offset pagination headers.
var pageHeaders = []string{"X-Page", "X-Per-Page", "X-Next-Page", "X-Prev-Page"}

// scenario is the script. Every runner it creates carries the prefix and
// the tag, so that lists show only the scenario's runners and the sweeper
// finds what an interrupted run left.
func scenario() []step {
	listed := []string{"id"}
	create := func(name, kind string, extra map[string]any, needs ...string) step {
		body := map[string]any{"runner_type": kind, "description": "{prefix}" + name, "tag_list": []any{"{tag}", "linux"}}
		for k, v := range extra {
			body[k] = v
		}
		return step{name: "create the " + name + " runner", method: "POST", path: "/user/runners", as: asAdmin, body: body,
			needs: needs, capture: name, values: []string{"id"}}
	}
	read := func(name string, needs ...string) step {
		return step{name: "read the " + name + " runner", method: "GET", path: "/runners/{runner:" + name + "}", as: asAdmin,
			needs: needs, values: runnerValues}
	}
	list := func(name, path, query string, needs ...string) step {
		return step{name: name, method: "GET", path: path + "?" + query, as: asAdmin, needs: needs, values: listed, headers: pageHeaders}
	}
	// tagged is a query of the scenario's tag and filters, "k=v" each
	// (plain values: no escaping needed).
	tagged := func(filters ...string) string {
		return strings.Join(append([]string{"tag_list={tag}"}, filters...), "&")
	}
	return []step{
		{name: "the version", method: "GET", path: "/version", as: asAdmin, values: []string{"version"}},
		create("instance", "instance_type", map[string]any{"run_untagged": false}),
		create("group", "group_type", map[string]any{"group_id": "{group}"}, needsGroup),
		create("project", "project_type", map[string]any{"project_id": "{project0}"}, needsProjects),
		read("instance"), read("group", needsGroup), read("project", needsProjects),

		list("list every runner of the scenario", "/runners/all", tagged()),
		list("list with a type filter", "/runners/all", tagged("type=group_type"), needsGroup),
		list("list a page of one runner", "/runners/all", tagged("per_page=1", "page=2")),
		list("list with a paused filter", "/runners/all", tagged("paused=true")),
		list("list with a status filter", "/runners/all", tagged("status=never_contacted")),
		list("list the group's runners", "/groups/{group}/runners", tagged("type=group_type"), needsGroup),
		list("list the project's runners", "/projects/{project0}/runners", tagged("type=project_type"), needsProjects),
		list("list the owned runners", "/runners", tagged()),

		{name: "update the instance runner", method: "PUT", path: "/runners/{runner:instance}", as: asAdmin, values: runnerValues,
			body: map[string]any{"description": "{prefix}instance updated", "paused": true, "locked": true, "maximum_timeout": 3600,
				"access_level": "ref_protected", "maintenance_note": "compare", "tag_list": []any{"{tag}", "docker"}, "run_untagged": true}},
		read("instance"),
		list("list with a paused filter, after the update", "/runners/all", tagged("paused=true")),

		{name: "reset the instance runner's token", method: "POST", path: "/runners/{runner:instance}/reset_authentication_token",
			as: asAdmin, token: "instance"},
		{name: "verify the reset token with a system_id", method: "POST", path: "/runners/verify", as: asRunner, values: []string{"id"},
			body: map[string]any{"token": "{token:instance}", "system_id": "s_compare0001", "info": runnerInfo()}},
		{name: "verify the token from before the reset", method: "POST", path: "/runners/verify", as: asRunner,
			body: map[string]any{"token": "{token:instance:old}", "system_id": "s_compare0001", "info": runnerInfo()}},
		{name: "ask for a job", method: "POST", path: "/jobs/request", as: asRunner,
			body: map[string]any{"token": "{token:instance}", "system_id": "s_compare0001", "info": runnerInfo()}},
		{name: "list the managers", method: "GET", path: "/runners/{runner:instance}/managers", as: asAdmin,
			values: []string{"system_id", "status", "version", "platform", "architecture"}},
		read("instance"),

		{name: "assign the project runner to the second project", method: "POST", path: "/projects/{project1}/runners", as: asAdmin,
			body: map[string]any{"runner_id": "{runner:project}"}, needs: []string{needsProjects}, values: []string{"id"}},
		list("list the second project's runners", "/projects/{project1}/runners", tagged(), needsProjects),
		read("project", needsProjects),
		{name: "unassign it from the second project", method: "DELETE", path: "/projects/{project1}/runners/{runner:project}",
			as: asAdmin, needs: []string{needsProjects}},

		{name: "the instance's settings", method: "GET", path: "/application/settings", as: asAdmin, only: settingsKeys},
		{name: "the group's settings", method: "GET", path: "/groups/{group}", as: asAdmin, needs: []string{needsGroup},
			only: []string{"id", "shared_runners_setting", "runners_token", "allow_runner_registration_token"}},
		{name: "the project's settings", method: "GET", path: "/projects/{project0}", as: asAdmin, needs: []string{needsProjects},
			only: []string{"id", "shared_runners_enabled", "group_runners_enabled", "runners_token"}},

		{name: "refused: an unknown runner type", method: "POST", path: "/user/runners", as: asAdmin,
			body: map[string]any{"runner_type": "bogus_type", "description": "{prefix}refused"}},
		{name: "refused: a group runner without group_id", method: "POST", path: "/user/runners", as: asAdmin,
			body: map[string]any{"runner_type": "group_type", "description": "{prefix}refused"}},
		{name: "refused: an unknown access_level", method: "PUT", path: "/runners/{runner:instance}", as: asAdmin,
			body: map[string]any{"access_level": "sometimes"}},
		{name: "refused: an update without a parameter", method: "PUT", path: "/runners/{runner:instance}", as: asAdmin, body: map[string]any{}},
		{name: "refused: an unknown runner", method: "GET", path: "/runners/{unknown}", as: asAdmin},
		{name: "refused: the owner project's assignment", method: "DELETE", path: "/projects/{project0}/runners/{runner:project}",
			as: asAdmin, needs: []string{needsProjects}},
		{name: "refused: an unknown project", method: "POST", path: "/projects/{unknown}/runners", as: asAdmin,
			body: map[string]any{"runner_id": "{runner:instance}"}},
		{name: "refused: an invalid runner token", method: "POST", path: "/runners/verify", as: asRunner,
			body: map[string]any{"token": "glrt-compare-invalid-token-0000", "info": runnerInfo()}},
		{name: "refused: an instance runner for a non-administrator", method: "POST", path: "/user/runners", as: asNonAdmin,
			body: map[string]any{"runner_type": "instance_type", "description": "{prefix}refused"}, needs: []string{needsNonAdmin}},
		{name: "refused: every runner for a non-administrator", method: "GET", path: "/runners/all", as: asNonAdmin, needs: []string{needsNonAdmin}},
		{name: "refused: a group's runner for a non-member", method: "GET", path: "/runners/{runner:group}", as: asNonAdmin,
			needs: []string{needsNonAdmin, needsGroup}},
		{name: "refused: deleting a group's runner as a non-member", method: "DELETE", path: "/runners/{runner:group}", as: asNonAdmin,
			needs: []string{needsNonAdmin, needsGroup}},

		{name: "delete the project runner", method: "DELETE", path: "/runners/{runner:project}", as: asAdmin, needs: []string{needsProjects}},
		{name: "delete the group runner", method: "DELETE", path: "/runners/{runner:group}", as: asAdmin, needs: []string{needsGroup}},
		{name: "delete the instance runner", method: "DELETE", path: "/runners/{runner:instance}", as: asAdmin},
		{name: "read a deleted runner", method: "GET", path: "/runners/{runner:instance}", as: asAdmin},
	}
}

// settingsKeys are the application settings about runners.
var settingsKeys = []string{"allow_runner_registration_token", "valid_runner_registrars", "runner_token_expiration_interval",
	"group_runner_token_expiration_interval", "project_runner_token_expiration_interval", "shared_runners_enabled"}

// runnerInfo is what gitlab-runner sends about itself.
func runnerInfo() map[string]any {
	return map[string]any{"name": "gitlab-runner", "version": "18.6.0", "revision": "compare0",
		"platform": "linux", "architecture": "amd64", "executor": "shell"}
}

// String names the step in the report.
func (s step) String() string { return fmt.Sprintf("%s (%s %s)", s.name, s.method, s.path) }
