package api

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func ids(t *testing.T, rec *httptest.ResponseRecorder) []int64 {
	t.Helper()
	var out []int64
	for _, m := range decodeList(t, rec) {
		out = append(out, int64(m["id"].(float64)))
	}
	return out
}

func TestListPaginationHeaders(t *testing.T) {
	e := newTestEnv(t, "")
	var all []int64
	for i := 0; i < 45; i++ {
		id, _ := e.instanceRunner("description", fmt.Sprintf("r%d", i))
		all = append(all, id)
	}
	type page struct {
		query                     string
		page, next, prev, perPage string
		first, count              int
		rels                      []string
	}
	for _, p := range []page{
		{"", "1", "2", "", "20", 0, 20, []string{"next", "first", "last"}},
		{"?page=2", "2", "3", "1", "20", 20, 20, []string{"prev", "next", "first", "last"}},
		{"?page=3", "3", "", "2", "20", 40, 5, []string{"prev", "first", "last"}},
		{"?per_page=100", "1", "", "", "100", 0, 45, []string{"first", "last"}},
		{"?per_page=500", "1", "", "", "100", 0, 45, []string{"first", "last"}},
		{"?per_page=0", "1", "2", "", "20", 0, 20, []string{"next", "first", "last"}},
		{"?page=9", "9", "", "8", "20", 0, 0, []string{"prev", "first", "last"}},
	} {
		t.Run(p.query, func(t *testing.T) {
			rec := e.call("GET", "/runners/all"+p.query, e.seed.AdminToken, nil)
			expect(t, rec, 200, "")
			h := rec.Header()
			if h.Get("X-Page") != p.page || h.Get("X-Next-Page") != p.next || h.Get("X-Prev-Page") != p.prev ||
				h.Get("X-Per-Page") != p.perPage || h.Get("X-Total") != "45" {
				t.Fatalf("headers: %v", h)
			}
			if _, ok := h["X-Next-Page"]; !ok {
				t.Fatal("x-next-page must be present even when empty")
			}
			wantPages := map[string]string{"20": "3", "100": "1"}[p.perPage]
			if h.Get("X-Total-Pages") != wantPages {
				t.Fatalf("x-total-pages = %s, want %s", h.Get("X-Total-Pages"), wantPages)
			}
			got := ids(t, rec)
			if len(got) != p.count {
				t.Fatalf("got %d items, want %d", len(got), p.count)
			}
			for i, id := range got {
				if id != all[p.first+i] {
					t.Fatalf("item %d = %d, want %d (ascending ids)", i, id, all[p.first+i])
				}
			}
			link := h.Get("Link")
			for _, rel := range []string{"prev", "next", "first", "last"} {
				has := strings.Contains(link, `rel="`+rel+`"`)
				if has != slices.Contains(p.rels, rel) {
					t.Fatalf("Link %q: rel %s present=%v", link, rel, has)
				}
			}
			if !strings.Contains(link, "http://example.com/api/v4/runners/all?page=1&per_page="+p.perPage+`>; rel="first"`) {
				t.Fatalf("first link: %q", link)
			}
		})
	}
	// the Link header never carries the private token
	rec := e.call("GET", "/runners/all?private_token="+e.seed.AdminToken, "", nil)
	if strings.Contains(rec.Header().Get("Link"), e.seed.AdminToken) {
		t.Fatal("Link header leaks the private token")
	}
	expect(t, e.call("GET", "/runners/all?page=x", e.seed.AdminToken, nil), 400, `{"error":"page is invalid"}`)
}

func TestListFilters(t *testing.T) {
	e := newTestEnv(t, "")
	a, atok := e.instanceRunner("tag_list", []string{"docker", "linux"})
	b, _ := e.groupRunner("tag_list", []string{"docker"}, "paused", true)
	c, ctok := e.projectRunner("tag_list", []string{"linux", "docker", "gpu"})
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": atok, "system_id": "s_1", "info": map[string]any{"version": "17.4.1"}}), 200, "")
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": ctok, "system_id": "s_2", "info": map[string]any{"version": "18.0.0"}}), 200, "")
	e.clock.Advance(3 * time.Hour) // a and c offline now
	expect(t, e.call("POST", "/jobs/request", "", map[string]any{"token": ctok, "system_id": "s_2"}), 204, "")

	for _, tc := range []struct {
		query string
		want  []int64
	}{
		{"", []int64{a, b, c}},
		{"?type=group_type", []int64{b}},
		{"?paused=true", []int64{b}},
		{"?paused=false", []int64{a, c}},
		{"?tag_list=docker", []int64{a, b, c}},
		{"?tag_list=docker,linux", []int64{a, c}},
		{"?tag_list=linux,gpu", []int64{c}},
		{"?tag_list[]=docker&tag_list[]=gpu", []int64{c}},
		{"?status=online", []int64{c}},
		{"?status=offline", []int64{a}},
		{"?status=never_contacted", []int64{b}},
		{"?status=paused", []int64{b}},
		{"?version_prefix=17", []int64{a}},
		{"?version_prefix=18.0", []int64{c}},
		{"?type=project_type&status=online&tag_list=gpu", []int64{c}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			rec := e.call("GET", "/runners/all"+tc.query, e.seed.AdminToken, nil)
			expect(t, rec, 200, "")
			if got := ids(t, rec); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if rec.Header().Get("X-Total") != fmt.Sprint(len(tc.want)) {
				t.Fatalf("x-total %s", rec.Header().Get("X-Total"))
			}
		})
	}
	for q, want := range map[string]string{
		"?type=shared":  `{"error":"type does not have a valid value"}`,
		"?status=busy":  `{"error":"status does not have a valid value"}`,
		"?paused=maybe": `{"error":"paused is invalid"}`,
	} {
		expect(t, e.call("GET", "/runners/all"+q, e.seed.AdminToken, nil), 400, want)
	}
	// list items have exactly the documented keys (18.6: with created_by, created_at and job_execution_status)
	item := decodeList(t, e.call("GET", "/runners/all?type=instance_type", e.seed.AdminToken, nil))[0]
	for _, k := range []string{"id", "description", "ip_address", "active", "paused", "is_shared", "runner_type", "name", "online", "created_by", "created_at", "status", "job_execution_status"} {
		if _, ok := item[k]; !ok {
			t.Fatalf("list item lacks %q: %v", k, item)
		}
	}
	if len(item) != 13 {
		t.Fatalf("list item has extra keys: %v", item)
	}
}

func TestListScopesAndPermissions(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	inst, _ := e.instanceRunner()
	grp, _ := e.groupRunner()
	sub, _ := e.createRunner(s.AdminToken, map[string]any{"runner_type": "group_type", "group_id": s.Subgroup.ID})
	prj, _ := e.projectRunner()
	otherGroup := e.st.CreateGroup("other", 0)
	other, _ := e.createRunner(s.AdminToken, map[string]any{"runner_type": "group_type", "group_id": otherGroup})

	for _, tc := range []struct {
		name, token, path string
		status            int
		want              []int64
	}{
		{"all by admin", s.AdminToken, "/runners/all", 200, []int64{inst, grp, sub, prj, other}},
		{"all by owner", s.Group.OwnerToken, "/runners/all", 403, nil},
		{"owned by group owner", s.Group.OwnerToken, "/runners", 200, []int64{grp, sub, prj}},
		{"owned by group maintainer", s.Group.MaintainerToken, "/runners", 200, []int64{prj}},
		{"owned by project maintainer", s.Project.MaintainerToken, "/runners", 200, []int64{prj}},
		{"owned by developer", s.Project.DeveloperToken, "/runners", 200, []int64{}},
		{"owned by admin (GitLab: owned only)", s.AdminToken, "/runners", 200, []int64{}},
		{"owned read_api", s.ReadAPIToken, "/runners", 200, []int64{grp, sub, prj}},
		{"group", s.Group.OwnerToken, "/groups/" + itoa(s.Group.ID) + "/runners", 200, []int64{inst, grp}},
		{"subgroup includes ancestors", s.Group.OwnerToken, "/groups/" + itoa(s.Subgroup.ID) + "/runners", 200, []int64{inst, grp, sub}},
		{"subgroup by url-encoded path", s.Group.OwnerToken, "/groups/demo%2Fplatform/runners?type=group_type", 200, []int64{grp, sub}},
		{"group by maintainer", s.Group.MaintainerToken, "/groups/" + itoa(s.Group.ID) + "/runners", 200, []int64{inst, grp}},
		{"group by developer", s.Group.DeveloperToken, "/groups/" + itoa(s.Group.ID) + "/runners", 403, nil},
		{"group by stranger", s.NonAdminToken, "/groups/" + itoa(s.Group.ID) + "/runners", 404, nil},
		{"unknown group", s.AdminToken, "/groups/9999/runners", 404, nil},
		{"project", s.Project.MaintainerToken, "/projects/" + itoa(s.Project.ID) + "/runners", 200, []int64{inst, grp, sub, prj}},
		{"project by developer", s.Project.DeveloperToken, "/projects/" + itoa(s.Project.ID) + "/runners", 403, nil},
		{"project by stranger", s.NonAdminToken, "/projects/" + itoa(s.Project.ID) + "/runners", 404, nil},
		{"project by path", s.AdminToken, "/projects/demo%2Fplatform%2Fapp/runners?type=project_type", 200, []int64{prj}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.call("GET", tc.path, tc.token, nil)
			expect(t, rec, tc.status, "")
			if tc.status != 200 {
				return
			}
			got := ids(t, rec)
			if got == nil {
				got = []int64{}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	expect(t, e.call("GET", "/runners/all", s.Group.OwnerToken, nil), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("GET", "/groups/9999/runners", s.AdminToken, nil), 404, `{"message":"404 Group Not Found"}`)
	expect(t, e.call("GET", "/projects/9999/runners", s.AdminToken, nil), 404, `{"message":"404 Project Not Found"}`)
}

func TestListDeprecatedScopeAndScopes(t *testing.T) {
	e := newTestEnv(t, "")
	s := e.seed
	inst, _ := e.instanceRunner()
	grp, _ := e.groupRunner("paused", true)
	for q, want := range map[string][]int64{
		"?scope=shared":   {inst},
		"?scope=specific": {grp},
		"?scope=paused":   {grp},
		"?scope=active":   {inst},
	} {
		rec := e.call("GET", "/runners/all"+q, s.AdminToken, nil)
		if got := ids(t, rec); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: got %v, want %v", q, got, want)
		}
	}
	expect(t, e.call("GET", "/runners/all?scope=bogus", s.AdminToken, nil), 400, `{"error":"scope does not have a valid value"}`)
	expect(t, e.call("GET", "/runners?scope=shared", s.Group.OwnerToken, nil), 400, `{"error":"scope does not have a valid value"}`)
	expect(t, e.call("GET", "/runners/all?version_prefix=v17", s.AdminToken, nil), 400, `{"error":"version_prefix is invalid"}`)
	// manage_runner only opens /runners/:id*, not the lists
	mgr := e.st.CreatePersonalAccessToken(e.st.CreateUser("mgr", true), store.ScopeManageRunner)
	expect(t, e.call("GET", "/runners/all", mgr, nil), 403,
		`{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api read_api"}`)
	expect(t, e.call("GET", "/runners/"+itoa(grp), mgr, nil), 200, "")
	// group/project authorization runs before parameter validation
	expect(t, e.call("GET", "/groups/"+itoa(s.Group.ID)+"/runners?type=bogus", s.Group.DeveloperToken, nil), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("GET", "/groups/"+itoa(s.Group.ID)+"/runners?type=bogus", s.Group.OwnerToken, nil), 400, `{"error":"type does not have a valid value"}`)
}
