// Package diagnostics is the one way the provider explains a failed GitLab
// call. A diagnostic has a short Title Case summary; its detail, built by
// APIError, says what was attempted (on which runner or scope), what GitLab
// answered (status and message) and what to do about it. The advice shared by
// resources and data sources (hints about the token, its scopes, retries and
// the network) and the wording of a runner's scope live here too.
//
// Token values never appear: the client masks what it returns, and
// gitlabapi.RedactSecrets masks anything that looks like one again as a
// second line of defence.
package diagnostics
