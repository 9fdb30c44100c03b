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
