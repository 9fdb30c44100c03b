package gitlabapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// pagedServer serves total runners at perPage per page the way GitLab does.
func pagedServer(t *testing.T, total int, next func(page, pages int) string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		perPage, _ := strconv.Atoi(q.Get("per_page"))
		if perPage != 100 && perPage != 2 {
			t.Errorf("per_page = %q", q.Get("per_page"))
		}
		pages := (total + perPage - 1) / perPage
		w.Header().Set("X-Page", strconv.Itoa(page))
		w.Header().Set("X-Next-Page", next(page, pages))
		var items []string
		for i := (page-1)*perPage + 1; i <= min(page*perPage, total); i++ {
			items = append(items, fmt.Sprintf(`{"id":%d,"description":"r%d","status":"online"}`, i, i))
		}
		writeJSON(w, 200, "["+strings.Join(items, ",")+"]")
	}))
}

func TestListRunnersFollowsPages(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := pagedServer(t, 7, func(page, pages int) string {
		if page < pages {
			return strconv.Itoa(page + 1)
		}
		return ""
	})
	defer srv.Close()
	wrapped := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		wrapped.ServeHTTP(w, r)
	})
	c := newTestClient(t, srv.URL, nil)
	got, err := c.ListRunners(t.Context(), ListRunnersOptions{Scope: RunnerScopeGroup, ScopeID: 9, PerPage: 2,
		Status: "online", TagList: []string{"a", "b"}, Paused: new(false), Type: RunnerTypeGroup, VersionPrefix: "17."})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 || got[0].ID != 1 || got[6].ID != 7 || got[6].Description == nil || *got[6].Description != "r7" {
		t.Fatalf("got %d runners: %+v", len(got), got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 4 {
		t.Fatalf("requests = %v, want 4 pages", paths)
	}
	want := "/api/v4/groups/9/runners?page=3&paused=false&per_page=2&status=online&tag_list=a%2Cb&type=group_type&version_prefix=17."
	if paths[2] != want {
		t.Errorf("page 3 request = %q, want %q", paths[2], want)
	}
}

func TestListRunnersScopes(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path] = true
		mu.Unlock()
		writeJSON(w, 200, `[]`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	for _, o := range []ListRunnersOptions{{}, {Scope: RunnerScopeOwned}, {Scope: RunnerScopeAll}, {Scope: RunnerScopeProject, ScopeID: 4}} {
		got, err := c.ListRunners(t.Context(), o)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("%+v: %v %v", o, got, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range []string{"/api/v4/runners", "/api/v4/runners/all", "/api/v4/projects/4/runners"} {
		if !seen[p] {
			t.Errorf("%s not requested", p)
		}
	}
	if _, err := c.ListRunners(t.Context(), ListRunnersOptions{Scope: "bogus"}); err == nil || !strings.Contains(err.Error(), `"bogus"`) {
		t.Errorf("bogus scope: %v", err)
	}
	if _, err := c.ListRunners(t.Context(), ListRunnersOptions{Scope: RunnerScopeGroup}); err == nil {
		t.Error("group scope without id must fail")
	}
}

func TestListRunnersLoopGuard(t *testing.T) {
	srv := pagedServer(t, 500, func(page, pages int) string { return "1" }) // always "next: 1"
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	_, err := c.ListRunners(t.Context(), ListRunnersOptions{})
	if err == nil || !strings.Contains(err.Error(), "loop") {
		t.Fatalf("want a loop error, got %v", err)
	}
}

func TestListRunnersLinkHeaderFallback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "1" {
			w.Header().Set("Link", `<http://x/api/v4/runners?page=2&per_page=100>; rel="next", <http://x/api/v4/runners?page=1&per_page=100>; rel="first"`)
			writeJSON(w, 200, `[{"id":1}]`)
			return
		}
		writeJSON(w, 200, `[{"id":2}]`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	got, err := c.ListRunners(t.Context(), ListRunnersOptions{})
	if err != nil || len(got) != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
}
