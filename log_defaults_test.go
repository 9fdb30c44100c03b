package main

import (
	"reflect"
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
