package store

import (
	"slices"
	"strings"
)

// The operations of a runner host (the gitlab-runner binary), authenticated
// by the runner's token. An unknown or expired token is Forbidden with no
// message, as GitLab answers 403 for both.

// RunnerInfo is what a runner reports about itself in `info`.
type RunnerInfo struct {
	Name, Version, Revision, Platform, Architecture string
}

// Contact is what a runner host tells about itself with a call.
type Contact struct {
	SystemID string // the host's system_id; "" when it sends none (older runners)
	IP       string
	Info     *RunnerInfo // nil when not sent
}

// withRunnerToken locks the store and runs fn with the runner owning an
// unexpired token.
func (st *Store) withRunnerToken(token string, fn func(r *RunnerRecord) error) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.runnerByTokenLocked(token, st.now())
	if r == nil {
		return forbidden("")
	}
	return fn(r)
}

// LegacySystemID is the system_id of the manager GitLab keeps for a runner
// host that sends none (Ci::RunnerManager::LEGACY_SYSTEM_XID).
const LegacySystemID = "<legacy>"

// RecordContact notes that the runner owning token asked for a job (POST
// /jobs/request): the runner's contact time and IP, and the manager for the
// contact's system_id ("<legacy>" when it sends none), created or refreshed.
func (st *Store) RecordContact(token string, c Contact) (tok RunnerToken, err error) {
	err = st.withRunnerToken(token, func(r *RunnerRecord) error {
		st.recordContactLocked(r, st.managerSystemID(c.SystemID), c.IP, c.Info, st.now())
		tok = runnerToken(r)
		return nil
	})
	return tok, err
}

// VerifyRunner is POST /runners/verify, what `gitlab-runner register
// --token` sends. As in GitLab it is not a side-effect-free check: it
// creates the manager for the contact's system_id ("<legacy>" when it sends
// none) and, except for glrt- tokens before GitLab 18.0 (≈; MR !113753 skipped
// the contact update for them from 15.10), records the contact like a job
// request does.
func (st *Store) VerifyRunner(token string, c Contact) (tok RunnerToken, err error) {
	err = st.withRunnerToken(token, func(r *RunnerRecord) error {
		systemID := st.managerSystemID(c.SystemID)
		if strings.HasPrefix(token, "glrt-") && !st.version.VerifyRecordsContactOfAuthTokens() {
			st.ensureManagerLocked(r, systemID, st.now())
		} else {
			st.recordContactLocked(r, systemID, c.IP, c.Info, st.now())
		}
		tok = runnerToken(r)
		return nil
	})
	return tok, err
}

// managerSystemID is the system_id GitLab files a contact under: the host's,
// or "<legacy>" when it sends none on a version with runner managers.
func (st *Store) managerSystemID(systemID string) string {
	if systemID == "" && st.version.HasRunnerManagers() {
		return LegacySystemID
	}
	return systemID
}

// UnregisterRunner deletes the runner owning token, with all its managers.
func (st *Store) UnregisterRunner(token string) error {
	return st.withRunnerToken(token, func(r *RunnerRecord) error {
		st.deleteRunnerLocked(r.ID)
		return nil
	})
}

// UnregisterManager deletes one manager (host) of the runner owning token;
// NotFound when the runner has no manager with systemID.
func (st *Store) UnregisterManager(token, systemID string) error {
	return st.withRunnerToken(token, func(r *RunnerRecord) error {
		for i := range r.Managers {
			if r.Managers[i].SystemID == systemID {
				r.Managers = append(r.Managers[:i], r.Managers[i+1:]...)
				return nil
			}
		}
		return notFound("")
	})
}

// RotateRunnerToken gives the runner owning token a new token (the runner
// rotates its own, unexpired token); the old one stops working at once.
func (st *Store) RotateRunnerToken(token string) (tok RunnerToken, err error) {
	err = st.withRunnerToken(token, func(r *RunnerRecord) error {
		st.rotateTokenLocked(r, st.now())
		tok = runnerToken(r)
		return nil
	})
	return tok, err
}

// RegisterRunner registers a runner with a registration token (legacy
// POST /runners) and returns its token:
//
//   - the token matches the instance, a group or a project registration
//     token and registration tokens are allowed there: a runner of that type;
//     group and project tokens count only while valid_runner_registrars
//     lists "group" / "project" (Ci::Runners::RegisterRunnerService);
//   - it matches but registration is disallowed there: Gone;
//   - it matches nothing: Forbidden "invalid token supplied", but Gone when
//     the instance switch is off (≈16.0+; a plain 403 before);
//   - 20.0+: Gone for every token (legacy registration removed).
func (st *Store) RegisterRunner(registrationToken string, ch RunnerChanges, c Contact) (RunnerToken, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	const disallowed = "runner registration disallowed"
	if st.version.LegacyRegistrationRemoved() {
		return RunnerToken{}, gone(disallowed)
	}
	var r *RunnerRecord
	allowed := false
	switch registrationToken {
	case st.settings.RegistrationToken:
		r = newRunnerRecord(RunnerTypeInstance)
		allowed = st.registrationAllowedForInstance()
	default:
		registrars := st.settings.ValidRunnerRegistrars
		for _, g := range st.groups {
			if slices.Contains(registrars, "group") && g.RegistrationToken == registrationToken {
				r = newRunnerRecord(RunnerTypeGroup)
				r.GroupID = g.ID
				allowed = st.registrationAllowedForGroup(g.ID)
				break
			}
		}
		if r == nil {
			for _, p := range st.projects {
				if slices.Contains(registrars, "project") && p.RegistrationToken == registrationToken {
					r = newRunnerRecord(RunnerTypeProject)
					r.ProjectIDs = []int64{p.ID}
					allowed = st.registrationAllowedForGroup(p.GroupID)
					break
				}
			}
		}
	}
	if r == nil {
		if !st.registrationAllowedForInstance() {
			return RunnerToken{}, gone(disallowed)
		}
		if !st.version.EnforcesRegistrationSwitch() {
			return RunnerToken{}, forbidden("") // before ≈16.0 GitLab gave no reason
		}
		return RunnerToken{}, forbidden("invalid token supplied")
	}
	if !allowed {
		return RunnerToken{}, gone(disallowed)
	}
	ch.apply(&r.RunnerAttributes)
	if errs := r.validate(); errs != nil {
		return RunnerToken{}, invalid(errs)
	}
	now := st.now()
	r.Legacy = true
	r.CreatedAt = now
	r.IPAddress = c.IP
	if info := c.Info; info != nil {
		r.Name, r.Version, r.Revision, r.Platform, r.Architecture = info.Name, info.Version, info.Revision, info.Platform, info.Architecture
	}
	r.Token = legacyRunnerToken(st.version, r.RunnerType)
	r.TokenExpiresAt = st.tokenExpiry(r.RunnerType, now)
	st.insertRunnerLocked(r)
	return runnerToken(r), nil
}
