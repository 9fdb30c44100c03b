package processdefaults

import "testing"

func TestTuneGC(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want int // 0: left alone
	}{
		{"not tuned by the user", map[string]string{}, defaultGCPercent},
		{"GOGC set", map[string]string{"GOGC": "200"}, 0},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := 0
			tuneGC(func(k string) string { return tc.env[k] }, func(p int) int { got = p; return 100 })
			if got != tc.want {
				t.Fatalf("GC percent set to %d, want %d", got, tc.want)
			}
		})
	}
}
