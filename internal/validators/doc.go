// Package validators holds the provider's reusable plan-time checks of
// attribute values. Each error names the attribute, the value it got and
// what is allowed, so a wrong configuration fails at `terraform plan`
// instead of as a 400 from GitLab at apply. Checks that involve several
// attributes of one resource live with that resource.
package validators
