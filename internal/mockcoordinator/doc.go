// Package mockcoordinator is an in-memory GitLab for the parts of the REST
// API (/api/v4) a runner's lifecycle touches (and GraphQL's runner token
// expiry, /api/graphql), served over HTTP or HTTPS on a
// loopback address. The provider's acceptance tests (internal/acctest), the
// demo, the benchmark and the mock-coordinator command run it; module
// authors run it to test their Terraform code without a GitLab.
//
// It is three packages, each importing only the ones below it:
//
//   - store (internal/mockcoordinator/store): the data and GitLab's rules:
//     users, tokens, groups, projects, runners and their managers, settings,
//     the emulated GitLab version, the clock, the seeded fixture and the
//     state snapshot. Its operations check permissions as GitLab does and
//     fail with GitLab's reasons; tests edit it out of band through it too.
//   - api (internal/mockcoordinator/api): the HTTP API over a store: routes
//     and their names, Grape-style parameter validation, GitLab's status
//     codes, error bodies and JSON entities.
//   - mockcoordinator (this package): the server around the API: listener,
//     TLS with a generated CA and optional client certificates, injected
//     faults (Faults, ParseFault), request statistics and log (Stats), and
//     persistence of the store in a state file.
//
// A test typically starts a Server, points the provider at URL(), uses
// Seed() for tokens and ids, injects faults through Faults(), and asserts on
// Store() and Stats():
//
//	srv, err := mockcoordinator.NewServer(mockcoordinator.Options{TLS: true})
//	...
//	err = srv.Start("127.0.0.1:0")
//	defer srv.Close()
//	srv.Faults().Add(mockcoordinator.Fault{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1})
//
// Faults and statistics name requests by route, as api.MatchRoute does:
// "POST /user/runners", "GET /runners/:id". These names are also the
// --fault syntax of cmd/mock-coordinator.
package mockcoordinator
