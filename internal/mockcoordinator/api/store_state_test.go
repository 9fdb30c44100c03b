package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func TestSnapshotRestore(t *testing.T) {
	e := newTestEnv(t, "17.4.0")
	e.st.UpdateSettings(func(s *store.Settings) {
		s.AllowRunnerRegistrationToken = true
		s.RunnerTokenExpirationInterval = ptr(int64(9000))
	})
	_ = e.st.SetGroupAllowRegistrationTokens(e.seed.Group.ID, true)
	id, tok := e.projectRunner("tag_list", []string{"a"}, "maximum_timeout", 900)
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": tok, "system_id": "s_0123456789ab"}), 200, "")
	inst, _ := e.instanceRunner()

	data, err := e.st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	st2 := store.NewStore(store.Options{Clock: e.clock})
	if err := st2.Restore(data); err != nil {
		t.Fatal(err)
	}
	if st2.Version().Raw != "17.4.0" || !reflect.DeepEqual(st2.Seed(), e.seed) {
		t.Fatalf("version/seed not restored")
	}
	r1, _ := e.st.Runner(id)
	r2, ok := st2.Runner(id)
	j1, _ := json.Marshal(r1)
	j2, _ := json.Marshal(r2)
	if !ok || string(j1) != string(j2) || *r2.MaximumTimeout != 900 || len(r2.Managers) != 1 {
		t.Fatalf("runner differs:\n%+v\n%+v", r1, r2)
	}
	h2 := NewHandler(st2)
	e2 := &testEnv{t: t, st: st2, h: h2, clock: e.clock, seed: st2.Seed()}
	// tokens and indices work after restore
	expect(t, e2.call("POST", "/runners/verify", "", map[string]any{"token": tok}), 200, "")
	expect(t, e2.call("GET", "/runners/"+itoa(inst), e.seed.AdminToken, nil), 200, "")
	rec := e2.call("GET", "/projects/"+itoa(e.seed.Project.ID)+"/runners?type=project_type", e.seed.Project.MaintainerToken, nil)
	if l := decodeList(t, rec); len(l) != 1 {
		t.Fatalf("project index after restore: %s", rec.Body.String())
	}
	if v := decodeMap(t, e2.call("GET", "/projects/"+itoa(e.seed.Project.ID), e.seed.AdminToken, nil))["runners_token"]; v != e.seed.Project.RegistrationToken {
		t.Fatalf("group switch not restored: %v", v)
	}
	// new ids continue after the restored ones
	nid, _ := e2.instanceRunner()
	if nid <= inst {
		t.Fatalf("new id %d after restore not above %d", nid, inst)
	}
	if err := st2.Restore([]byte("nope")); err == nil {
		t.Fatal("bad snapshot accepted")
	}
}

func TestOutOfBandEdits(t *testing.T) {
	e := newTestEnv(t, "")
	id, tok := e.groupRunner()
	if err := e.st.UpdateRunner(id, func(r *store.RunnerRecord) { r.Description = "drift"; r.Token = "glrt-swapped" }); err != nil {
		t.Fatal(err)
	}
	if d := decodeMap(t, e.call("GET", "/runners/"+itoa(id), e.seed.AdminToken, nil)); d["description"] != "drift" {
		t.Fatalf("drift not visible: %v", d)
	}
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": tok}), 403, "")
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": "glrt-swapped"}), 200, "")
	if err := e.st.UpdateRunner(999, func(*store.RunnerRecord) {}); err == nil {
		t.Fatal("UpdateRunner of an unknown runner succeeded")
	}
	if !e.st.DeleteRunner(id) || e.st.DeleteRunner(id) {
		t.Fatal("DeleteRunner results")
	}
	expect(t, e.call("GET", "/runners/"+itoa(id), e.seed.AdminToken, nil), 404, "")
	if len(e.st.RunnerIDs()) != 0 {
		t.Fatal("RunnerIDs not empty")
	}
}

// TestConcurrentClients: 50 clients create and update runners over HTTP at
// once; no update may be lost (run with -race).
func TestConcurrentClients(t *testing.T) {
	e := newTestEnv(t, "")
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	const clients, perClient = 50, 4
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	created := make([][]int64, clients)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < perClient; i++ {
				body := fmt.Sprintf(`{"runner_type":"group_type","group_id":%d,"description":"c%d-%d"}`, e.seed.Group.ID, c, i)
				m, err := doJSON(srv.URL, "POST", "/api/v4/user/runners", e.seed.Group.OwnerToken, body, 201)
				if err != nil {
					errs <- err
					return
				}
				id := int64(m["id"].(float64))
				created[c] = append(created[c], id)
				upd := fmt.Sprintf(`{"description":"updated-c%d-%d","tag_list":["c%d"]}`, c, i, c)
				if _, err := doJSON(srv.URL, "PUT", fmt.Sprintf("/api/v4/runners/%d", id), e.seed.Group.OwnerToken, upd, 200); err != nil {
					errs <- err
					return
				}
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := e.st.RunnerCount(); n != clients*perClient {
		t.Fatalf("%d runners, want %d", n, clients*perClient)
	}
	seen := map[int64]bool{}
	for c, list := range created {
		for i, id := range list {
			if seen[id] {
				t.Fatalf("id %d handed out twice", id)
			}
			seen[id] = true
			r, ok := e.st.Runner(id)
			if !ok || r.Description != fmt.Sprintf("updated-c%d-%d", c, i) || len(r.TagList) != 1 || r.TagList[0] != fmt.Sprintf("c%d", c) {
				t.Fatalf("runner %d lost its update: %+v", id, r)
			}
		}
	}
}

func doJSON(base, method, path, token, body string, want int) (map[string]any, error) {
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PRIVATE-TOKEN", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return nil, fmt.Errorf("%s %s: %v", method, path, err)
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: status %d, want %d: %v", method, path, resp.StatusCode, want, m)
	}
	return m, nil
}

func TestSetVersionKeepsExplicitSwitches(t *testing.T) {
	e := newTestEnv(t, "16.11.0")
	other := e.st.CreateGroup("other", 0)
	if !e.st.Settings().AllowRunnerRegistrationToken {
		t.Fatal("16.11 default must be on")
	}
	e.st.SetVersion("17.0.0") // nothing explicit yet: everything follows the new default
	if e.st.Settings().AllowRunnerRegistrationToken {
		t.Fatal("17.0 default must be off")
	}
	expect(t, e.call("PUT", "/application/settings", e.seed.AdminToken, map[string]any{"allow_runner_registration_token": true}), 200, "")
	_ = e.st.SetGroupAllowRegistrationTokens(e.seed.Group.ID, true)
	e.st.SetVersion("18.6.0-ee")
	if !e.st.Settings().AllowRunnerRegistrationToken {
		t.Fatal("explicit instance switch lost by SetVersion")
	}
	expect(t, legacyRegister(e, e.seed.Group.RegistrationToken), 201, "")
	// the untouched group follows the version default (off)
	tok := decodeMap(t, e.call("GET", "/groups/"+itoa(other), e.seed.AdminToken, nil))["runners_token"]
	if tok != nil {
		t.Fatalf("untouched group runners_token = %v", tok)
	}
	// snapshot keeps the explicit marks
	data, _ := e.st.Snapshot()
	st2 := store.NewStore(store.Options{})
	if err := st2.Restore(data); err != nil {
		t.Fatal(err)
	}
	st2.SetVersion("17.2.0")
	if !st2.Settings().AllowRunnerRegistrationToken {
		t.Fatal("explicit switch lost across snapshot + SetVersion")
	}
}
