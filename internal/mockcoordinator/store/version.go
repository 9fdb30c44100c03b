package store

import (
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"
)

// DefaultVersion is the GitLab version the mock emulates unless told otherwise.
const DefaultVersion = "18.6.0-ee"

// Version is a parsed GitLab version such as "17.4.1-ee".
//
// Emulated timeline (GitLab's source; (≈) marks a release inferred from the
// merge requests, not read in a changelog):
//   - < 14.8 (≈): no *_runner_token_expiration_interval settings (the columns
//     came with migration 20220118155846);
//   - < 15.8 (≈): no registration-token switch: the application settings have
//     no allow_runner_registration_token key (MR !107817 added the column and
//     its REST field, MR !107818 the top-level group's), PUT ignores it;
//   - 15.8 .. 15.11 (≈): the switches exist but legacy registration ignores
//     them, and registration tokens always work;
//   - 16.0+ (≈, MR !118299): POST /runners honours the switches (410) and
//     names why it refuses a token ("403 Forbidden - invalid token supplied";
//     a plain 403 before); runners_token is null where they are off;
//   - 16.0+ (≈): legacy POST /runners refuses maintainer_note together with
//     maintenance_note (mutually_exclusive; before, maintenance_note won);
//   - < 15.11: no POST /user/runners (404 like an unknown route);
//   - 16.11: the switches appear in the UI (nothing changes in the API);
//   - before 17.0 the instance and top-level group switches default on;
//   - 17.0+: instance and top-level groups default off;
//   - 18.0+ (≈): the runner entities show created_at and created_by;
//   - 14.8+ (≈, MR !79135): GraphQL's CiRunner has tokenExpiresAt; the REST
//     runner details never show the token's expiry (no released version);
//   - 18.2+ (≈): unassigning a runner from its owner project answers
//     non-administrators "No access granted" (the runner-project policy);
//   - 18.5+ (≈, unconfirmed): runners and runner managers show
//     job_execution_status;
//   - EE 18.9+: the runner controller API (controllers, their tokens and
//     the instance scope); Community Edition has no such routes;
//   - EE 18.10+: POST /user/runners takes token_expires_at, the first
//     token's expiry, and token_rotation_deadline (CE and older versions
//     drop them, as Grape does); runner controllers take runner scopes;
//   - EE 15.1+ (the stale group runner cleanup shipped in 15.1): GraphQL's
//     namespaceCiCdSettingsUpdate(allowStaleRunnerPruning) and
//     Group.allowStaleRunnerPruning (both EE only; CE has neither);
//   - PUT /projects/:id takes shared_runners_enabled (every emulated version)
//     and group_runners_enabled; the release that added the latter to the
//     REST API was not found in GitLab's source (python-gitlab's issue 2148
//     found no API for it in July 2022), so the mock has it on every version;
//   - 20.0+: legacy registration removed: POST /runners answers
//     410 {"message":"410 Gone - runner registration disallowed"} for every
//     token (matching or not), and runners_token is null everywhere.
type Version struct {
	Raw                 string
	Major, Minor, Patch int
	Enterprise          bool
}

// ParseVersion parses "MAJOR.MINOR[.PATCH][-suffix]"; unparsable parts are 0.
// An "-ee" suffix marks Enterprise Edition.
func ParseVersion(s string) Version {
	s = strings.TrimSpace(s)
	if s == "" {
		s = DefaultVersion
	}
	v := Version{Raw: s}
	core := s
	if i := strings.IndexAny(s, "-+ "); i >= 0 {
		core = s[:i]
		v.Enterprise = strings.Contains(strings.ToLower(s[i:]), "ee")
	}
	parts := strings.Split(core, ".")
	nums := []*int{&v.Major, &v.Minor, &v.Patch}
	for i := 0; i < len(parts) && i < 3; i++ {
		n, _ := strconv.Atoi(parts[i])
		*nums[i] = n
	}
	return v
}

// AtLeast reports whether v >= major.minor.
func (v Version) AtLeast(major, minor int) bool {
	if v.Major != major {
		return v.Major > major
	}
	return v.Minor >= minor
}

// String returns the version as given.
func (v Version) String() string { return v.Raw }

// Revision is a stable fake git revision derived from the version string.
func (v Version) Revision() string {
	sum := sha1.Sum([]byte(v.Raw))
	return hex.EncodeToString(sum[:])[:11]
}

// HasRunnerManagers: every authenticated runner request (verify, job
// request) files the host as a manager of its runner, under "<legacy>" when
// it sends no system_id (≈ 15.10, Ci::RunnerManager).
func (v Version) HasRunnerManagers() bool { return v.AtLeast(15, 10) }

// VerifyRecordsContactOfAuthTokens: POST /runners/verify updates the
// contact time for glrt- tokens too (≈ 18.0; from 15.10 to 17.x GitLab
// skipped it for them, MR !113753, and only ensured the manager).
func (v Version) VerifyRecordsContactOfAuthTokens() bool { return v.AtLeast(18, 0) }

// HasUserRunners: POST /user/runners exists (15.11+).
func (v Version) HasUserRunners() bool { return v.AtLeast(15, 11) }

// HasRegistrationSwitch: allow_runner_registration_token and the top-level
// group switch exist (≈15.8+; the REST field since MR !107817).
func (v Version) HasRegistrationSwitch() bool { return v.AtLeast(15, 8) }

// EnforcesRegistrationSwitch: legacy registration honours the switches and
// explains its 403 (≈16.0+, MR !118299).
func (v Version) EnforcesRegistrationSwitch() bool { return v.AtLeast(16, 0) }

// HasTokenExpirationIntervals: the three *_runner_token_expiration_interval
// settings exist (≈14.8+).
func (v Version) HasTokenExpirationIntervals() bool { return v.AtLeast(14, 8) }

// RegistrationDefault is the default of the instance and top-level group
// switches for a fresh store of this version.
func (v Version) RegistrationDefault() bool { return !v.AtLeast(17, 0) }

// LegacyRegistrationRemoved: POST /runners with a registration token is gone (20.0+).
func (v Version) LegacyRegistrationRemoved() bool { return v.AtLeast(20, 0) }

// The runner entities (GET /runners, /runners/:id) changed shape over time;
// (≈) marks a version inferred from GitLab's source, not from its changelog.

// HidesRunnerIPAddress: the runner-level ip_address is always null; the
// address lives on the runner managers (≈ 17.0, deprecation issue 415185).
func (v Version) HidesRunnerIPAddress() bool { return v.AtLeast(17, 0) }

// ShowsRunnerCreatedAt: runner list items and details carry created_at (≈ 18.0;
// before, neither did).
func (v Version) ShowsRunnerCreatedAt() bool { return v.AtLeast(18, 0) }

// ShowsRunnerCreator: runner list items and details carry created_by, the
// creator as GitLab's UserBasic, when the caller may read that user
// (lib/api/entities/ci/runner.rb: `expose :creator, as: :created_by, using:
// Entities::UserBasic, if: … Ability.allowed?(current_user, :read_user,
// runner.creator)`). Shown with created_at, in the same entity (≈ 18.0; the
// version is inferred, as created_at's).
func (v Version) ShowsRunnerCreator() bool { return v.AtLeast(18, 0) }

// ShowsJobExecutionStatus: runner list items, runner details and runner
// managers carry job_execution_status (lib/api/entities/ci/runner.rb,
// runner_manager.rb). ≈ 18.5, unconfirmed: GitLab's source shows the field
// before 19.0 (whose feature flag ci_read_job_execution_status_from_running_builds
// changes how it is computed), and no changelog line dates it.
func (v Version) ShowsJobExecutionStatus() bool { return v.AtLeast(18, 5) }

// HidesMaintenanceNoteFromReaders: the runner details show maintenance_note
// only to callers who may update the runner, null to the others (≈ 18.0;
// before, to everyone who could read the runner).
func (v Version) HidesMaintenanceNoteFromReaders() bool { return v.AtLeast(18, 0) }

// HasGraphQLTokenExpiry: GraphQL's CiRunner has the tokenExpiresAt field
// (≈ 14.8, MR !79135).
func (v Version) HasGraphQLTokenExpiry() bool { return v.AtLeast(14, 8) }

// RefusesBothRunnerNotes: legacy POST /runners answers "maintainer_note,
// maintenance_note are mutually exclusive" when given both (≈ 16.0: the
// sources we read that answer 410 Gone declare `mutually_exclusive
// :maintainer_note, :maintenance_note`; the older ones declared
// `mutually_exclusive :maintainer_note, :maintainer_note`, which never fires,
// and kept maintenance_note).
func (v Version) RefusesBothRunnerNotes() bool { return v.AtLeast(16, 0) }

// UnassignPolicyRefusesOwnerProject: DELETE /projects/:id/runners/:runner_id
// asks Ci::RunnerProjectPolicy (unassign_runner, prevented for the runner's
// owner project) before the service, so a non-administrator unassigning the
// owner project gets "403 Forbidden - No access granted" rather than the
// service's "You cannot unassign a runner from the owner project…"
// (app/policies/ci/runner_project_policy.rb, authenticate_disable_runner! in
// lib/api/ci/runners.rb; ≈ 18.2).
func (v Version) UnassignPolicyRefusesOwnerProject() bool { return v.AtLeast(18, 2) }

// HasRunnerTokenExpiryOnCreate: POST /user/runners takes token_expires_at
// and token_rotation_deadline (Enterprise Edition 18.10+,
// create_runner_params_ee in ee/lib/ee/api/ci/helpers/runner_helpers.rb).
func (v Version) HasRunnerTokenExpiryOnCreate() bool { return v.Enterprise && v.AtLeast(18, 10) }

// HasRunnerControllers: the runner controller API, its tokens and the
// instance scope (Enterprise Edition 18.9+: doc/api/runner_controllers.md,
// doc/api/runner_controller_tokens.md "Introduced in GitLab 18.9";
// lib/api/ci/runner_controllers.rb, runner_controller_tokens.rb,
// runner_controller_scopes.rb, whose models are EE's). Before, and on the
// Community Edition, the routes do not exist.
func (v Version) HasRunnerControllers() bool { return v.Enterprise && v.AtLeast(18, 9) }

// HasRunnerControllerRunnerScopes: POST and DELETE
// /runner_controllers/:id/scopes/runners/:runner_id, and the scopes' list
// shows runner_level_scopings (Enterprise Edition 18.10+, "Add runner
// scope: Introduced in GitLab 18.10", issue 586417).
func (v Version) HasRunnerControllerRunnerScopes() bool { return v.Enterprise && v.AtLeast(18, 10) }

// HasStaleRunnerPruning: GraphQL's Group has allowStaleRunnerPruning and
// Mutation has namespaceCiCdSettingsUpdate (Enterprise Edition 15.1+:
// ee/app/graphql/ee/types/group_type.rb and ee/app/graphql/ee/types/mutation_type.rb).
func (v Version) HasStaleRunnerPruning() bool { return v.Enterprise && v.AtLeast(15, 1) }
