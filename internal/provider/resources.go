package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/actions"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/datasources"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resources/grouprunnersettings"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resources/instancerunnersettings"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resources/projectrunnerassignment"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resources/projectrunnersettings"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resources/runnercontroller"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resources/runnercontrollerscope"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resources/runnercontrollertoken"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/resources/userrunner"
)

// The provider's resources, data sources, list resources and actions, one
// line each: a resource is a package internal/resources/<name> with a New
// constructor (and NewList when it has a list resource, list.go); a data
// source is one file of internal/datasources, an action one of
// internal/actions.

func (p *gitlabrunnerProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		userrunner.New,
		projectrunnerassignment.New,
		instancerunnersettings.New,
		grouprunnersettings.New,
		projectrunnersettings.New,
		runnercontroller.New,
		runnercontrollerscope.New,
		runnercontrollertoken.New,
	}
}

func (p *gitlabrunnerProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		datasources.NewRegistrationPolicy,
		datasources.NewRunner,
		datasources.NewRunners,
		datasources.NewRunnerController,
		datasources.NewRunnerControllers,
		datasources.NewRunnerControllerScopes,
	}
}

func (p *gitlabrunnerProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		userrunner.NewList,
		projectrunnerassignment.NewList,
	}
}

func (p *gitlabrunnerProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		actions.NewDeleteStaleRunners,
	}
}
