package api

import "testing"

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
	// GitLab documents a 7200 s minimum but validates none (its request spec PUTs 3600).
	rec = e.call("PUT", "/application/settings", s.AdminToken, map[string]any{"runner_token_expiration_interval": 3600})
	expect(t, rec, 200, "")
	if decodeMap(t, rec)["runner_token_expiration_interval"] != float64(3600) {
		t.Fatalf("3600 refused: %s", rec.Body.String())
	}
	// int4 column: a value beyond it makes Rails raise (≈ 500).
	expect(t, e.call("PUT", "/application/settings", s.AdminToken, map[string]any{"group_runner_token_expiration_interval": int64(1) << 31}), 500,
		`{"message":"500 Internal Server Error"}`)
	for body, msg := range map[string]string{
		`{"valid_runner_registrars":["instance"]}`:                `[\"instance\"] is not included in the list`,
		`{"valid_runner_registrars":["project","project"]}`:       `[\"project\", \"project\"] is not included in the list`,
		`{"valid_runner_registrars":["group","project","group"]}`: `[\"group\", \"project\", \"group\"] is not included in the list`,
	} {
		expect(t, e.call("PUT", "/application/settings", s.AdminToken, body), 400,
			`{"message":{"valid_runner_registrars":["`+msg+`"]}}`)
	}
	for _, l := range [][]string{{}, {"project"}, {"group"}, {"project", "group"}, {"group", "project"}} {
		rec := e.call("PUT", "/application/settings", s.AdminToken, map[string]any{"valid_runner_registrars": l})
		expect(t, rec, 200, "")
		if got := decodeMap(t, rec)["valid_runner_registrars"].([]any); len(got) != len(l) {
			t.Fatalf("%v stored as %v", l, got)
		}
	}
	expect(t, e.call("PUT", "/application/settings", s.AdminToken, map[string]any{"valid_runner_registrars": "project"}), 400,
		`{"error":"valid_runner_registrars is invalid"}`)
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
		{"15.7.0", false, false},
		{"15.9.0", true, true},
		{"16.5.0", true, true},
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

// TestSettingsAbsentBeforeTheirVersion: a setting the emulated version does
// not have is neither shown nor changed (Grape drops undeclared parameters).
func TestSettingsAbsentBeforeTheirVersion(t *testing.T) {
	e := newTestEnv(t, "14.7.0")
	rec := e.call("PUT", "/application/settings", e.seed.AdminToken, map[string]any{
		"allow_runner_registration_token": false, "runner_token_expiration_interval": 7200, "valid_runner_registrars": []string{"group"}})
	expect(t, rec, 200, "")
	m := decodeMap(t, rec)
	for _, key := range []string{"allow_runner_registration_token", "runner_token_expiration_interval", "group_runner_token_expiration_interval"} {
		if _, has := m[key]; has {
			t.Errorf("14.7 shows %s: %v", key, m)
		}
	}
	got := e.st.Settings()
	if !got.AllowRunnerRegistrationToken || got.RunnerTokenExpirationInterval != nil || len(got.ValidRunnerRegistrars) != 1 {
		t.Fatalf("14.7 stored %+v", got)
	}
}
