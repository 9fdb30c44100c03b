package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// fillRunners creates n runners through the store (a third of each type).
func fillRunners(e *testEnv, n int) {
	e.t.Helper()
	admin, err := e.st.Authenticate(e.seed.AdminToken, store.ScopeAPI)
	if err != nil {
		e.t.Fatal(err)
	}
	attrs := map[string]*store.RunnerAttribute{}
	for _, attr := range store.RunnerAttributeTable() {
		attrs[attr.Name] = attr
	}
	for i := 0; i < n; i++ {
		req := store.RunnerCreation{RunnerType: []string{store.RunnerTypeInstance, store.RunnerTypeGroup, store.RunnerTypeProject}[i%3]}
		switch req.RunnerType {
		case store.RunnerTypeGroup:
			req.GroupID = &e.seed.Group.ID
		case store.RunnerTypeProject:
			req.ProjectID = &e.seed.Project.ID
		}
		req.Changes.SetString(attrs["description"], fmt.Sprintf("runner-%d", i))
		req.Changes.SetStringList(attrs["tag_list"], []string{"docker", fmt.Sprintf("t%d", i%7)})
		if _, err := admin.CreateRunner(req); err != nil {
			e.t.Fatal(err)
		}
	}
}

// BenchmarkListRunnersPage: one page of 100 from 10,000 runners.
func BenchmarkListRunnersPage(b *testing.B) {
	e := newTestEnv(b, "")
	fillRunners(e, 10000)
	for _, q := range []string{"?per_page=100&page=50", "?per_page=100&page=3&tag_list=docker,t3", "?per_page=100&status=never_contacted&page=7"} {
		b.Run(strings.TrimPrefix(q, "?"), func(b *testing.B) {
			req := httptest.NewRequest("GET", "/api/v4/runners/all"+q, nil)
			req.Header.Set("PRIVATE-TOKEN", e.seed.AdminToken)
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				e.h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// BenchmarkCreateRunner: POST /user/runners.
func BenchmarkCreateRunner(b *testing.B) {
	e := newTestEnv(b, "")
	body := fmt.Sprintf(`{"runner_type":"group_type","group_id":%d,"tag_list":["a","b"]}`, e.seed.Group.ID)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/api/v4/user/runners", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("PRIVATE-TOKEN", e.seed.Group.OwnerToken)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// TestListPagesWith10000Runners: the last page of 10,000 runners is full
// and has no next page, and above 10,000 GitLab's headers change. How fast a
// page is served is BenchmarkListRunnersPage's (`make bench`), not a test's.
func TestListPagesWith10000Runners(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	e := newTestEnv(t, "")
	fillRunners(e, 10000)
	rec := e.call("GET", "/runners/all?per_page=100&page=100", e.seed.AdminToken, nil)
	if rec.Header().Get("X-Total") != "10000" || rec.Header().Get("X-Next-Page") != "" || len(decodeList(t, rec)) != 100 {
		t.Fatalf("last page: %v", rec.Header())
	}
	// above 10,000 GitLab omits x-total, x-total-pages and rel="last"
	fillRunners(e, 1)
	rec = e.call("GET", "/runners/all?per_page=100", e.seed.AdminToken, nil)
	if _, has := rec.Header()["X-Total"]; has || strings.Contains(rec.Header().Get("Link"), `rel="last"`) || rec.Header().Get("X-Next-Page") != "2" {
		t.Fatalf("headers above 10,000: %v", rec.Header())
	}
}
