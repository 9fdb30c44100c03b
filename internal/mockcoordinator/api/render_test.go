package api

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// TestJSONWriterMatchesEncodingJSON: the writer's documents decode to what
// encoding/json makes of the same values, for strings that need escaping too.
func TestJSONWriterMatchesEncodingJSON(t *testing.T) {
	timeout := int64(900)
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnewline\n\x00\x1f", "<b>&amp;</b>", "Grüße ✓ 😀", "bad \xff utf-8", "\u2028\u2029"} {
		w := &jsonWriter{}
		w.beginObject()
		w.key("s").string(s)
		w.key("null").stringOrNull("")
		w.key("n").integerOrNull(&timeout)
		w.key("none").integerOrNull(nil)
		w.key("b").boolean(true)
		w.key("l").strings([]string{s, "x"})
		w.key("empty").strings([]string{})
		w.endObject()
		var got any
		if err := json.Unmarshal(w.b, &got); err != nil {
			t.Fatalf("%q: not JSON: %v: %s", s, err, w.b)
		}
		want := map[string]any{"s": s, "null": nil, "n": timeout, "none": nil, "b": true, "l": []string{s, "x"}, "empty": []string{}}
		raw, _ := json.Marshal(want)
		var exp any
		_ = json.Unmarshal(raw, &exp)
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("%q:\n got %s\nwant %s", s, w.b, raw)
		}
	}
}

// TestRunnerEntitiesFollowTheVersion: the runner list items and details have
// the shape of the emulated version's entities: ip_address null from 17.0
// (the managers carry it), created_at from 18.0, and from 18.0 the
// maintenance_note only for callers who may update the runner.
func TestRunnerEntitiesFollowTheVersion(t *testing.T) {
	for _, tc := range []struct {
		version        string
		ipShown        bool
		createdAtShown bool
		noteForReaders bool
	}{
		{"16.11.0-ee", true, false, true},
		{"17.4.1-ee", false, false, true},
		{"18.6.0-ee", false, true, false},
	} {
		t.Run(tc.version, func(t *testing.T) {
			e := newTestEnv(t, tc.version)
			tok := decodeMap(t, e.call("POST", "/user/runners", e.seed.Group.OwnerToken, map[string]any{
				"runner_type": "group_type", "group_id": e.seed.Group.ID, "maintenance_note": "disk"}))["token"].(string)
			// A job request records the host's address on every version (a
			// verify with a glrt- token does not before 18.0).
			expect(t, e.call("POST", "/jobs/request", "", `{"info":`+runnerInfoBody("19.4.0")+`,"token":"`+tok+`","system_id":"s_0123456789ab"}`), 204, "")

			item := decodeList(t, e.call("GET", "/groups/"+itoa(e.seed.Group.ID)+"/runners", e.seed.Group.OwnerToken, nil))[0]
			id := int64(item["id"].(float64))
			owner := decodeMap(t, e.call("GET", "/runners/"+itoa(id), e.seed.Group.OwnerToken, nil))
			// A group Maintainer may read a group runner but not update it.
			reader := decodeMap(t, e.call("GET", "/runners/"+itoa(id), e.seed.Group.MaintainerToken, nil))

			for name, entity := range map[string]map[string]any{"list item": item, "details": owner} {
				if got := entity["ip_address"]; (got == "192.0.2.10") != tc.ipShown || (!tc.ipShown && got != nil) {
					t.Errorf("%s: ip_address = %v, shown %v", name, got, tc.ipShown)
				}
				if _, ok := entity["created_at"]; ok != tc.createdAtShown {
					t.Errorf("%s: created_at present %v, want %v", name, ok, tc.createdAtShown)
				}
			}
			if owner["maintenance_note"] != "disk" {
				t.Errorf("owner sees maintenance_note %v", owner["maintenance_note"])
			}
			if got := reader["maintenance_note"]; (got == "disk") != tc.noteForReaders || (!tc.noteForReaders && got != nil) {
				t.Errorf("reader sees maintenance_note %v, shown %v", got, tc.noteForReaders)
			}
			if _, ok := reader["maintenance_note"]; !ok {
				t.Error("maintenance_note is absent, GitLab answers null")
			}
		})
	}
}

// TestRunnerCreatedBy: from 18.0 the runner entities show the creator as
// UserBasic (lib/api/entities/ci/runner.rb) to every caller, since every
// signed-in user may read every user (app/policies/user_policy.rb); a runner
// registered with a registration token has no creator and no created_by key.
func TestRunnerCreatedBy(t *testing.T) {
	for _, tc := range []struct {
		version string
		shown   bool
	}{{"17.11.0-ee", false}, {"18.0.0-ee", true}, {"18.6.0-ee", true}} {
		t.Run(tc.version, func(t *testing.T) {
			e := newTestEnv(t, tc.version)
			e.st.UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = true })
			if err := e.st.SetGroupAllowRegistrationTokens(e.seed.Group.ID, true); err != nil {
				t.Fatal(err)
			}
			expect(t, legacyRegister(e, e.seed.Group.RegistrationToken), 201, "")
			e.call("POST", "/user/runners", e.seed.Group.OwnerToken, map[string]any{"runner_type": "group_type", "group_id": e.seed.Group.ID})
			owner := e.st.Seed().Group.OwnerToken
			caller, err := e.st.Authenticate(owner)
			if err != nil {
				t.Fatal(err)
			}
			ownerID := caller.User().ID
			// The admin reads both: a list page and the details.
			items := decodeList(t, e.call("GET", "/groups/"+itoa(e.seed.Group.ID)+"/runners", e.seed.AdminToken, nil))
			if len(items) != 2 {
				t.Fatalf("want the legacy and the created runner, got %v", items)
			}
			legacy, created := items[0], items[1]
			details := decodeMap(t, e.call("GET", "/runners/"+itoa(int64(created["id"].(float64))), e.seed.AdminToken, nil))
			for name, entity := range map[string]map[string]any{"list item": created, "details": details} {
				by, ok := entity["created_by"].(map[string]any)
				if ok != tc.shown {
					t.Fatalf("%s: created_by = %v, shown %v", name, entity["created_by"], tc.shown)
				}
				if ok && (by["id"] != float64(ownerID) || by["username"] != "demo-owner" || by["state"] != "active") {
					t.Errorf("%s: created_by = %v, want the group owner (%d)", name, by, ownerID)
				}
			}
			if _, ok := legacy["created_by"]; ok {
				t.Errorf("a runner registered with a registration token has no creator: %v", legacy)
			}
		})
	}
}
