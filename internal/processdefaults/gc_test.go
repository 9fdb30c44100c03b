package processdefaults

import "testing"

func TestTuneGC(t *testing.T) {
	for _, tc := range []struct {
		name          string
		env           map[string]string
		wantLimit     int64 // 0: left alone
		wantGCPercent int   // 0: left alone
	}{
		{"not tuned by the user", map[string]string{}, defaultMemoryLimit, defaultGCPercent},
		{"GOGC set", map[string]string{"GOGC": "200"}, 0, 0},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var limit int64
			var percent int
			tuneGC(func(k string) string { return tc.env[k] },
				func(l int64) int64 { limit = l; return 0 },
				func(p int) int { percent = p; return 0 })
			if limit != tc.wantLimit || percent != tc.wantGCPercent {
				t.Fatalf("memory limit %d, GC percent %d; want %d, %d", limit, percent, tc.wantLimit, tc.wantGCPercent)
			}
		})
	}
}
