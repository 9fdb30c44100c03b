package api

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// versionPrefixRe is Grape's regexp for version_prefix.
var versionPrefixRe = regexp.MustCompile(`^[\d+.]+`)

const (
	defaultPerPage = 20
	maxPerPage     = 100
	// GitLab omits x-total, x-total-pages and rel="last" above this count.
	maxCountedTotal = 10000
)

// Deprecated `scope` values of GET /runners (statuses) and GET /runners/all
// (statuses and types, plus "specific" and "shared").
var (
	ownedScopes = []string{"active", "paused", "online", "offline", "never_contacted", "stale"}
	allScopes   = append([]string{"specific", "shared", store.RunnerTypeInstance, store.RunnerTypeGroup, store.RunnerTypeProject}, ownedScopes...)
)

// listParams validates pagination and runner filters of the list endpoints;
// scopes lists the accepted deprecated `scope` values (nil: no such param).
func (c *reqCtx) listParams(scopes []string) (f store.RunnerFilter, page, perPage int, ok bool) {
	if !c.parseParams() {
		return f, 0, 0, false
	}
	v := &validator{p: c.p}
	if scopes != nil {
		f.Scope, _ = v.oneOf("scope", scopes...)
	}
	f.Type, _ = v.oneOf("type", store.RunnerTypeInstance, store.RunnerTypeGroup, store.RunnerTypeProject)
	f.Paused = v.boolean("paused")
	f.Status, _ = v.oneOf("status", "online", "offline", "stale", "never_contacted", "active", "paused")
	f.Tags, _ = v.list("tag_list")
	f.VersionPrefix, _ = v.str("version_prefix")
	if f.VersionPrefix != "" && !versionPrefixRe.MatchString(f.VersionPrefix) {
		v.fail("version_prefix is invalid")
	}
	page, perPage = pageParams(v)
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return f, 0, 0, false
	}
	return f, page, perPage, true
}

// pageParams reads the page and per_page parameters of offset pagination
// (GitLab's PaginationParams; per_page at most 100).
func pageParams(v *validator) (page, perPage int) {
	pg, _ := v.integer("page")
	pp, _ := v.integer("per_page")
	page, perPage = 1, defaultPerPage
	if pg != nil && *pg > 1 {
		page = int(*pg)
	}
	if pp != nil && *pp > 0 {
		perPage = int(min(*pp, maxPerPage))
	}
	return page, perPage
}

// writePage reads one page of list, sets GitLab's pagination headers and
// writes the items.
func (c *reqCtx) writePage(list store.RunnerList, f store.RunnerFilter, page, perPage int) {
	items, total := list.Page(f, page, perPage)
	c.setPageHeaders(total, page, perPage, total <= maxCountedTotal)
	c.json(http.StatusOK, renderRunners(items, c.caller.RunnerCreators(items), c.baseURL(), c.now, c.st.Version()))
}

// setPageHeaders sets GitLab's offset pagination headers for page of a list
// of total items; without counted (more than GitLab counts, or a paginator
// that skips the count) X-Total, X-Total-Pages and rel="last" are left out.
func (c *reqCtx) setPageHeaders(total, page, perPage int, counted bool) {
	totalPages := (total + perPage - 1) / perPage
	if totalPages < 1 {
		totalPages = 1
	}
	h := c.w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	next, prev := "", ""
	if page < totalPages {
		next = strconv.Itoa(page + 1)
	}
	if page > 1 {
		prev = strconv.Itoa(page - 1)
	}
	h.Set("X-Next-Page", next)
	h.Set("X-Prev-Page", prev)
	if counted {
		h.Set("X-Total", strconv.Itoa(total))
		h.Set("X-Total-Pages", strconv.Itoa(totalPages))
	}
	link := func(p int, rel string) string {
		q := url.Values{}
		for k, vs := range c.r.URL.Query() {
			if k != "private_token" && k != "access_token" {
				q[k] = vs
			}
		}
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(perPage))
		return "<" + c.baseURL() + c.r.URL.EscapedPath() + "?" + q.Encode() + `>; rel="` + rel + `"`
	}
	var links []string
	if prev != "" {
		links = append(links, link(page-1, "prev"))
	}
	if next != "" {
		links = append(links, link(page+1, "next"))
	}
	links = append(links, link(1, "first"))
	if counted {
		links = append(links, link(totalPages, "last"))
	}
	h.Set("Link", strings.Join(links, ", "))
}

// listAllRunners is GET /runners/all (administrators only).
func (c *reqCtx) listAllRunners() {
	if !c.authenticate(store.ScopeAPI, store.ScopeReadAPI) {
		return
	}
	f, page, perPage, ok := c.listParams(allScopes)
	if !ok {
		return
	}
	list, err := c.caller.AllRunners()
	if err != nil {
		c.fail(err)
		return
	}
	c.writePage(list, f, page, perPage)
}

// listOwnedRunners is GET /runners: the runners the caller owns.
func (c *reqCtx) listOwnedRunners() {
	if !c.authenticate(store.ScopeAPI, store.ScopeReadAPI) {
		return
	}
	f, page, perPage, ok := c.listParams(ownedScopes)
	if !ok {
		return
	}
	c.writePage(c.caller.OwnedRunners(), f, page, perPage)
}

// listGroupRunners is GET /groups/:id/runners: runners available to the group.
func (c *reqCtx) listGroupRunners() {
	if !c.authenticate(store.ScopeAPI, store.ScopeReadAPI) {
		return
	}
	// authorize! runs in a before block: ahead of parameter validation.
	ref, ok := c.namespaceID()
	if !ok {
		c.notFound("Group")
		return
	}
	list, err := c.caller.GroupRunners(ref)
	if err != nil {
		c.fail(err)
		return
	}
	f, page, perPage, ok := c.listParams(nil)
	if !ok {
		return
	}
	c.writePage(list, f, page, perPage)
}

// listProjectRunners is GET /projects/:id/runners: the project's runners,
// its groups' runners and instance runners.
func (c *reqCtx) listProjectRunners() {
	if !c.authenticate(store.ScopeAPI, store.ScopeReadAPI) {
		return
	}
	ref, ok := c.namespaceID()
	if !ok {
		c.notFound("Project")
		return
	}
	list, err := c.caller.ProjectRunners(ref)
	if err != nil {
		c.fail(err)
		return
	}
	f, page, perPage, ok := c.listParams(allScopes)
	if !ok {
		return
	}
	c.writePage(list, f, page, perPage)
}
