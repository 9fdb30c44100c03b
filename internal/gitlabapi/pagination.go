package gitlabapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

const (
	defaultPerPage = 100 // GitLab's maximum
	// maxPages stops a server that never ends its pagination (100,000 items at 100 per page).
	maxPages = 1000
)

// listAll GETs every page of a paginated list, following x-next-page (or the
// Link header's rel="next" when x-next-page is absent). It refuses a next
// page that does not move forward, which guards against a looping server.
func listAll[T any](ctx context.Context, c *Client, path string, q url.Values, perPage int) ([]T, error) {
	if perPage <= 0 || perPage > defaultPerPage {
		perPage = defaultPerPage
	}
	if q == nil {
		q = url.Values{}
	}
	all := []T{}
	page := 1
	for n := 0; ; n++ {
		if n >= maxPages {
			return nil, fmt.Errorf("GET %s: more than %d pages; stopping (is the server's pagination looping?)", path, maxPages)
		}
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("page", strconv.Itoa(page))
		pq.Set("per_page", strconv.Itoa(perPage))
		var items []T
		resp, err := c.doJSON(ctx, call{method: http.MethodGet, path: path, query: pq, idempotent: true, userAuth: true}, &items)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		next, ok, err := nextPage(resp.header)
		if err != nil {
			return nil, fmt.Errorf("GET %s page %d: %w", path, page, err)
		}
		if !ok {
			return all, nil
		}
		if next <= page {
			return nil, fmt.Errorf("GET %s page %d: the server points back to page %d; stopping to avoid a loop", path, page, next)
		}
		if len(items) == 0 {
			return all, nil // a next page after an empty one cannot hold anything
		}
		page = next
	}
}

var linkNextRe = regexp.MustCompile(`<([^>]*)>\s*;[^,]*rel="?next"?`)

// nextPage reads the next page number; ok is false on the last page.
func nextPage(h http.Header) (int, bool, error) {
	if vs, present := h[http.CanonicalHeaderKey("X-Next-Page")]; present {
		v := ""
		if len(vs) > 0 {
			v = strings.TrimSpace(vs[0])
		}
		if v == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return 0, false, fmt.Errorf("x-next-page %q is not a page number", v)
		}
		return n, true, nil
	}
	if m := linkNextRe.FindStringSubmatch(h.Get("Link")); m != nil {
		u, err := url.Parse(m[1])
		if err != nil {
			return 0, false, fmt.Errorf("link rel=next %q is not a URL", m[1])
		}
		n, err := strconv.Atoi(u.Query().Get("page"))
		if err != nil || n <= 0 {
			return 0, false, fmt.Errorf("link rel=next has no page number")
		}
		return n, true, nil
	}
	return 0, false, nil
}
