// Package api serves GitLab's REST API (/api/v4) over a store.Store: the
// endpoints a runner's lifecycle touches (POST /user/runners, /runners and
// /runners/:id, the runner-facing verify, registration, unregistration,
// token rotation and job requests, group and project runner lists, groups,
// projects, application settings, version and metadata, the caller's user
// and access token, and the runner controllers of EE 18.9+ with their scopes
// and tokens: runner_controllers.go), and the one GraphQL query the provider reads, POST
// /api/graphql `runner(id:) { id tokenExpiresAt }` (graphql.go).
//
// NewHandler is the whole API; MatchRoute names a request's route
// ("GET /runners/:id"), the names the server's faults and statistics use.
// Each handler validates parameters as Grape does, calls one store operation
// and renders its result or its error as GitLab does:
//
//   - parameter errors {"error":"a is missing, b is invalid"} (400);
//   - bad_request! {"message":"400 Bad request - reason"};
//   - model errors {"message":{"maximum_timeout":["needs to be at least 10 minutes"]}}
//     (PUT /runners/:id, POST /runners), but a full-message sentence
//     ("400 Bad request - Maximum timeout needs to be at least 10 minutes")
//     for POST /user/runners, as lib/api/user_runners.rb does;
//   - a service's refusal render_api_error!(message, reason): {"message":"text"}
//     with the reason's status (400, 409, 422), as the runner controller
//     services answer;
//   - an unknown runner {"message":"404 Runner Not Found"}, an unknown route
//     or an endpoint the emulated version lacks {"error":"404 Not Found"};
//   - 401 {"message":"401 Unauthorized"} for an unknown personal access
//     token, 401 {"error":"invalid_token","error_description":"Token is
//     expired. …"} (or "Token was revoked. …") for an expired or revoked one,
//     and 403 insufficient_scope; 403 {"message":"403 Forbidden"} for an
//     invalid or expired runner token.
//
// Choices where GitLab leaves room (tests pin each):
//   - lists are ordered by ascending id (GitLab's default order for offset
//     pagination); above 10,000 matching runners x-total, x-total-pages and
//     rel="last" are omitted, as GitLab does;
//   - GET /runners returns only the caller's "owned" runners, for
//     administrators too (GitLab's ci_owned_runners); /runners/all is
//     admin-only;
//   - reading a group runner (GET /runners/:id, /managers) needs Maintainer of
//     the group; changing, deleting or resetting it needs Owner.
//
// Routing is a small table rather than net/http.ServeMux patterns: ServeMux
// would let GET routes answer HEAD requests and redirect unclean paths
// ("//", "..") instead of answering GitLab's 404, and the route names would
// have to be translated between "{id}" and the ":id" of the public fault
// syntax.
package api
