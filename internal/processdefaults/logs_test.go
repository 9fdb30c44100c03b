package processdefaults

import (
	"os"
	"reflect"
	"runtime/debug"
	"testing"
)

func TestQuietLogsUnlessRequested(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"nobody reads the logs", map[string]string{},
			map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_GITLABRUNNER": "OFF"}},
		{"TF_LOG set", map[string]string{"TF_LOG": "trace"}, map[string]string{"TF_LOG": "trace"}},
		{"TF_LOG_PROVIDER set", map[string]string{"TF_LOG_PROVIDER": "debug"}, map[string]string{"TF_LOG_PROVIDER": "debug"}},
		{"explicit level kept", map[string]string{"TF_LOG_SDK_FRAMEWORK": "trace"},
			map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "trace", "TF_LOG_PROVIDER_GITLABRUNNER": "OFF"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			quietLogsUnlessRequested(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if !reflect.DeepEqual(env, tc.want) {
				t.Fatalf("environment %v, want %v", env, tc.want)
			}
		})
	}
}

// Apply works on the real process environment, which the SDK reads later.
func TestApplySetsTheProcessEnvironment(t *testing.T) {
	for _, k := range append([]string{"TF_LOG", "TF_LOG_PROVIDER", "GOGC", "GOMEMLIMIT"}, quietLogEnv...) {
		t.Setenv(k, "")
	}
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	Apply()
	for _, k := range quietLogEnv {
		if got := os.Getenv(k); got != "OFF" {
			t.Errorf("%s = %q after Apply, want OFF", k, got)
		}
	}
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Errorf("memory limit %d after Apply, want %d", got, defaultMemoryLimit)
	}
	if got := debug.SetGCPercent(100); got != defaultGCPercent {
		t.Errorf("GC percent %d after Apply, want %d", got, defaultGCPercent)
	}
}
