package api

import (
	"net/http"
	"strconv"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// The endpoints the gitlab-runner binary calls. They authenticate with the
// runner token in the parameter `token` (query string, JSON or form body), as
// GitLab's Grape declarations `requires :token` and its current_runner
// (params[:token]) do (lib/api/ci/runner.rb, lib/api/ci/helpers/runner.rb):
// GitLab reads the RUNNER-TOKEN header that gitlab-runner also sends only on
// the job router's discovery endpoint, so a token in the header alone is
// "token is missing". Invalid and expired tokens both answer
// 403 {"message":"403 Forbidden"}.

// systemIDParam says whether an endpoint reads the system_id parameter.
type systemIDParam int

const (
	noSystemID       systemIDParam = iota // not read (not validated either)
	optionalSystemID                      // read when given
	requiredSystemID                      // "system_id is missing" without it
)

// runnerTokenParams parses the parameters and validates the token (and
// system_id as sys says), answering Grape's 400 on errors. Grape's `requires`
// wants the key only: an empty or null token passes it and is then refused
// as an unknown token (403).
func (c *reqCtx) runnerTokenParams(sys systemIDParam) (token, systemID string, ok bool) {
	if !c.parseParams() {
		return "", "", false
	}
	v := &validator{p: c.p}
	if !c.p.has("token") {
		v.fail("token is missing")
	}
	token, _ = v.str("token")
	if sys != noSystemID {
		if sys == requiredSystemID && !c.p.has("system_id") {
			v.fail("system_id is missing")
		}
		systemID, _ = v.str("system_id")
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return "", "", false
	}
	return token, systemID, true
}

// contact is what the calling runner host tells about itself.
func (c *reqCtx) contact(systemID string) store.Contact {
	return store.Contact{SystemID: systemID, IP: remoteIP(c.r), Info: c.p.info()}
}

// verifyRunner is POST /runners/verify: 200 {id, token, token_expires_at};
// creates or refreshes the manager for system_id (see store.VerifyRunner).
func (c *reqCtx) verifyRunner() {
	token, systemID, ok := c.runnerTokenParams(optionalSystemID)
	if !ok {
		return
	}
	tok, err := c.st.VerifyRunner(token, c.contact(systemID))
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, renderToken(tok))
}

// requestJob is POST /jobs/request: the mock never has jobs, so 204.
func (c *reqCtx) requestJob() {
	token, systemID, ok := c.runnerTokenParams(optionalSystemID)
	if !ok {
		return
	}
	if _, err := c.st.RecordContact(token, c.contact(systemID)); err != nil {
		c.fail(err)
		return
	}
	c.w.Header().Set("X-GitLab-Last-Update", strconv.FormatInt(c.now.UnixNano(), 36))
	c.noContent()
}

// deleteRunnerByToken is DELETE /runners: the runner unregisters itself
// (and all its managers).
func (c *reqCtx) deleteRunnerByToken() {
	token, _, ok := c.runnerTokenParams(noSystemID)
	if !ok {
		return
	}
	if err := c.st.UnregisterRunner(token); err != nil {
		c.fail(err)
		return
	}
	c.noContent()
}

// deleteManager is DELETE /runners/managers: one host unregisters.
func (c *reqCtx) deleteManager() {
	token, systemID, ok := c.runnerTokenParams(requiredSystemID)
	if !ok {
		return
	}
	if err := c.st.UnregisterManager(token, systemID); err != nil {
		c.fail(err)
		return
	}
	c.noContent()
}

// resetOwnToken is POST /runners/reset_authentication_token: the runner
// rotates its own (unexpired) token; 201 {token, token_expires_at}.
func (c *reqCtx) resetOwnToken() {
	token, _, ok := c.runnerTokenParams(noSystemID)
	if !ok {
		return
	}
	tok, err := c.st.RotateRunnerToken(token)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusCreated, renderResetToken(tok))
}

// registerLegacyRunner is POST /runners with a registration token.
func (c *reqCtx) registerLegacyRunner() {
	if !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	if !c.p.has("token") {
		v.fail("token is missing")
	}
	token, _ := v.str("token")
	changes := parseRunnerChanges(v, registerEndpoint)
	checkExclusiveRunnerAttributes(v, registerEndpoint, c.st.Version())
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	tok, err := c.st.RegisterRunner(token, changes, store.Contact{IP: remoteIP(c.r), Info: c.p.info()})
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusCreated, renderToken(tok))
}
