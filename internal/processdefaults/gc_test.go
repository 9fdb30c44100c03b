package processdefaults

import "testing"

func TestTuneGC(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want int64 // 0: left alone
	}{
		{"not tuned by the user", map[string]string{}, defaultMemoryLimit},
		{"GOGC set", map[string]string{"GOGC": "200"}, 0},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got int64
			tuneGC(func(k string) string { return tc.env[k] }, func(l int64) int64 { got = l; return 0 })
			if got != tc.want {
				t.Fatalf("memory limit set to %d, want %d", got, tc.want)
			}
		})
	}
}
