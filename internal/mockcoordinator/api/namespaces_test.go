package api

import (
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func TestGroupAndProjectRunnersToken(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	gpath, ppath := "/groups/"+itoa(s.Group.ID), "/projects/"+itoa(s.Project.ID)

	// 18.6 default: registration tokens disallowed → key present but null for owners
	g := decodeMap(t, e.call("GET", gpath, s.Group.OwnerToken, nil))
	if v, ok := g["runners_token"]; !ok || v != nil {
		t.Fatalf("owner sees runners_token=%v present=%v, want null", v, ok)
	}
	if g["full_path"] != "demo" || g["parent_id"] != nil {
		t.Fatalf("group: %v", g)
	}
	e.st.UpdateSettings(func(st *store.Settings) { st.AllowRunnerRegistrationToken = true })
	if err := e.st.SetGroupAllowRegistrationTokens(s.Group.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetGroupAllowRegistrationTokens(s.Subgroup.ID, true); err == nil {
		t.Fatal("the switch must be refused on a subgroup")
	}
	for _, tc := range []struct {
		name, token, path string
		status            int
		visible           bool
	}{
		{"group owner", s.Group.OwnerToken, gpath, 200, true},
		{"group admin", s.AdminToken, gpath, 200, true},
		{"group maintainer", s.Group.MaintainerToken, gpath, 200, false},
		{"group developer", s.Group.DeveloperToken, gpath, 200, false},
		{"group stranger", s.NonAdminToken, gpath, 404, false},
		{"subgroup owner (inherited)", s.Group.OwnerToken, "/groups/" + itoa(s.Subgroup.ID), 200, true},
		{"project maintainer", s.Project.MaintainerToken, ppath, 200, true},
		{"project via group maintainer", s.Group.MaintainerToken, ppath, 200, true},
		{"project via group owner", s.Group.OwnerToken, ppath, 200, true},
		{"project developer", s.Project.DeveloperToken, ppath, 200, false},
		{"project stranger", s.NonAdminToken, ppath, 404, false},
		{"project by path", s.AdminToken, "/projects/demo%2Fplatform%2Fapp", 200, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.call("GET", tc.path, tc.token, nil)
			expect(t, rec, tc.status, "")
			if tc.status != 200 {
				return
			}
			m := decodeMap(t, rec)
			v, has := m["runners_token"]
			if has != tc.visible {
				t.Fatalf("runners_token present=%v, want %v: %v", has, tc.visible, m)
			}
			if tc.visible {
				if str, _ := v.(string); len(str) < 9 || str[:9] != "GR1348941" {
					t.Fatalf("runners_token = %v", v)
				}
			}
		})
	}
	p := decodeMap(t, e.call("GET", ppath, s.AdminToken, nil))
	ns := p["namespace"].(map[string]any)
	if p["path_with_namespace"] != "demo/platform/app" || ns["full_path"] != "demo/platform" || ns["parent_id"] != float64(s.Group.ID) || ns["kind"] != "group" {
		t.Fatalf("project: %v", p)
	}
	expect(t, e.call("GET", "/groups/9999", s.AdminToken, nil), 404, `{"message":"404 Group Not Found"}`)
	expect(t, e.call("GET", "/projects/9999", s.AdminToken, nil), 404, `{"message":"404 Project Not Found"}`)
	// group switch off again → null for the project too
	_ = e.st.SetGroupAllowRegistrationTokens(s.Group.ID, false)
	if v := decodeMap(t, e.call("GET", ppath, s.AdminToken, nil))["runners_token"]; v != nil {
		t.Fatalf("project runners_token with group switch off = %v", v)
	}
	// before ≈16.0, which started to honour the switches, the token is always shown
	e.st.SetVersion("15.11.0")
	if v := decodeMap(t, e.call("GET", ppath, s.AdminToken, nil))["runners_token"]; v != s.Project.RegistrationToken {
		t.Fatalf("15.11 project runners_token = %v", v)
	}
}

// TestPutGroupSharedRunnersSetting pins PUT /groups/:id for the one runner
// setting GitLab's groups API takes, and that it ignores the registration
// switch GitLab keeps out of every API.
func TestPutGroupSharedRunnersSetting(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	gpath, subpath := "/groups/"+itoa(s.Group.ID), "/groups/"+itoa(s.Subgroup.ID)
	if v := decodeMap(t, e.call("GET", gpath, s.Group.DeveloperToken, nil))["shared_runners_setting"]; v != "enabled" {
		t.Fatalf("default shared_runners_setting = %v", v)
	}
	expect(t, e.call("PUT", gpath, s.Group.MaintainerToken, map[string]any{"shared_runners_setting": "enabled"}), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("PUT", gpath, s.NonAdminToken, map[string]any{"shared_runners_setting": "enabled"}), 404, `{"message":"404 Group Not Found"}`)
	expect(t, e.call("PUT", gpath, s.Group.OwnerToken, map[string]any{"shared_runners_setting": "off"}), 400,
		`{"error":"shared_runners_setting does not have a valid value"}`)

	// allow_runner_registration_token is not a parameter there: ignored.
	rec := e.call("PUT", gpath, s.Group.OwnerToken, map[string]any{"allow_runner_registration_token": true, "name": "ignored"})
	expect(t, rec, 200, "")
	if v := decodeMap(t, rec)["runners_token"]; v != nil {
		t.Fatalf("the group switch changed through the API: runners_token = %v", v)
	}

	rec = e.call("PUT", gpath, s.Group.OwnerToken, map[string]any{"shared_runners_setting": "disabled_and_overridable"})
	expect(t, rec, 200, "")
	if v := decodeMap(t, rec)["shared_runners_setting"]; v != "disabled_and_overridable" {
		t.Fatalf("PUT answer: %v", v)
	}
	expect(t, e.call("PUT", subpath, s.Group.OwnerToken, form{"shared_runners_setting": {"enabled"}}), 200, "")
	// disabled_and_unoverridable cascades to the subgroups, which can then
	// neither enable nor allow overriding.
	expect(t, e.call("PUT", gpath, s.Group.OwnerToken, map[string]any{"shared_runners_setting": "disabled_and_unoverridable"}), 200, "")
	if v := decodeMap(t, e.call("GET", subpath, s.AdminToken, nil))["shared_runners_setting"]; v != "disabled_and_unoverridable" {
		t.Fatalf("subgroup after the parent's change: %v", v)
	}
	expect(t, e.call("PUT", subpath, s.AdminToken, map[string]any{"shared_runners_setting": "enabled"}), 400,
		`{"message":{"update_shared_runners":["Validation failed: Shared runners enabled cannot be enabled because parent group has shared Runners disabled"]}}`)
	expect(t, e.call("PUT", subpath, s.AdminToken, map[string]any{"shared_runners_setting": "disabled_and_overridable"}), 400,
		`{"message":{"update_shared_runners":["Validation failed: Allow descendants override disabled shared runners cannot be enabled because parent group does not allow it"]}}`)
	expect(t, e.call("PUT", gpath, s.AdminToken, map[string]any{"shared_runners_setting": "enabled"}), 200, "")
}

// TestPutProjectRunnerSettings pins PUT /projects/:id for the two runner
// settings GitLab's projects API takes (lib/api/helpers/projects_helpers.rb:
// shared_runners_enabled, group_runners_enabled; lib/api/projects.rb:
// authorize_admin_project, then render_validation_error! for a model
// error), and what GET /projects/:id shows to whom
// (lib/api/entities/project.rb: shared_runners_enabled for every reader,
// group_runners_enabled in its admin_project block).
func TestPutProjectRunnerSettings(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	ppath := "/projects/" + itoa(s.Project.ID)
	dev := decodeMap(t, e.call("GET", ppath, s.Project.DeveloperToken, nil))
	if _, shown := dev["group_runners_enabled"]; shown || dev["shared_runners_enabled"] != true {
		t.Fatalf("a developer's view: %v", dev)
	}
	if m := decodeMap(t, e.call("GET", ppath, s.Project.MaintainerToken, nil)); m["group_runners_enabled"] != true {
		t.Fatalf("a maintainer's view: %v", m)
	}

	expect(t, e.call("PUT", ppath, s.Project.DeveloperToken, map[string]any{"group_runners_enabled": false}), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("PUT", ppath, s.NonAdminToken, map[string]any{"group_runners_enabled": false}), 404, `{"message":"404 Project Not Found"}`)
	expect(t, e.call("PUT", ppath, s.Project.MaintainerToken, map[string]any{"name": "x"}), 400,
		`{"error":"shared_runners_enabled, group_runners_enabled are missing, at least one parameter must be provided"}`)
	expect(t, e.call("PUT", ppath, s.Project.MaintainerToken, map[string]any{"group_runners_enabled": "sometimes"}), 400,
		`{"error":"group_runners_enabled is invalid"}`)

	rec := e.call("PUT", ppath, s.Project.MaintainerToken, form{"shared_runners_enabled": {"false"}, "group_runners_enabled": {"false"}})
	expect(t, rec, 200, "")
	if m := decodeMap(t, rec); m["shared_runners_enabled"] != false || m["group_runners_enabled"] != false {
		t.Fatalf("PUT answer: %v", m)
	}

	// The group turns instance runners off for good: its projects follow
	// (Group#disable_shared_runners!: all_projects.update_all), and turning
	// them on in a project is Project's validation error
	// (app/models/project.rb, changing_shared_runners_enabled_is_allowed).
	expect(t, e.call("PUT", ppath, s.Project.MaintainerToken, map[string]any{"shared_runners_enabled": true}), 200, "")
	expect(t, e.call("PUT", "/groups/"+itoa(s.Group.ID), s.Group.OwnerToken,
		map[string]any{"shared_runners_setting": "disabled_and_unoverridable"}), 200, "")
	for _, p := range s.Projects {
		if v := decodeMap(t, e.call("GET", "/projects/"+itoa(p.ID), s.AdminToken, nil))["shared_runners_enabled"]; v != false {
			t.Fatalf("project %s after the group turned instance runners off: %v", p.PathWithNamespace, v)
		}
	}
	expect(t, e.call("PUT", ppath, s.Project.MaintainerToken, map[string]any{"shared_runners_enabled": true}), 400,
		`{"message":{"shared_runners_enabled":["cannot be enabled because parent group does not allow it"]}}`)
	expect(t, e.call("PUT", ppath, s.Project.MaintainerToken, map[string]any{"shared_runners_enabled": false}), 200, "")

	// disabled_and_overridable lets the project turn them back on.
	expect(t, e.call("PUT", "/groups/"+itoa(s.Subgroup.ID), s.AdminToken, map[string]any{"shared_runners_setting": "disabled_and_overridable"}), 400, "")
	expect(t, e.call("PUT", "/groups/"+itoa(s.Group.ID), s.Group.OwnerToken, map[string]any{"shared_runners_setting": "disabled_and_overridable"}), 200, "")
	expect(t, e.call("PUT", "/groups/"+itoa(s.Subgroup.ID), s.Group.OwnerToken, map[string]any{"shared_runners_setting": "disabled_and_overridable"}), 200, "")
	rec = e.call("PUT", ppath, s.Project.MaintainerToken, map[string]any{"shared_runners_enabled": true})
	expect(t, rec, 200, "")
	if m := decodeMap(t, rec); m["shared_runners_enabled"] != true {
		t.Fatalf("after the group allowed overriding: %v", m)
	}
	expect(t, e.call("PUT", ppath, s.Project.MaintainerToken, map[string]any{"group_runners_enabled": true}), 200, "")
	if _, shown := decodeMap(t, e.call("GET", ppath, s.Project.DeveloperToken, nil))["group_runners_enabled"]; shown {
		t.Fatal("a developer sees group_runners_enabled")
	}
}
