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
package mockcoordinator
