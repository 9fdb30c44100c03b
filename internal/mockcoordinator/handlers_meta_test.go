package mockcoordinator

import (
	"net/http"
	"testing"
)

func TestSettings(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	expect(t, e.call("GET", "/application/settings", "", nil), 401, `{"message":"401 Unauthorized"}`)
	expect(t, e.call("GET", "/application/settings", s.Group.OwnerToken, nil), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("PUT", "/application/settings", s.Group.OwnerToken, map[string]any{"allow_runner_registration_token": true}), 403, `{"message":"403 Forbidden"}`)
	m := decodeMap(t, e.call("GET", "/application/settings", s.AdminToken, nil))
	if m["allow_runner_registration_token"] != false || m["runner_token_expiration_interval"] != nil {
		t.Fatalf("18.6 defaults: %v", m)
	}
	if r := m["valid_runner_registrars"].([]any); len(r) != 2 || r[0] != "group" || r[1] != "project" {
		t.Fatalf("valid_runner_registrars = %v", r)
	}
	rec := e.call("PUT", "/application/settings", s.AdminToken, map[string]any{
		"allow_runner_registration_token": true, "valid_runner_registrars": []string{"project"},
		"runner_token_expiration_interval": 7200, "group_runner_token_expiration_interval": 86400,
	})
	expect(t, rec, 200, "")
	m = decodeMap(t, rec)
	if m["allow_runner_registration_token"] != true || m["runner_token_expiration_interval"] != float64(7200) ||
		m["group_runner_token_expiration_interval"] != float64(86400) || m["project_runner_token_expiration_interval"] != nil {
		t.Fatalf("after PUT: %v", m)
	}
	got := e.st.Settings()
	if !got.AllowRunnerRegistrationToken || len(got.ValidRunnerRegistrars) != 1 || *got.RunnerTokenExpirationInterval != 7200 {
		t.Fatalf("store settings: %+v", got)
	}
	// null clears an interval; form encoding works
	rec = e.call("PUT", "/application/settings", s.AdminToken, `{"runner_token_expiration_interval": null}`)
	if decodeMap(t, rec)["runner_token_expiration_interval"] != nil {
		t.Fatalf("interval not cleared: %s", rec.Body.String())
	}
	expect(t, e.call("PUT", "/application/settings", s.AdminToken, form{"allow_runner_registration_token": {"false"}}), 200, "")
	if e.st.Settings().AllowRunnerRegistrationToken {
		t.Fatal("form PUT ignored")
	}
	expect(t, e.call("PUT", "/application/settings", s.AdminToken, map[string]any{"runner_token_expiration_interval": 60}), 400,
		`{"message":{"runner_token_expiration_interval":["must be greater than or equal to 7200"]}}`)
	expect(t, e.call("PUT", "/application/settings", s.AdminToken, map[string]any{"valid_runner_registrars": []string{"instance"}}), 400,
		`{"message":{"valid_runner_registrars":["is invalid"]}}`)
	expect(t, e.call("PUT", "/application/settings", s.AdminToken, map[string]any{"allow_runner_registration_token": "perhaps"}), 400,
		`{"error":"allow_runner_registration_token is invalid"}`)
	expect(t, e.call("PUT", "/application/settings", s.ReadAPIToken, map[string]any{"allow_runner_registration_token": true}), 403, "")
}

func TestSettingsVersionEmulation(t *testing.T) {
	for _, tc := range []struct {
		version string
		hasKey  bool
		value   bool
	}{
		{"15.9.0", false, false},
		{"16.5.0", false, false},
		{"16.11.0", true, true},
		{"16.11.3-ee", true, true},
		{"17.0.0", true, false},
		{"18.6.0-ee", true, false},
	} {
		e := newTestEnv(t, tc.version)
		m := decodeMap(t, e.call("GET", "/application/settings", e.seed.AdminToken, nil))
		v, has := m["allow_runner_registration_token"]
		if has != tc.hasKey || (has && v != tc.value) {
			t.Fatalf("%s: allow_runner_registration_token present=%v value=%v", tc.version, has, v)
		}
	}
}

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
	e.st.UpdateSettings(func(st *Settings) { st.AllowRunnerRegistrationToken = true })
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
	// before 16.11 the token is always shown
	e.st.SetVersion("16.5.0")
	if v := decodeMap(t, e.call("GET", ppath, s.AdminToken, nil))["runners_token"]; v != s.Project.RegistrationToken {
		t.Fatalf("16.5 project runners_token = %v", v)
	}
}

func TestVersionAndMetadata(t *testing.T) {
	e := newTestEnv(t, "")
	for _, path := range []string{"/version", "/metadata"} {
		expect(t, e.call("GET", path, "", nil), 401, `{"message":"401 Unauthorized"}`)
		m := decodeMap(t, e.call("GET", path, e.seed.ReadAPIToken, nil))
		if m["version"] != "18.6.0-ee" || m["enterprise"] != true || len(m["revision"].(string)) != 11 {
			t.Fatalf("%s: %v", path, m)
		}
		kas := m["kas"].(map[string]any)
		if kas["enabled"] != false || kas["externalUrl"] != nil {
			t.Fatalf("kas: %v", kas)
		}
	}
	e.st.SetVersion("17.4.1")
	m := decodeMap(t, e.call("GET", "/metadata", e.seed.AdminToken, nil))
	if m["version"] != "17.4.1" || m["enterprise"] != false {
		t.Fatalf("CE metadata: %v", m)
	}
}

func TestUnknownRoutes(t *testing.T) {
	e := newTestEnv(t, "")
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v4/nothing"}, {"PATCH", "/api/v4/runners/1"}, {"GET", "/runners"}, {"GET", "/api/v4/runners/1/jobs"},
	} {
		req := newRawRequest(c.method, c.path)
		rec := serve(e.h, req)
		expect(t, rec, http.StatusNotFound, `{"error":"404 Not Found"}`)
	}
}

func TestCurrentUser(t *testing.T) {
	e := newTestEnv(t, "")
	m := decodeMap(t, e.call("GET", "/user", e.seed.AdminToken, nil))
	if m["username"] != "root" || m["is_admin"] != true {
		t.Fatalf("user: %v", m)
	}
}
