package api

import (
	"reflect"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// Every endpoint that declares a Hash or an Array parameter reads it the same
// from a form body (Rack's nested keys: info[version]=…, tag_list[]=…) as from
// JSON, because GitLab's params come from Rack's parse_nested_query either way
// (lib/api/ci/runner.rb declares `optional :info, type: Hash`; the runner
// endpoints and lib/api/settings.rb declare Array[String] parameters). The
// gitlab Ruby gem sends form bodies.

// TestRunnerInfoAsFormOrJSON: the `info` hash of POST /runners/verify, POST
// /jobs/request and legacy POST /runners.
func TestRunnerInfoAsFormOrJSON(t *testing.T) {
	e := newTestEnv(t, "")
	id, tok := e.groupRunner()
	info := map[string]any{"name": "gitlab-runner", "version": "18.6.0", "revision": "abc12345", "platform": "linux", "architecture": "arm64"}
	infoForm := form{"token": {tok}, "info[name]": {"gitlab-runner"}, "info[version]": {"18.6.0"},
		"info[revision]": {"abc12345"}, "info[platform]": {"linux"}, "info[architecture]": {"arm64"}}

	for _, route := range []string{"/runners/verify", "/jobs/request"} {
		fromForm, fromJSON := "s_form"+route[1:5], "s_json"+route[1:5]
		infoForm["system_id"] = []string{fromForm}
		if rec := e.call("POST", route, "", infoForm); rec.Code >= 300 {
			t.Fatalf("%s form: %d %s", route, rec.Code, rec.Body.String())
		}
		if rec := e.call("POST", route, "", map[string]any{"token": tok, "system_id": fromJSON, "info": info}); rec.Code >= 300 {
			t.Fatalf("%s JSON: %d %s", route, rec.Code, rec.Body.String())
		}
		got := map[string]store.ManagerRecord{}
		for _, m := range e.st.Managers(id) {
			got[m.SystemID] = m
		}
		f, j := got[fromForm], got[fromJSON]
		if f.Version != "18.6.0" || f.Platform != "linux" || f.Architecture != "arm64" || f.Revision != "abc12345" {
			t.Errorf("%s: the form's info was not applied: %+v", route, f)
		}
		f.ID, f.SystemID, j.ID, j.SystemID = 0, "", 0, ""
		if !reflect.DeepEqual(f, j) {
			t.Errorf("%s: form and JSON differ:\n form %+v\n JSON %+v", route, f, j)
		}
	}

	// Legacy registration: info and tag_list[] in a form.
	e.st.UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = true })
	register := func(body any) store.RunnerRecord {
		rec := e.call("POST", "/runners", "", body)
		expect(t, rec, 201, "")
		r, _ := e.st.Runner(int64(decodeMap(t, rec)["id"].(float64)))
		return r
	}
	f := register(form{"token": {e.seed.InstanceRegistrationToken}, "tag_list[]": {"docker", "linux"},
		"info[name]": {"gitlab-runner"}, "info[version]": {"18.6.0"}, "info[platform]": {"linux"}})
	j := register(map[string]any{"token": e.seed.InstanceRegistrationToken, "tag_list": []string{"docker", "linux"},
		"info": map[string]any{"name": "gitlab-runner", "version": "18.6.0", "platform": "linux"}})
	if f.Name != "gitlab-runner" || f.Version != "18.6.0" || !reflect.DeepEqual(f.TagList, []string{"docker", "linux"}) {
		t.Errorf("legacy registration ignored the form's info or tags: %+v", f)
	}
	if f.Name != j.Name || f.Version != j.Version || f.Platform != j.Platform || !reflect.DeepEqual(f.TagList, j.TagList) {
		t.Errorf("legacy registration: form %+v and JSON %+v differ", f, j)
	}
}

// TestArrayParamsAsFormOrJSON: Array[String] parameters as tag_list[]=…
// (POST /user/runners, PUT /runners/:id, the runner lists) and
// valid_runner_registrars[]=… (PUT /application/settings).
func TestArrayParamsAsFormOrJSON(t *testing.T) {
	e := newTestEnv(t, "")
	admin := e.seed.AdminToken
	create := func(body any) int64 {
		rec := e.call("POST", "/user/runners", admin, body)
		expect(t, rec, 201, "")
		return int64(decodeMap(t, rec)["id"].(float64))
	}
	byForm := create(form{"runner_type": {"instance_type"}, "tag_list[]": {"a", "b"}, "run_untagged": {"false"}})
	byJSON := create(map[string]any{"runner_type": "instance_type", "tag_list": []string{"a", "b"}, "run_untagged": false})
	rf, _ := e.st.Runner(byForm)
	rj, _ := e.st.Runner(byJSON)
	if !reflect.DeepEqual(rf.TagList, []string{"a", "b"}) || !reflect.DeepEqual(rf.RunnerAttributes, rj.RunnerAttributes) {
		t.Fatalf("create: form %+v, JSON %+v", rf.RunnerAttributes, rj.RunnerAttributes)
	}

	expect(t, e.call("PUT", "/runners/"+itoa(byForm), admin, form{"tag_list[]": {"c"}}), 200, "")
	expect(t, e.call("PUT", "/runners/"+itoa(byJSON), admin, map[string]any{"tag_list": []string{"c"}}), 200, "")
	rf, _ = e.st.Runner(byForm)
	rj, _ = e.st.Runner(byJSON)
	if !reflect.DeepEqual(rf.TagList, []string{"c"}) || !reflect.DeepEqual(rf.TagList, rj.TagList) {
		t.Fatalf("update: form %v, JSON %v", rf.TagList, rj.TagList)
	}

	// A list filter in the query string.
	if l := decodeList(t, e.call("GET", "/runners/all?tag_list[]=c", admin, nil)); len(l) != 2 {
		t.Fatalf("GET /runners/all?tag_list[]=c listed %d runners, want 2", len(l))
	}

	expect(t, e.call("PUT", "/application/settings", admin, form{"valid_runner_registrars[]": {"group"}}), 200, "")
	if got := e.st.Settings().ValidRunnerRegistrars; !reflect.DeepEqual(got, []string{"group"}) {
		t.Fatalf("valid_runner_registrars[] as a form: %v", got)
	}
}

// TestMalformedNestedParams: what Rack refuses (conflicting types) is a 400,
// in a form body and in the query string alike.
func TestMalformedNestedParams(t *testing.T) {
	e := newTestEnv(t, "")
	expect(t, e.call("POST", "/runners/verify", "", "token=x&info=1&info[version]=2", "Content-Type", "application/x-www-form-urlencoded"),
		400, `{"message":"400 Bad request - the request body is not valid form data"}`)
	expect(t, e.call("GET", "/runners?tag_list[]=a&tag_list[x]=b", e.seed.AdminToken, nil),
		400, `{"message":"400 Bad request - the query string is not valid"}`)
}
