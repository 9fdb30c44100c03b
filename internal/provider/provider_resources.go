package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The provider's resources and data sources. One line each; the
// implementations live in one file per resource or data source.

func providerResources() []func() resource.Resource {
	return []func() resource.Resource{
		NewUserRunnerResource,
	}
}

func providerDataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewRegistrationPolicyDataSource,
		NewRunnerDataSource,
		NewRunnersDataSource,
	}
}
