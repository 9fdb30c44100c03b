// Package provider implements the gitlabrunner Terraform provider: the
// provider configuration, the gitlabrunner_user_runner resource and the
// registration-policy and runner data sources.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
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
)

// ProviderData is what every resource and data source receives in Configure.
type ProviderData struct {
	Client *gitlabapi.Client
	// Now is the provider's clock. Tests replace it with the mock
	// coordinator's clock so token expiry and rotation are deterministic.
	Now func() time.Time
}

type gitlabrunnerProvider struct {
	version string
	now     func() time.Time
	// adjustClient, when set, changes the client settings before the client
	// is built. Tests use it to shorten timeouts; nil in real use.
	adjustClient func(*gitlabapi.Config)
}

// providerModel maps the provider block.
type providerModel struct {
	BaseURL    types.String `tfsdk:"base_url"`
	Token      types.String `tfsdk:"token"`
	CACertFile types.String `tfsdk:"cacert_file"`
	Insecure   types.Bool   `tfsdk:"insecure"`
	ClientCert types.String `tfsdk:"client_cert"`
	ClientKey  types.String `tfsdk:"client_key"`
	Retries    types.Int64  `tfsdk:"retries"`
	Headers    types.Map    `tfsdk:"headers"`
}

// New returns the provider constructor used by main and by the docs generator.
func New(version string) func() provider.Provider {
	return NewWithClock(version, time.Now)
}

// NewWithClock is New with an injected clock, for tests.
func NewWithClock(version string, now func() time.Time) func() provider.Provider {
	return func() provider.Provider {
		return &gitlabrunnerProvider{version: version, now: now}
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
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a failed request is retried (default `%d`). Rate-limited "+
					"answers (429) are retried after the server's `Retry-After`; server errors and broken connections are "+
					"retried for reads, updates and deletes, never for a create or a token rotation that may have reached GitLab.",
					defaultRetries),
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"headers": schema.MapAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Extra HTTP headers sent with every request (for example to pass a proxy). They cannot replace the `PRIVATE-TOKEN` header.",
			},
		},
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
	client, token, diags := newClient(cfg, os.Getenv, userAgent, p.adjustClient)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The token is a secret: mask it in everything the provider logs.
	ctx = tflog.MaskMessageStrings(ctx, token)
	tflog.Debug(ctx, "configured the GitLab client", map[string]any{"base_url": client.BaseURL().String()})

	data := &ProviderData{Client: client, Now: p.now}
	resp.ResourceData = data
	resp.DataSourceData = data
}

// newClient builds the GitLab client from the provider block and the
// environment, and returns it with the token it uses. It never calls the API,
// so plans of configurations without resources work offline. Each error names
// the attribute and the value; adjust, when set, changes the settings first
// (tests shorten timeouts).
func newClient(cfg providerModel, getenv func(string) string, userAgent string, adjust func(*gitlabapi.Config)) (*gitlabapi.Client, string, diag.Diagnostics) {
	settings, urlSource, diags := resolveSettings(cfg, getenv)
	if diags.HasError() {
		return nil, "", diags
	}
	settings.UserAgent = userAgent
	if adjust != nil {
		adjust(&settings)
	}
	// NewClient is the one place base_url is normalised and checked.
	client, err := gitlabapi.NewClient(settings)
	switch {
	case errors.Is(err, gitlabapi.ErrInvalidBaseURL):
		diags.AddAttributeError(path.Root("base_url"), "Invalid GitLab Base URL",
			// err quotes the value with any password redacted; the raw value may hold one.
			fmt.Sprintf("The base_url from %s is not usable: %s", urlSource, err))
		return nil, "", diags
	case err != nil:
		diags.AddError("Invalid Provider Configuration", "The gitlabrunner provider could not set up its GitLab client: "+err.Error())
		return nil, "", diags
	}
	if u := client.BaseURL(); u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		diags.AddAttributeWarning(path.Root("base_url"), "Plain HTTP GitLab URL",
			fmt.Sprintf("The base_url %q uses plain http to a host that is not this machine: the access token "+
				"and the runner tokens GitLab returns travel unencrypted. Use https.", settings.BaseURL))
	}
	return client, settings.Token, diags
}

// resolveSettings turns the provider block and the environment into client
// settings, and says where base_url came from. Each error names the
// attribute and the value.
func resolveSettings(cfg providerModel, getenv func(string) string) (gitlabapi.Config, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	unknown := func(attr, what string) {
		diags.AddAttributeError(path.Root(attr), "Unknown "+what,
			fmt.Sprintf("The provider's %q is not known until apply, but the provider must be configured before "+
				"anything can be planned. Set it to a value known at plan time (a literal, a variable or an "+
				"environment variable).", attr))
	}
	for attr, v := range map[string]interface{ IsUnknown() bool }{
		"base_url": cfg.BaseURL, "token": cfg.Token, "cacert_file": cfg.CACertFile, "insecure": cfg.Insecure,
		"client_cert": cfg.ClientCert, "client_key": cfg.ClientKey, "retries": cfg.Retries, "headers": cfg.Headers,
	} {
		if v.IsUnknown() {
			unknown(attr, "Provider Setting")
		}
	}
	if diags.HasError() {
		return gitlabapi.Config{}, "", diags
	}

	out := gitlabapi.Config{Retries: defaultRetries}

	// base_url: configuration, then GITLAB_BASE_URL, then gitlab.com.
	rawURL, urlSource := defaultBaseURL, "the default"
	if v := strings.TrimSpace(getenv(envBaseURL)); v != "" {
		rawURL, urlSource = v, "the "+envBaseURL+" environment variable"
	}
	if !cfg.BaseURL.IsNull() {
		rawURL, urlSource = cfg.BaseURL.ValueString(), "the provider configuration"
	}
	out.BaseURL = rawURL

	// token: configuration, then GITLAB_TOKEN. Never echoed back.
	out.Token = getenv(envToken)
	if !cfg.Token.IsNull() {
		out.Token = cfg.Token.ValueString()
	}
	if strings.TrimSpace(out.Token) == "" {
		diags.AddAttributeError(path.Root("token"), "Missing GitLab Token",
			"The provider needs a GitLab access token: set the "+envToken+" environment variable or the provider's "+
				"\"token\" attribute. Creating runners needs a token with the create_runner or api scope.")
	}

	out.Insecure = cfg.Insecure.ValueBool()
	if !cfg.Retries.IsNull() {
		out.Retries = int(cfg.Retries.ValueInt64())
	}

	for attr, v := range map[string]types.String{"cacert_file": cfg.CACertFile, "client_cert": cfg.ClientCert, "client_key": cfg.ClientKey} {
		if v.IsNull() {
			continue
		}
		if err := checkReadableFile(v.ValueString()); err != nil {
			diags.AddAttributeError(path.Root(attr), "Unreadable Certificate File",
				fmt.Sprintf("The %s %q cannot be used: %s", attr, v.ValueString(), err))
		}
	}
	out.CACertFile = cfg.CACertFile.ValueString()
	out.ClientCertFile = cfg.ClientCert.ValueString()
	out.ClientKeyFile = cfg.ClientKey.ValueString()

	if !cfg.Headers.IsNull() {
		out.Headers = map[string]string{}
		for name, v := range cfg.Headers.Elements() {
			s, ok := v.(types.String)
			if !ok || s.IsNull() || s.IsUnknown() {
				diags.AddAttributeError(path.Root("headers").AtMapKey(name), "Invalid Header Value",
					fmt.Sprintf("The header %q has no value; give it a string.", name))
				continue
			}
			if !gitlabapi.ValidHeaderName(name) {
				diags.AddAttributeError(path.Root("headers").AtMapKey(name), "Invalid Header Name",
					fmt.Sprintf("%q is not a valid HTTP header name: use letters, digits and '-' only.", name))
				continue
			}
			if strings.EqualFold(name, "PRIVATE-TOKEN") || strings.EqualFold(name, "Authorization") {
				diags.AddAttributeError(path.Root("headers").AtMapKey(name), "Reserved Header",
					fmt.Sprintf("The header %q carries the access token; set the token with the \"token\" attribute or %s instead.", name, envToken))
				continue
			}
			out.Headers[name] = s.ValueString()
		}
	}
	return out, urlSource, diags
}

func checkReadableFile(name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("the path is empty")
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.IsDir() {
		return fmt.Errorf("it is a directory, not a PEM file")
	}
	return nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (p *gitlabrunnerProvider) Resources(context.Context) []func() resource.Resource {
	return providerResources()
}

func (p *gitlabrunnerProvider) DataSources(context.Context) []func() datasource.DataSource {
	return providerDataSources()
}

// configuredProviderData extracts the ProviderData passed to a resource's or
// data source's Configure. It returns nil without error when the provider is
// not configured yet (Terraform calls Configure early, during validation):
// ready reports that case if an operation then needs the client.
func configuredProviderData(providerData any, diags *diag.Diagnostics) *ProviderData {
	if providerData == nil {
		return nil
	}
	data, ok := providerData.(*ProviderData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *provider.ProviderData, got %T. This is a bug in the provider; please report it.", providerData))
		return nil
	}
	return data
}

// ready reports whether d holds a GitLab client. When it does not, an
// operation ran before the provider was configured: ready adds the one
// "Provider Not Configured" error.
func (d *ProviderData) ready(diags *diag.Diagnostics) bool {
	if d != nil && d.Client != nil {
		return true
	}
	diags.AddError("Provider Not Configured",
		"The gitlabrunner provider has no GitLab client: it was not configured (base_url, token) before this operation ran. "+
			"Check the provider block and run again; if it is configured, this is a bug in the provider or in Terraform, "+
			"please report it.")
	return false
}
