package diagnostics

import "fmt"

// Advice shared by every resource and data source.
const (
	HintToken = "GitLab did not accept the access token. Check the provider's `token` argument or the GITLAB_TOKEN environment " +
		"variable: the token may be mistyped, expired or revoked, or belong to another GitLab instance than `base_url`."
	HintScopeCreate = "The access token lacks the scope for this call: creating runners needs a token with the `create_runner` or `api` scope " +
		"(`read_api` is not enough)."
	HintScopeManage = "The access token lacks the scope for this call: updating, rotating and deleting runners needs a token with the " +
		"`manage_runner` or `api` scope (`read_api` only allows reading)."
	HintRetryLater = "GitLab is overloaded or unavailable, and the provider's retries are used up (its `retries` and " +
		"`total_request_timeout` settings). Try again later, or raise them."
	HintTransport = "The provider got no answer from GitLab. Check `base_url`, the network between Terraform and GitLab, and the " +
		"TLS settings (`cacert_file`, `client_cert`, `client_key`, `insecure`)."

	HintUnusableAnswer = "GitLab accepted the request but its answer could not be read: something between Terraform and GitLab " +
		"(a proxy) may have altered it, or `base_url` does not point at GitLab."
	HintMalformedAnswer = "GitLab spells every key of its answers one way, sends each once and writes times in full " +
		"(RFC 3339), so an answer that does not is not GitLab's own: something between Terraform and GitLab (a proxy) may " +
		"have altered it, or `base_url` does not point at GitLab. The provider does not act on it."
	// ManageRunnerPermission says who may manage (read, update, rotate,
	// delete) a runner.
	ManageRunnerPermission = "Managing a runner needs, for a group runner, the Owner role on its group; for a project runner, " +
		"the Maintainer role on its project; for an instance runner, an administrator. The token also needs the `api` or " +
		"`manage_runner` scope."
)

// notVisible is the one wording of an answer that does not tell a missing
// object from one the token's user may not see: GitLab answers 404 (and
// some 400s) for both, so that private objects stay private.
const notVisible = "does not exist, or the token's user cannot see it (GitLab does not tell these apart)"

// NotVisible is the advice for GitLab not finding an object the
// configuration names: "Group 12 does not exist, or the token's user cannot
// see it (GitLab does not tell these apart). Check group_id = 12."
func NotVisible(kind string, id int64, attribute string) string {
	return fmt.Sprintf("%s %d %s. Check %s = %d.", kind, id, notVisible, attribute, id)
}
