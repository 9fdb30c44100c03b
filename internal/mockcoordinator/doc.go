// Package mockcoordinator is an in-memory GitLab that speaks the parts of the
// REST API (/api/v4) a runner's lifecycle touches: runner creation through
// POST /user/runners, runner management, the runner-facing endpoints the real
// gitlab-runner binary calls (verify, legacy registration, unregister, token
// self-rotation, job requests), application settings, groups, projects and
// version metadata.
//
// The core (this file's siblings store*.go, handlers*.go, router.go, seed.go,
// version.go, clock.go, tokens.go) holds the data and the HTTP handlers; the
// server wrapper (server*.go, faults*.go, stats*.go, ...) listens, injects
// faults and persists state.
//
// Behaviour follows /work/shared/reference/gitlab-runner-api.md: status codes,
// error body shapes (Grape parameter errors {"error":...}, bad_request
// {"message":"400 Bad request - ..."}, model errors {"message":{attr:[...]}}),
// permissions per role, token scopes, pagination headers and the
// registration-token timeline emulated per GitLab version (see version.go).
//
// Choices where the reference leaves room (tests pin each):
//   - lists are ordered by ascending id (GitLab's default order for offset
//     pagination) and served from id-ordered indices without sorting; above
//     10,000 matching runners x-total, x-total-pages and rel="last" are
//     omitted, as GitLab does;
//   - GET /runners returns only the caller's "owned" runners, for
//     administrators too (GitLab's ci_owned_runners); /runners/all is admin-only;
//   - reading a group runner (GET /runners/:id, /managers) needs Maintainer of
//     the group; changing, deleting or resetting it needs Owner;
//   - POST /user/runners reports model errors as bad_request full messages
//     ("400 Bad request - Maximum timeout needs to be at least 10 minutes"),
//     as lib/api/user_runners.rb does; PUT /runners/:id and POST /runners
//     answer the attribute map {"message":{"maximum_timeout":[...]}};
//   - an unknown runner answers {"message":"404 Runner Not Found"}, an unknown
//     route or an endpoint the emulated version lacks {"error":"404 Not Found"};
//   - version emulation: see Version in version.go.
package mockcoordinator
