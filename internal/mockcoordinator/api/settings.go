package api

import (
	"net/http"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// The instance settings of the runner workflow: GET and PUT
// /application/settings.

// renderSettings renders the settings the emulated version has (see
// store.Version: allow_runner_registration_token from ≈15.8, the intervals
// from ≈14.8).
func renderSettings(s store.Settings, v store.Version) map[string]any {
	m := map[string]any{
		"id":                      1,
		"valid_runner_registrars": append([]string{}, s.ValidRunnerRegistrars...),
		"signup_enabled":          false,
		"shared_runners_enabled":  true,
	}
	if v.HasTokenExpirationIntervals() {
		m["runner_token_expiration_interval"] = s.RunnerTokenExpirationInterval
		m["group_runner_token_expiration_interval"] = s.GroupRunnerTokenExpirationInterval
		m["project_runner_token_expiration_interval"] = s.ProjectRunnerTokenExpirationInterval
	}
	if v.HasRegistrationSwitch() {
		m["allow_runner_registration_token"] = s.AllowRunnerRegistrationToken
	}
	return m
}

// getSettings is GET /application/settings (administrators only).
func (c *reqCtx) getSettings() {
	if !c.authenticate(store.ScopeAPI, store.ScopeReadAPI) {
		return
	}
	s, err := c.caller.Settings()
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, renderSettings(s, c.st.Version()))
}

// putSettings is PUT /application/settings (administrators only); answers
// the whole settings object.
func (c *reqCtx) putSettings() {
	if !c.authenticate(store.ScopeAPI) {
		return
	}
	if !c.parseParams() {
		return
	}
	v := &validator{p: c.p}
	var ch store.SettingsChanges
	if b := v.boolean("allow_runner_registration_token"); b != nil {
		ch.AllowRunnerRegistrationToken = store.Optional[bool]{Set: true, Value: *b}
	}
	if l, present, ok := c.p.stringArray("valid_runner_registrars"); !ok {
		v.fail("valid_runner_registrars is invalid")
	} else if present {
		ch.ValidRunnerRegistrars = store.Optional[[]string]{Set: true, Value: l}
	}
	for _, iv := range []struct {
		key string
		dst *store.Optional[*int64]
	}{
		{"runner_token_expiration_interval", &ch.RunnerTokenExpirationInterval},
		{"group_runner_token_expiration_interval", &ch.GroupRunnerTokenExpirationInterval},
		{"project_runner_token_expiration_interval", &ch.ProjectRunnerTokenExpirationInterval},
	} {
		if c.p.has(iv.key) {
			n, _ := v.integer(iv.key) // null clears the interval
			*iv.dst = store.Optional[*int64]{Set: true, Value: n}
		}
	}
	if len(v.errs) > 0 {
		c.grapeError(v.errs)
		return
	}
	s, err := c.caller.UpdateSettings(ch)
	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, renderSettings(s, c.st.Version()))
}
