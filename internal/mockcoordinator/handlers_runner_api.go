package mockcoordinator

import (
	"net/http"
	"strconv"
)

// The endpoints the gitlab-runner binary calls. They authenticate with the
// runner token in the body field `token` (JSON or form); the RUNNER-TOKEN
// header is accepted when the body has none. Invalid and expired tokens both
// answer 403 {"message":"403 Forbidden"}.

// runnerTokenParam validates the token parameter (Grape: "token is missing").
func (c *reqCtx) runnerTokenParam(v *validator) string {
	tok, _ := v.str("token")
	if tok == "" {
		tok = c.r.Header.Get("RUNNER-TOKEN")
	}
	if tok == "" {
		v.fail("token is missing")
	}
	return tok
}

// info reads the `info` object the runner sends about itself.
func (p *params) info() *runnerInfo {
	m, ok := p.m["info"].(map[string]any)
	if !ok {
		return nil
	}
	get := func(k string) string {
		s, _ := m[k].(string)
		return s
	}
	return &runnerInfo{Name: get("name"), Version: get("version"), Revision: get("revision"),
		Platform: get("platform"), Architecture: get("architecture")}
}

// systemIDParam says whether an endpoint reads the system_id parameter.
type systemIDParam int

const (
	noSystemID       systemIDParam = iota // not read (not validated either)
	optionalSystemID                      // read when given
	requiredSystemID                      // "system_id is missing" without it
)

// withRunnerToken parses the parameters, validates the token (and system_id
// as sys says) with Grape's 400 on errors, then locks the store and runs fn
// with the runner owning the token; an invalid or expired token answers 403.
func (c *reqCtx) withRunnerToken(sys systemIDParam, fn func(st *Store, r *RunnerRecord, systemID string)) {
	if !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	tok := c.runnerTokenParam(v)
	var systemID string
	if sys != noSystemID {
		systemID, _ = v.str("system_id")
		if sys == requiredSystemID && systemID == "" {
			v.fail("system_id is missing")
		}
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.runnerByTokenLocked(tok, c.now)
	if r == nil {
		c.forbidden("")
		return
	}
	fn(st, r, systemID)
}

// verifyRunner is POST /runners/verify: 200 {id, token, token_expires_at};
// records the contact and creates or refreshes the manager for system_id.
func (c *reqCtx) verifyRunner() {
	c.withRunnerToken(optionalSystemID, func(st *Store, r *RunnerRecord, systemID string) {
		st.recordContactLocked(r, systemID, remoteIP(c.r), c.p.info(), c.now)
		c.json(http.StatusOK, renderToken(r))
	})
}

// requestJob is POST /jobs/request: the mock never has jobs, so 204.
func (c *reqCtx) requestJob() {
	c.withRunnerToken(optionalSystemID, func(st *Store, r *RunnerRecord, systemID string) {
		st.recordContactLocked(r, systemID, remoteIP(c.r), c.p.info(), c.now)
		c.w.Header().Set("X-GitLab-Last-Update", strconv.FormatInt(c.now.UnixNano(), 36))
		c.noContent()
	})
}

// deleteRunnerByToken is DELETE /runners: the runner unregisters itself
// (and all its managers).
func (c *reqCtx) deleteRunnerByToken() {
	c.withRunnerToken(noSystemID, func(st *Store, r *RunnerRecord, _ string) {
		st.deleteRunnerLocked(r.ID)
		c.noContent()
	})
}

// deleteManager is DELETE /runners/managers: one host unregisters.
func (c *reqCtx) deleteManager() {
	c.withRunnerToken(requiredSystemID, func(_ *Store, r *RunnerRecord, systemID string) {
		for i := range r.Managers {
			if r.Managers[i].SystemID == systemID {
				r.Managers = append(r.Managers[:i], r.Managers[i+1:]...)
				c.noContent()
				return
			}
		}
		c.notFound("")
	})
}

// resetOwnToken is POST /runners/reset_authentication_token: the runner
// rotates its own (unexpired) token; 201 {token, token_expires_at}.
func (c *reqCtx) resetOwnToken() {
	c.withRunnerToken(noSystemID, func(st *Store, r *RunnerRecord, _ string) {
		st.rotateTokenLocked(r, c.now)
		c.json(http.StatusCreated, resetTokenJSON{Token: r.Token, TokenExpiresAt: formatTimePtr(r.TokenExpiresAt)})
	})
}

// registerLegacyRunner is POST /runners with a registration token.
//
//   - token matches the instance, a group or a project registration token and
//     registration tokens are allowed there → 201, runner of that type;
//   - matches but disallowed there → 410 "runner registration disallowed";
//   - matches nothing → 403 "invalid token supplied", except 410 when the
//     instance setting is off (16.11+);
//   - 20.0+: 410 for every token (legacy registration removed).
func (c *reqCtx) registerLegacyRunner() {
	if !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	tok, _ := v.str("token")
	if tok == "" {
		v.fail("token is missing")
	}
	changes := parseRunnerChanges(v)
	checkExclusiveRunnerAttributes(v)
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.version.LegacyRegistrationRemoved() {
		c.gone("runner registration disallowed")
		return
	}
	var r *RunnerRecord
	allowed := false
	switch tok {
	case st.settings.RegistrationToken:
		r = newRunnerDefaults(RunnerTypeInstance)
		allowed = st.registrationAllowedForInstance()
	default:
		for _, g := range st.groups {
			if g.RegistrationToken == tok {
				r = newRunnerDefaults(RunnerTypeGroup)
				r.GroupID = g.ID
				allowed = st.registrationAllowedForGroup(g.ID)
				break
			}
		}
		if r == nil {
			for _, p := range st.projects {
				if p.RegistrationToken == tok {
					r = newRunnerDefaults(RunnerTypeProject)
					r.ProjectIDs = []int64{p.ID}
					allowed = st.registrationAllowedForGroup(p.GroupID)
					break
				}
			}
		}
	}
	if r == nil {
		if !st.registrationAllowedForInstance() {
			c.gone("runner registration disallowed")
			return
		}
		c.forbidden("invalid token supplied")
		return
	}
	if !allowed {
		c.gone("runner registration disallowed")
		return
	}
	changes.apply(&r.RunnerAttributes)
	if errs := r.validate(); errs != nil {
		c.modelError(errs)
		return
	}
	r.Legacy = true
	r.CreatedAt = c.now
	r.IPAddress = remoteIP(c.r)
	if info := c.p.info(); info != nil {
		r.Name, r.Version, r.Revision, r.Platform, r.Architecture = info.Name, info.Version, info.Revision, info.Platform, info.Architecture
	}
	r.Token = legacyRunnerToken(st.version, r.RunnerType)
	r.TokenExpiresAt = st.tokenExpiry(r.RunnerType, c.now)
	st.insertRunnerLocked(r)
	c.json(http.StatusCreated, renderToken(r))
}
