// Package provider is the gitlabrunner Terraform provider itself: its type,
// its schema, Configure (settings.go resolves the provider block and the
// environment into a GitLab client) and the list of its resources and data
// sources (resources.go). The resources live in internal/resources/<name>,
// the data sources in internal/datasources.
package provider

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/validators"
)

// Environment variables read when the matching attribute is not set. They are
// the same as GitLab's own provider's, so users can switch without changes.
const (
	envBaseURL = "GITLAB_BASE_URL"
	envToken   = "GITLAB_TOKEN"
)

const (
	defaultBaseURL = "https://gitlab.com/api/v4"
	defaultRetries = 10
)

var (
	_ provider.Provider                     = (*gitlabrunnerProvider)(nil)
	_ provider.ProviderWithConfigValidators = (*gitlabrunnerProvider)(nil)
	_ provider.ProviderWithListResources    = (*gitlabrunnerProvider)(nil)
	_ provider.ProviderWithActions          = (*gitlabrunnerProvider)(nil)
)

type gitlabrunnerProvider struct {
	version string
	opts    Options
}

// Options change how the provider is built; main uses the zero value.
type Options struct {
	// Clock is the provider's clock; nil means time.Now. Tests pass the
	// mock coordinator's clock so that token expiry and rotation are
	// deterministic.
	Clock func() time.Time
	// AdjustClient, when set, changes the client settings before the client
	// is built. Tests use it to shorten timeouts.
	AdjustClient func(*gitlabapi.Config)
}

// providerModel maps the provider block.
type providerModel struct {
	BaseURL    types.String       `tfsdk:"base_url"`
	Token      types.String       `tfsdk:"token"`
	CACertFile types.String       `tfsdk:"cacert_file"`
	Insecure   types.Bool         `tfsdk:"insecure"`
	ClientCert types.String       `tfsdk:"client_cert"`
	ClientKey  types.String       `tfsdk:"client_key"`
	Retries    tfvalue.Int64Value `tfsdk:"retries"`
	Headers    types.Map          `tfsdk:"headers"`

	RequestTimeout      types.String `tfsdk:"request_timeout"`
	TotalRequestTimeout types.String `tfsdk:"total_request_timeout"`
	UnfinishedRunners   types.String `tfsdk:"unfinished_runners"`

	EarlyAuthCheck types.Bool `tfsdk:"early_auth_check"`
}

// New returns the provider constructor used by main and by the docs generator.
func New(version string) func() provider.Provider {
	return NewWithOptions(version, Options{})
}

// NewWithClock is New with an injected clock, for tests.
func NewWithClock(version string, now func() time.Time) func() provider.Provider {
	return NewWithOptions(version, Options{Clock: now})
}

// NewWithOptions is New with Options, for tests.
func NewWithOptions(version string, opts Options) func() provider.Provider {
	return func() provider.Provider {
		return &gitlabrunnerProvider{version: version, opts: opts}
	}
}

func (p *gitlabrunnerProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "gitlabrunner"
	resp.Version = p.version
}

func (p *gitlabrunnerProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages GitLab runners with GitLab's runner creation workflow: runners are created " +
			"through `POST /user/runners` and their `glrt-` authentication tokens are kept in state, rotated and " +
			"revoked by Terraform. The settings are named as in GitLab's own provider.",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The GitLab URL, with or without `/api/v4` (`https://gitlab.example.com`, " +
					"`https://gitlab.example.com/api/v4/`, or a relative-root install such as " +
					"`https://example.com/gitlab`). Falls back to the `GITLAB_BASE_URL` environment variable, then to `" +
					defaultBaseURL + "`.",
			},
			"token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "A personal, group or project access token. Creating runners needs the `create_runner` " +
					"or `api` scope; reading, updating, rotating and deleting them needs `manage_runner` or `api`. " +
					"Falls back to the `GITLAB_TOKEN` environment variable.",
			},
			"cacert_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to a PEM file of CA certificates to trust in addition to the system's, for a GitLab with a private CA.",
			},
			"insecure": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip TLS certificate verification. Only for tests; defaults to `false`.",
			},
			"client_cert": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to a PEM client certificate for mutual TLS. Requires `client_key`.",
			},
			"client_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to the PEM private key of `client_cert`. Requires `client_cert`.",
			},
			"retries": schema.Int64Attribute{
				CustomType: tfvalue.Int64Type{},
				Optional:   true,
				MarkdownDescription: fmt.Sprintf("How many times a failed request is retried (default `%d`), within "+
					"`total_request_timeout`. Rate-limited answers (429) are retried after the server's `Retry-After`; server "+
					"errors and broken connections are retried for reads, updates and deletes, never for a create or a token "+
					"rotation that may have reached GitLab. A GitLab that cannot be reached at all gets at most 2 quick retries.",
					defaultRetries),
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"headers": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Extra HTTP headers sent with every request (for example to pass a proxy). They cannot replace the " +
					"`PRIVATE-TOKEN` header or the headers the provider sets itself (`User-Agent`, `Content-Type`, `Accept`); names are " +
					"HTTP tokens, values have no line breaks or NUL characters (each entry is checked at plan). Their values are " +
					"masked in logs and diagnostics.",
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How long one attempt of a request may wait for GitLab (connect, send, answer), as a Go "+
					"duration (default `%s`, GitLab's own limit for a request). An attempt without an answer by then is abandoned: "+
					"a read, update or delete is retried, a create or token rotation is reconciled (see the reliability guide).",
					shortDuration(gitlabapi.DefaultRequestTimeout)),
				Validators: []validator.String{validators.PositiveDuration()},
			},
			"total_request_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("The longest one request may take, every retry and wait included, as a Go "+
					"duration (default `%s`). A `Retry-After` longer than what is left fails the request at once, naming the "+
					"wait; a GitLab that cannot be reached fails within seconds. Creating a runner takes at most three times "+
					"this long (see `unfinished_runners`).", shortDuration(gitlabapi.DefaultTotalTimeout)),
				Validators: []validator.String{validators.PositiveDuration()},
			},
			"unfinished_runners": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "What to do with a runner left by a create of this configuration that never finished " +
					"(a killed provider; a create GitLab applied after the provider gave up) when no create of the apply adopts " +
					"it: `report` (the default: a warning names it, it is kept) or `delete` (an apply deletes it; a plan or " +
					"refresh never does). Only runners proven this configuration's and abandoned count (reliability guide).",
				Validators: []validator.String{stringvalidator.OneOf(providerdata.UnfinishedDelete, providerdata.UnfinishedReport)},
			},
			"early_auth_check": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Check the token while the provider is configured, with one request " +
					"(`GET /personal_access_tokens/self`), so that a wrong, expired or revoked token fails `terraform plan` " +
					"(default `true`, as in GitLab's provider; the `" + envEarlyAuthCheck + "` environment variable supplies " +
					"the default). `false` configures offline. The provider page says what is checked.",
			},
		},
	}
}

// shortDuration writes d as a person would in a configuration: "60s", "2m".
func shortDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0 && d >= 2*time.Minute:
		return fmt.Sprintf("%dm", d/time.Minute)
	default:
		return fmt.Sprintf("%ds", d/time.Second)
	}
}

func (p *gitlabrunnerProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{
		providervalidator.RequiredTogether(
			path.MatchRoot("client_cert"),
			path.MatchRoot("client_key"),
		),
	}
}

func (p *gitlabrunnerProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	userAgent := fmt.Sprintf("terraform-provider-gitlabrunner/%s (+https://registry.terraform.io/providers/gitlabrunner/gitlabrunner) Terraform/%s",
		p.version, req.TerraformVersion)
	client, token, diags := newClient(cfg, os.Getenv, userAgent, p.opts.AdjustClient)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The token is a secret: mask it in everything the provider logs.
	ctx = tflog.MaskMessageStrings(ctx, token)
	tflog.Debug(ctx, "configured the GitLab client", map[string]any{"base_url": client.BaseURL().String()})

	earlyAuth, diags := earlyAuthCheckEnabled(cfg.EarlyAuthCheck, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if earlyAuth && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(checkToken(ctx, client, tokenSource(cfg))...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerdata.Data{Client: client, Clock: p.opts.Clock, UnfinishedRunners: cfg.UnfinishedRunners.ValueString()}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}
