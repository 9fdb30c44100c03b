// Package gitlabapi is the provider's client for the GitLab REST API (v4),
// limited to what the runner lifecycle needs.
//
// It hides HTTP from the provider's resources and data sources:
//
//   - typed methods per endpoint (runners.go, settings.go, metadata.go, verify.go);
//   - one error type, *Error, decoding every error body GitLab produces
//     (errors.go), with sentinels for errors.Is (ErrNotFound, ...);
//   - a retry policy that is safe for a lifecycle provider (retry.go): reads,
//     updates and deletes are retried on 5xx and transport errors, while a
//     POST that creates or rotates something is retried only when it provably
//     never reached the server; otherwise the caller gets ErrMaybeApplied and
//     must reconcile;
//   - a pooled transport sized for Terraform's parallelism, TLS options and a
//     redirect policy that never forwards credentials to another host
//     (transport.go);
//   - request/response logging through tflog with every token masked
//     (logging.go).
package gitlabapi
