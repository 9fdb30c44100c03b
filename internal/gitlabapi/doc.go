// Package gitlabapi is the provider's client for the GitLab REST API (v4),
// limited to what the runner lifecycle needs.
//
// It hides HTTP from the provider's resources and data sources:
//
//   - typed methods per endpoint: runners (runners.go) and the instance
//     settings, groups, projects, version and runner verification
//     (metadata.go), with their request and answer types (options.go,
//     types.go, json_decode.go), paging (pagination.go) and GitLab's version
//     numbers (version.go);
//   - strict decoding of the answers that can make the provider rotate a
//     token or replace a runner (strict_decode.go): exact key case, no
//     duplicate keys, full RFC 3339 expiries; what is ambiguous is left out
//     and reported (MalformedField, MalformedAnswerError);
//   - one error type, *Error, decoding every error body GitLab produces
//     (errors.go, decode_error.go), with sentinels for errors.Is
//     (ErrNotFound, ...);
//   - retries run by go-retryablehttp under a policy that is safe for a
//     lifecycle provider (retry.go, through retryablehttp's hooks): reads,
//     updates and deletes are retried on 5xx and transport errors, while a
//     POST that creates or rotates something is retried only when it provably
//     never reached the server; otherwise, and when a 2xx answer to it cannot
//     be used (UnusableAnswerError), the caller gets ErrMaybeApplied and must
//     reconcile (so does the assignment of a runner to a project, which is
//     retried because GitLab refuses a repeat as done already). Every call has a total time budget, and an unreachable
//     server fails within seconds;
//   - GitLab's clock as its Date headers tell (ServerNow, server_time.go);
//   - a pooled transport sized for Terraform's parallelism, TLS options and a
//     redirect policy that never forwards credentials to another host
//     (transport.go);
//   - request/response logging through tflog with every secret masked by
//     value (every token seen in an answer, whatever its JSON key) and by
//     shape (logging.go, mask.go); RedactSecrets is the same masking for
//     text the provider builds itself, and Printable strips the control
//     characters of what the server says (decode_error.go).
package gitlabapi
