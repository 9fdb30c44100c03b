package provider

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// newClient builds the GitLab client from the provider block and the
// environment, and returns it with the token it uses. It never calls the API
// (early_auth_check, in Configure, is the one request configuring makes). Each error names
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
	for attr, v := range map[string]interface{ IsUnknown() bool }{
		"base_url": cfg.BaseURL, "token": cfg.Token, "cacert_file": cfg.CACertFile, "insecure": cfg.Insecure,
		"client_cert": cfg.ClientCert, "client_key": cfg.ClientKey, "retries": cfg.Retries, "headers": cfg.Headers,
		"early_auth_check": cfg.EarlyAuthCheck, "request_timeout": cfg.RequestTimeout,
		"total_request_timeout": cfg.TotalRequestTimeout, "unfinished_runners": cfg.UnfinishedRunners,
	} {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root(attr), "Unknown Provider Setting", unknownSettingDetail(attr))
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
	if strings.ContainsAny(out.Token, "\r\n\x00") {
		diags.AddAttributeError(path.Root("token"), "Invalid GitLab Token",
			"The access token (from the \"token\" attribute or "+envToken+") contains a line break or a NUL character; "+
				"GitLab tokens never do. Check how the value is produced (a trailing newline from a file, for example).")
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
	// The schema's validators have checked the durations.
	if d, err := time.ParseDuration(cfg.RequestTimeout.ValueString()); err == nil && d > 0 {
		out.RequestTimeout = d
	}
	if d, err := time.ParseDuration(cfg.TotalRequestTimeout.ValueString()); err == nil && d > 0 {
		out.TotalTimeout = d
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
			at := path.Root("headers").AtMapKey(name)
			s, ok := v.(types.String)
			if !ok || s.IsNull() || s.IsUnknown() {
				diags.AddAttributeError(at, "Invalid Header Value",
					fmt.Sprintf("The header %q has no value; give it a string.", name))
				continue
			}
			if strings.EqualFold(name, "PRIVATE-TOKEN") || strings.EqualFold(name, "Authorization") {
				diags.AddAttributeError(at, "Reserved Header",
					fmt.Sprintf("The header %q carries the access token; set the token with the \"token\" attribute or %s instead.", name, envToken))
				continue
			}
			// The client's own rule, checked here so the error names the entry.
			if err := gitlabapi.CheckHeader(name, s.ValueString(), out.Token != ""); err != nil {
				diags.AddAttributeError(at, "Invalid Header", fmt.Sprintf("headers[%q]: %s.", name, err))
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

// unknownSettingDetail explains an unknown provider setting. Terraform hands
// the provider an unknown value in two situations the user can act on: the
// expression depends on something known only after apply, and, in `terraform
// test`, a test file's provider block refers to a variable the test cannot
// see declared — a value given only by -var or TF_VAR_ then arrives unknown
// (checked on Terraform 1.11; OpenTofu 1.6 refuses the reference instead,
// "Reference to undeclared input variable"). Saying "use a variable" would
// mislead in the second case: it was one.
func unknownSettingDetail(attr string) string {
	env := map[string]string{"base_url": envBaseURL, "token": envToken}[attr]
	fix := "declare the variable in the configuration under test, or give it its value in the test file's " +
		"variables block"
	if env != "" {
		fix = fmt.Sprintf("leave %s out of the provider block and set the %s environment variable (the provider "+
			"reads it itself), declare the variable in the configuration under test, or give it its value in the test "+
			"file's variables block", attr, env)
	}
	return fmt.Sprintf("Terraform passed the provider's %q as unknown when configuring the provider, before planning, "+
		"so the provider cannot use it. Terraform does that when:\n"+
		"  - the value depends on something known only after apply (a resource attribute, or a module output "+
		"computed from one): give it a value known at plan time;\n"+
		"  - in `terraform test`, a provider block of a .tftest.hcl file refers to var.NAME while NAME is declared "+
		"neither in the configuration under test nor in the test file's variables block: a value given only by "+
		"-var or TF_VAR_NAME then reaches the provider block as unknown. There, %s.", attr, fix)
}
