// Package store is the mock coordinator's in-memory GitLab: the records
// (users and their personal access tokens, groups, projects, runners and
// their managers, instance settings), the emulated GitLab version, the
// clock, the tokens it mints, the seeded fixture and the state snapshot.
//
// Its operations are the ones GitLab's REST API offers, with GitLab's rules,
// independent of HTTP:
//
//   - Authenticate turns a personal access token into a Caller, whose
//     methods create, read, change, delete and list runners, reset their
//     tokens, and read groups, projects and settings, with GitLab's
//     permission checks (Owner of a group for group runners, Maintainer of a
//     project for project runners, administrators for instance runners);
//   - RecordContact, RotateRunnerToken, UnregisterRunner, UnregisterManager
//     and RegisterRunner are what the gitlab-runner binary does with its
//     runner token or a registration token.
//
// A failed operation returns an *Error whose Reason classifies it as
// GitLab's services do (Forbidden, NotFound, BadRequest, Gone, Invalid
// with the model's field errors, ...); the api package turns reasons into
// GitLab's status codes and bodies.
//
// The runner attributes a user sets (description, paused, tag_list, ...) are
// declared once, in runner_attributes.go: the RunnerAttributes fields and the
// table that parsing, validation, rendering and the acceptance tests'
// agreement check iterate.
//
// Tests also use the store directly: SeedDefaults creates the standard
// fixture (Seed), UpdateRunner, DeleteRunner, UpdateSettings, SetVersion and
// SetGroupAllowRegistrationTokens change it out of band (drift, expiry,
// policy changes), and a FakeClock drives runner status and token expiry.
// Snapshot and Restore serialise the whole store, tokens included.
//
// Version emulation (see Version) follows GitLab's timeline: POST
// /user/runners from 15.11, the registration-token switch from ≈15.8 (honoured
// by legacy registration from ≈16.0), off by
// default from 17.0, token prefixes of 17.5 and 17.9, legacy registration
// removed in 20.0. GitLab's documentation (doc/api/runners.md,
// doc/api/users.md) and source (app/models/ci/runner.rb, the services under
// app/services/ci/runners) are the reference; the tests of this package and
// of the api package pin each rule.
package store
