package runnercontrollers

import (
	"context"
	"errors"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

// CheckPlan refuses at plan time a server or token that cannot do what need
// asks for (Check). Before the provider is configured (its settings depend
// on other resources) it checks nothing: Terraform plans again with a
// configured provider during the apply, and the check runs then.
func CheckPlan(ctx context.Context, data *providerdata.Data, need Need, diags *diag.Diagnostics) {
	if data == nil || data.Client == nil {
		return
	}
	if p := Check(ctx, data, need); p != nil {
		diags.AddError(p.Summary, p.Detail())
	}
}

// Failure is the summary and detail of the diagnostic of a failed call:
// GitLab's 401, 403 and 404 are explained by Check when it finds the
// server or the token lacking; any other failure reads summary, with
// diagnostics.APIError(attempted, err, hints...).
func Failure(ctx context.Context, data *providerdata.Data, need Need, summary, attempted string, err error, hints ...string) (string, string) {
	switch diagnostics.Status(err) {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		if p := Check(ctx, data, need); p != nil {
			return p.Summary, diagnostics.APIError(attempted, err, p.Advice)
		}
	}
	return summary, diagnostics.APIError(attempted, err, hints...)
}

// GoneEvidence decides what a 404 to reading a controller (or what hangs
// from it) means: gone is true only when GitLab, asked right now, answers
// GET /runner_controllers for this token, so that the 404 cannot stem from
// a licence, a version or a permission; otherwise problem says why not
// (also when the check got no answer: then nothing is known).
func GoneEvidence(ctx context.Context, client *gitlabapi.Client) (gone bool, problem *Problem) {
	p := CheckNow(ctx, client, Controllers)
	return p == nil, p
}

// DeletedAlready reports whether err, GitLab's answer to deleting a
// controller or what hangs from it, means that it is gone already: a 404
// that GoneEvidence confirms. Any other answer is the delete's error.
func DeletedAlready(ctx context.Context, client *gitlabapi.Client, err error) bool {
	if !errors.Is(err, gitlabapi.ErrNotFound) {
		return false
	}
	gone, _ := GoneEvidence(ctx, client)
	return gone
}
