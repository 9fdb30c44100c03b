package api

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// pruningQuery and pruningMutation are the provider's client's requests.
const (
	pruningQuery    = `query groupRunnerSettings($fullPath: ID!) { group(fullPath: $fullPath) { id allowStaleRunnerPruning } }`
	pruningMutation = `mutation groupRunnerSettingsUpdate($input: NamespaceCiCdSettingsUpdateInput!) { ` +
		`namespaceCiCdSettingsUpdate(input: $input) { ciCdSettings { allowStaleRunnerPruning } errors } }`
)

func pruningRead(fullPath string) map[string]any {
	return map[string]any{"query": pruningQuery, "variables": map[string]any{"fullPath": fullPath}}
}

// pruningOn turns a group's stale runner pruning on.
func pruningOn(fullPath string) map[string]any {
	return map[string]any{"query": pruningMutation, "variables": map[string]any{"input": map[string]any{"fullPath": fullPath, "allowStaleRunnerPruning": true}}}
}

// TestGraphQLStaleRunnerPruning pins a group's stale runner pruning, which
// GitLab has in GraphQL only: Group.allowStaleRunnerPruning
// (ee/app/graphql/ee/types/group_type.rb, Boolean!, default false) and
// namespaceCiCdSettingsUpdate
// (ee/app/graphql/mutations/ci/namespace_ci_cd_settings_update.rb:
// authorize :admin_namespace, authorized_find!), whose request spec
// (ee/spec/requests/api/graphql/mutations/ci/namespace_ci_cd_settings_update_spec.rb)
// refuses non-members and members below Owner with an error, and lets an
// Owner set it. The refusal is GitLab's RESOURCE_ACCESS_ERROR
// (lib/gitlab/graphql/authorize/authorize_resource.rb) with data null.
func TestGraphQLStaleRunnerPruning(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	gid := `"gid://gitlab/Group/` + itoa(s.Group.ID) + `"`
	read := func(token, want string) {
		t.Helper()
		expect(t, e.graphQL(token, pruningRead("demo")), 200, want)
	}
	read(s.Group.DeveloperToken, `{"data":{"group":{"id":`+gid+`,"allowStaleRunnerPruning":false}}}`)
	read(s.NonAdminToken, `{"data":{"group":null}}`)
	read("", `{"data":{"group":null}}`)

	refused := `{"data":{"namespaceCiCdSettingsUpdate":null},"errors":[{"message":"` + resourceAccessError +
		`","locations":[{"line":1,"column":81}],"path":["namespaceCiCdSettingsUpdate"]}]}`
	for name, token := range map[string]string{"maintainer": s.Group.MaintainerToken, "stranger": s.NonAdminToken,
		"read_api owner": s.ReadAPIToken, "anonymous": ""} {
		if rec := e.graphQL(token, pruningOn("demo")); rec.Code != 200 || !jsonEqual(t, rec.Body.String(), refused) {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body.String())
		}
	}
	expect(t, e.graphQL(s.Group.OwnerToken, pruningOn("demo")), 200,
		`{"data":{"namespaceCiCdSettingsUpdate":{"ciCdSettings":{"allowStaleRunnerPruning":true},"errors":[]}}}`)
	read(s.Group.DeveloperToken, `{"data":{"group":{"id":`+gid+`,"allowStaleRunnerPruning":true}}}`)
	expect(t, e.graphQL(s.AdminToken, pruningOn("demo/platform")), 200, "")
	read(s.Group.OwnerToken, `{"data":{"group":{"id":`+gid+`,"allowStaleRunnerPruning":true}}}`)

	// The input as an object literal, with clientMutationId echoed.
	expect(t, e.graphQL(s.Group.OwnerToken, map[string]any{"query": `mutation { namespaceCiCdSettingsUpdate(input: ` +
		`{fullPath: "demo", allowStaleRunnerPruning: false, clientMutationId: "m1"}) { clientMutationId ciCdSettings { allowStaleRunnerPruning } } }`}),
		200, `{"data":{"namespaceCiCdSettingsUpdate":{"clientMutationId":"m1","ciCdSettings":{"allowStaleRunnerPruning":false}}}}`)
}

// TestGraphQLStaleRunnerPruningErrors: graphql-ruby's validation of the
// mutation's input, and the schema by edition and version (the stale group
// runner cleanup shipped in EE 15.1; CE has neither field).
func TestGraphQLStaleRunnerPruningErrors(t *testing.T) {
	e := newTestEnv(t, "")
	q := func(query string, vars map[string]any) map[string]any {
		return map[string]any{"query": query, "variables": vars}
	}
	for _, c := range []struct {
		name string
		body any
		want string
	}{
		{"unknown input field", q(pruningMutation, map[string]any{"input": map[string]any{"fullPath": "demo", "prune": true}}),
			"Variable $input of type NamespaceCiCdSettingsUpdateInput! was provided invalid value for prune (Field is not defined on NamespaceCiCdSettingsUpdateInput)"},
		{"no fullPath", q(pruningMutation, map[string]any{"input": map[string]any{"allowStaleRunnerPruning": true}}),
			"provided invalid value for fullPath (Expected value to not be null)"},
		{"not a boolean", q(pruningMutation, map[string]any{"input": map[string]any{"fullPath": "demo", "allowStaleRunnerPruning": "yes"}}),
			`provided invalid value for allowStaleRunnerPruning (Could not coerce value "yes" to Boolean)`},
		{"null input", q(pruningMutation, map[string]any{"input": nil}), "Variable $input of type NamespaceCiCdSettingsUpdateInput! was provided invalid value"},
		{"literal unknown field", q(`mutation { namespaceCiCdSettingsUpdate(input: {fullPath: "demo", prune: true}) { errors } }`, nil),
			"InputObject 'NamespaceCiCdSettingsUpdateInput' doesn't accept argument 'prune'"},
		{"literal no fullPath", q(`mutation { namespaceCiCdSettingsUpdate(input: {allowStaleRunnerPruning: true}) { errors } }`, nil),
			"Argument 'fullPath' on InputObject 'NamespaceCiCdSettingsUpdateInput' is required. Expected type ID!"},
		{"literal not a boolean", q(`mutation { namespaceCiCdSettingsUpdate(input: {fullPath: "demo", allowStaleRunnerPruning: "yes"}) { errors } }`, nil),
			`Argument 'allowStaleRunnerPruning' on InputObject 'NamespaceCiCdSettingsUpdateInput' has an invalid value ("yes"). Expected type 'Boolean'.`},
		{"no input", q(`mutation { namespaceCiCdSettingsUpdate { errors } }`, nil), "Field 'namespaceCiCdSettingsUpdate' is missing required arguments: input"},
		{"unknown payload field", q(`mutation { namespaceCiCdSettingsUpdate(input: {fullPath: "demo"}) { namespace } }`, nil),
			"Field 'namespace' doesn't exist on type 'NamespaceCiCdSettingsUpdatePayload'"},
		{"wrong variable type", q(`query($p: String!) { group(fullPath: $p) { id } }`, map[string]any{"p": "demo"}),
			"Type mismatch on variable $p and argument fullPath (String! / ID!)"},
	} {
		rec := e.graphQL(e.seed.AdminToken, c.body)
		expect(t, rec, 200, "")
		m := decodeMap(t, rec)
		errs, _ := m["errors"].([]any)
		if _, hasData := m["data"]; hasData || len(errs) != 1 {
			t.Errorf("%s: want one error and no data, got %s", c.name, rec.Body.String())
			continue
		}
		if msg, _ := errs[0].(map[string]any)["message"].(string); !strings.Contains(msg, c.want) {
			t.Errorf("%s: message %q, want it to contain %q", c.name, msg, c.want)
		}
	}

	for _, version := range []string{"18.6.0", "15.0.0-ee"} {
		old := newTestEnv(t, version)
		for _, c := range []struct {
			body any
			want string
		}{
			{pruningRead("demo"), `{"errors":[{"message":"Field 'allowStaleRunnerPruning' doesn't exist on type 'Group'",` +
				`"locations":[{"line":1,"column":77}],"path":["query groupRunnerSettings","group","allowStaleRunnerPruning"],` +
				`"extensions":{"code":"undefinedField","typeName":"Group","fieldName":"allowStaleRunnerPruning"}}]}`},
			{pruningOn("demo"), `{"errors":[{"message":"Field 'namespaceCiCdSettingsUpdate' doesn't exist on type 'Mutation'",` +
				`"locations":[{"line":1,"column":81}],"path":["mutation groupRunnerSettingsUpdate","namespaceCiCdSettingsUpdate"],` +
				`"extensions":{"code":"undefinedField","typeName":"Mutation","fieldName":"namespaceCiCdSettingsUpdate"}}]}`},
		} {
			rec := old.graphQL(old.seed.AdminToken, c.body)
			if rec.Code != 200 || !jsonEqual(t, rec.Body.String(), c.want) {
				t.Errorf("%s: %s", version, rec.Body.String())
			}
		}
	}
	recent := newTestEnv(t, "15.1.0-ee")
	expect(t, recent.graphQL(recent.seed.Group.OwnerToken, pruningOn("demo")), 200,
		`{"data":{"namespaceCiCdSettingsUpdate":{"ciCdSettings":{"allowStaleRunnerPruning":true},"errors":[]}}}`)
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("not JSON: %s", got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %s", want)
	}
	return reflect.DeepEqual(g, w)
}
