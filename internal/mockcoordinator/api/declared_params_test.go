package api

import (
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// Each endpoint that takes runner attributes reads only the parameters it
// declares; Grape passes undeclared ones through params, but GitLab reads
// declared ones only (attributes_for_keys of the declared keys,
// declared_params), so they change nothing and are no error.

// TestUndeclaredRunnerParamsIgnored: POST /user/runners declares
// maintenance_note but neither maintainer_note nor active
// (lib/api/user_runners.rb); PUT /runners/:id declares maintenance_note and
// active but not maintainer_note, which does not count for its
// at_least_one_of either (lib/api/ci/runners.rb).
func TestUndeclaredRunnerParamsIgnored(t *testing.T) {
	e := newTestEnv(t, "")
	id, _ := e.groupRunner("maintainer_note", "old name", "active", false)
	r, _ := e.st.Runner(id)
	if r.MaintenanceNote != "" || r.Paused {
		t.Fatalf("POST /user/runners applied undeclared parameters: %+v", r.RunnerAttributes)
	}

	path := "/runners/" + itoa(id)
	owner := e.seed.Group.OwnerToken
	expect(t, e.call("PUT", path, owner, map[string]any{"maintainer_note": "old name"}), 400,
		`{"error":"description, active, paused, tag_list, run_untagged, locked, access_level, maximum_timeout, maintenance_note are missing, at least one parameter must be provided"}`)
	expect(t, e.call("PUT", path, owner, map[string]any{"maintainer_note": "old name", "description": "d"}), 200, "")
	if r, _ := e.st.Runner(id); r.MaintenanceNote != "" || r.Description != "d" {
		t.Fatalf("PUT /runners/:id applied maintainer_note: %+v", r.RunnerAttributes)
	}
	// Both names together are no error where only one is declared.
	expect(t, e.call("PUT", path, owner, map[string]any{"maintainer_note": "x", "maintenance_note": "n"}), 200, "")
	if r, _ := e.st.Runner(id); r.MaintenanceNote != "n" {
		t.Fatalf("maintenance_note = %q, want n", r.MaintenanceNote)
	}
}

// TestLegacyRegistrationRunnerNotes: legacy POST /runners declares both
// maintainer_note (deprecated: used when maintenance_note is absent) and
// maintenance_note, and since ≈16.0 `mutually_exclusive :maintainer_note,
// :maintenance_note` (lib/api/ci/runner.rb): 400 {"error":"maintainer_note,
// maintenance_note are mutually exclusive"}. Before, the declaration named
// maintainer_note twice, never fired, and maintenance_note won.
func TestLegacyRegistrationRunnerNotes(t *testing.T) {
	for _, tc := range []struct{ version, bothErrors string }{
		{"", "maintainer_note, maintenance_note are mutually exclusive, active, paused are mutually exclusive"},
		{"16.0.0", "maintainer_note, maintenance_note are mutually exclusive, active, paused are mutually exclusive"},
		{"15.11.0", "active, paused are mutually exclusive"},
	} {
		e := newTestEnv(t, tc.version)
		e.st.UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = true })
		register := func(body map[string]any) *int64 {
			body["token"] = e.seed.InstanceRegistrationToken
			rec := e.call("POST", "/runners", "", body)
			if rec.Code != 201 {
				return nil
			}
			id := int64(decodeMap(t, rec)["id"].(float64))
			return &id
		}
		if id := register(map[string]any{"maintainer_note": "old name"}); id == nil {
			t.Fatalf("%s: maintainer_note alone refused", tc.version)
		} else if r, _ := e.st.Runner(*id); r.MaintenanceNote != "old name" {
			t.Fatalf("%s: maintainer_note not applied: %q", tc.version, r.MaintenanceNote)
		}
		expect(t, e.call("POST", "/runners", "", map[string]any{"token": e.seed.InstanceRegistrationToken,
			"maintainer_note": "old", "maintenance_note": "new", "active": true, "paused": true}), 400, `{"error":"`+tc.bothErrors+`"}`)
		if store.ParseVersion(tc.version).RefusesBothRunnerNotes() {
			continue
		}
		if id := register(map[string]any{"maintainer_note": "old", "maintenance_note": "new"}); id == nil {
			t.Fatalf("%s: both notes refused", tc.version)
		} else if r, _ := e.st.Runner(*id); r.MaintenanceNote != "new" {
			t.Fatalf("%s: both notes kept %q, want maintenance_note's", tc.version, r.MaintenanceNote)
		}
	}
}
