package provider_test

// The access token (and any custom header) never goes to a host other than
// base_url's, even when GitLab (or something in front of it) redirects.

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// headerRecorder is an httptest server that answers an empty runner list
// and remembers the headers of every request.
type headerRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []http.Header
}

func newHeaderRecorder(t *testing.T, handler func(w http.ResponseWriter, r *http.Request)) *headerRecorder {
	h := &headerRecorder{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen = append(h.seen, r.Header.Clone())
		h.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *headerRecorder) headers() []http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]http.Header(nil), h.seen...)
}

func TestAccSecrets_tokenNotSentToRedirectTarget(t *testing.T) {
	t.Parallel()
	const token = "glpat-redirect-test-0123456789ab"
	const gatewaySecret = "gateway-secret-0123456789"

	// The other host: answers like GitLab, so the token check
	// (early_auth_check, redirected too) and the read succeed.
	other := newHeaderRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/personal_access_tokens/self") {
			_, _ = w.Write([]byte(`{"id":1,"name":"ci","scopes":["api"],"active":true,"revoked":false}`))
			return
		}
		_, _ = w.Write([]byte(`[]`))
	})
	// base_url's host: redirects every request to the other host.
	origin := newHeaderRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
	})

	config := `provider "gitlabrunner" {
  base_url = "` + origin.URL + `"
  token    = "` + token + `"
  retries  = 0
  headers  = { "X-Gateway-Auth" = "` + gatewaySecret + `" }
}
data "gitlabrunner_runners" "owned" {}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: providertest.Factories(acctest.DefaultStartTime.UTC),
		Steps: []resource.TestStep{{
			Config: config,
			Check:  resource.TestCheckResourceAttr("data.gitlabrunner_runners.owned", "ids.#", "0"),
		}},
	})

	if len(origin.headers()) == 0 || len(other.headers()) == 0 {
		t.Fatalf("origin saw %d requests, the redirect target %d: the redirect was not exercised", len(origin.headers()), len(other.headers()))
	}
	for _, h := range origin.headers() {
		if h.Get("Private-Token") != token {
			t.Fatalf("base_url's host did not receive the token: the test proves nothing")
		}
	}
	for i, h := range other.headers() {
		for name, values := range h {
			for _, v := range values {
				if strings.Contains(v, token) || strings.Contains(v, gatewaySecret) {
					t.Errorf("request %d to the redirect target carries a secret in header %s", i, name)
				}
			}
		}
		for _, name := range []string{"Private-Token", "Authorization", "X-Gateway-Auth"} {
			if h.Get(name) != "" {
				t.Errorf("request %d to the redirect target carries %s", i, name)
			}
		}
	}
}
