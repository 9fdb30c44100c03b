package processdefaults

// SDK logs only when someone reads them.
//
// terraform-plugin-go and the plugin framework log every RPC at TRACE unless
// told otherwise: each line is JSON-encoded here, written to stderr, parsed
// again by Terraform, and dropped there unless TF_LOG or TF_LOG_PROVIDER is
// set. For a fleet of 500 runners that was about a third of the provider's
// CPU and a quarter of its allocations (`make bench -profile`, BENCHMARKS.md).
// So when Terraform shows no provider logs, the provider writes none; with
// TF_LOG or TF_LOG_PROVIDER set (Terraform passes its environment to the
// provider) nothing changes, and a level set explicitly for one logger wins.
//
// The SDK reads these variables when providerserver.Serve creates its
// loggers, so they must be set before that.

// quietLogEnv are the provider-side log level variables: the SDK
// (terraform-plugin-go), its protocol subsystem, the framework, and this
// provider's own tflog logger (TF_LOG_PROVIDER_<provider name>).
var quietLogEnv = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_GITLABRUNNER"}

func quietLogsUnlessRequested(getenv func(string) string, setenv func(string, string) error) {
	if getenv("TF_LOG") != "" || getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range quietLogEnv {
		if getenv(name) == "" {
			_ = setenv(name, "OFF")
		}
	}
}
