package api

import (
	"net/http"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// apiPrefix is where GitLab serves its REST API.
const apiPrefix = "/api/v4"

type handlerFunc func(c *reqCtx)

type route struct {
	method string
	segs   []string // ":id", ":runner_id" … match one path segment each
	name   string   // "METHOD /pattern", as MatchRoute reports it
	handle handlerFunc
}

// routes is the route table. Literal routes come before parameterised ones
// so that /runners/verify wins over /runners/:id.
var routes = buildRoutes([]struct {
	name   string
	handle handlerFunc
}{
	{"POST /user/runners", (*reqCtx).createUserRunner},
	{"GET /user", (*reqCtx).getCurrentUser},
	{"GET /personal_access_tokens/self", (*reqCtx).getOwnAccessToken},

	{"GET /runners/all", (*reqCtx).listAllRunners},
	{"GET /runners", (*reqCtx).listOwnedRunners},
	{"POST /runners/verify", (*reqCtx).verifyRunner},
	{"POST /runners/reset_authentication_token", (*reqCtx).resetOwnToken},
	{"DELETE /runners/managers", (*reqCtx).deleteManager},
	{"POST /runners", (*reqCtx).registerLegacyRunner},
	{"DELETE /runners", (*reqCtx).deleteRunnerByToken},
	{"POST /jobs/request", (*reqCtx).requestJob},

	{"GET /runners/:id", (*reqCtx).getRunner},
	{"PUT /runners/:id", (*reqCtx).updateRunner},
	{"DELETE /runners/:id", (*reqCtx).deleteRunner},
	{"POST /runners/:id/reset_authentication_token", (*reqCtx).resetRunnerToken},
	{"GET /runners/:id/managers", (*reqCtx).listManagers},
	{"GET /runners/:id/jobs", (*reqCtx).listRunnerJobs},

	{"GET /groups/:id/runners", (*reqCtx).listGroupRunners},
	{"GET /projects/:id/runners", (*reqCtx).listProjectRunners},
	{"POST /projects/:id/runners", (*reqCtx).assignRunner},
	{"DELETE /projects/:id/runners/:runner_id", (*reqCtx).unassignRunner},
	{"GET /groups/:id", (*reqCtx).getGroup},
	{"PUT /groups/:id", (*reqCtx).putGroup},
	{"GET /projects/:id", (*reqCtx).getProject},
	{"PUT /projects/:id", (*reqCtx).putProject},

	{"GET /runner_controllers", (*reqCtx).listRunnerControllers},
	{"POST /runner_controllers", (*reqCtx).createRunnerController},
	{"GET /runner_controllers/:id", (*reqCtx).getRunnerController},
	{"PUT /runner_controllers/:id", (*reqCtx).updateRunnerController},
	{"DELETE /runner_controllers/:id", (*reqCtx).deleteRunnerController},
	{"GET /runner_controllers/:id/scopes", (*reqCtx).listRunnerControllerScopes},
	{"POST /runner_controllers/:id/scopes/instance", (*reqCtx).addInstanceScope},
	{"DELETE /runner_controllers/:id/scopes/instance", (*reqCtx).removeInstanceScope},
	{"POST /runner_controllers/:id/scopes/runners/:runner_id", (*reqCtx).addRunnerScope},
	{"DELETE /runner_controllers/:id/scopes/runners/:runner_id", (*reqCtx).removeRunnerScope},
	{"GET /runner_controllers/:runner_controller_id/tokens", (*reqCtx).listControllerTokens},
	{"POST /runner_controllers/:runner_controller_id/tokens", (*reqCtx).createControllerToken},
	{"GET /runner_controllers/:runner_controller_id/tokens/:id", (*reqCtx).getControllerToken},
	{"DELETE /runner_controllers/:runner_controller_id/tokens/:id", (*reqCtx).revokeControllerToken},
	{"POST /runner_controllers/:runner_controller_id/tokens/:id/rotate", (*reqCtx).rotateControllerToken},

	{"GET /application/settings", (*reqCtx).getSettings},
	{"PUT /application/settings", (*reqCtx).putSettings},
	{"GET /version", (*reqCtx).getVersion},
	{"GET /metadata", (*reqCtx).getVersion},
})

// rootRoutes are served outside /api/v4, matched on the whole path.
var rootRoutes = buildRoutes([]struct {
	name   string
	handle handlerFunc
}{
	{"POST " + graphQLPath, (*reqCtx).graphQL},
	// Not GitLab's: what GitLab lets only its UI change (mock_admin.go).
	{"PUT " + mockAdminPrefix + "/groups/:id/settings", (*reqCtx).putMockGroupSettings},
})

func buildRoutes(defs []struct {
	name   string
	handle handlerFunc
}) []route {
	out := make([]route, 0, len(defs))
	for _, d := range defs {
		method, pattern, _ := strings.Cut(d.name, " ")
		out = append(out, route{method: method, segs: splitPath(pattern), name: d.name, handle: d.handle})
	}
	return out
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// stripAPIPrefix removes a leading /api/v4; ok is false when the path had none.
func stripAPIPrefix(path string) (string, bool) {
	if path == apiPrefix {
		return "/", true
	}
	if strings.HasPrefix(path, apiPrefix+"/") {
		return path[len(apiPrefix):], true
	}
	return path, false
}

// match finds the route for method and a path without the /api/v4 prefix,
// returning the raw values of its :param segments in path order.
func match(method, path string) (*route, []string) {
	return matchIn(routes, method, path)
}

// matchRoot finds the route of a path outside /api/v4.
func matchRoot(method, path string) *route {
	rt, _ := matchIn(rootRoutes, method, path)
	return rt
}

func matchIn(routes []route, method, path string) (*route, []string) {
	segs := splitPath(path)
	for i := range routes {
		rt := &routes[i]
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		var params []string
		ok := true
		for j, s := range rt.segs {
			if strings.HasPrefix(s, ":") {
				if segs[j] == "" {
					ok = false
					break
				}
				params = append(params, segs[j])
				continue
			}
			if s != segs[j] {
				ok = false
				break
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

// MatchRoute maps a request to its route name, e.g. ("GET",
// "/api/v4/runners/12") → "GET /runners/:id". The /api/v4 prefix is
// optional; "" when no route matches.
func MatchRoute(method, path string) string {
	if rt := matchRoot(method, path); rt != nil {
		return rt.name
	}
	p, _ := stripAPIPrefix(path)
	if rt, _ := match(method, p); rt != nil {
		return rt.name
	}
	return ""
}

// RouteNames lists every route name the API serves.
func RouteNames() []string {
	names := make([]string, 0, len(routes)+len(rootRoutes))
	for _, rt := range append(append([]route(nil), routes...), rootRoutes...) {
		names = append(names, rt.name)
	}
	return names
}

// NewHandler serves the whole /api/v4 API over st, and GraphQL at
// /api/graphql. Unknown routes answer 404 {"error":"404 Not Found"} like
// GitLab's catch-all route.
func NewHandler(st *store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, ok := stripAPIPrefix(r.URL.EscapedPath())
		var rt *route
		var params []string
		if ok {
			rt, params = match(r.Method, path)
		} else {
			rt, params = matchIn(rootRoutes, r.Method, path)
		}
		if rt == nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "404 Not Found"})
			return
		}
		c := &reqCtx{w: w, r: r, st: st, params: params, now: st.Now()}
		if len(params) > 0 {
			c.pathID = params[0]
		}
		rt.handle(c)
	})
}
