package gitlabapi

import (
	"net/http"
	"sync/atomic"
	"time"
)

// serverClock follows how far GitLab's clock is from ours, from the Date
// header of its answers, so that times compared with GitLab's (runners'
// created_at, creation markers) need no agreement between the clocks of the
// machines that run Terraform.
type serverClock struct {
	offset atomic.Int64 // server minus local, in nanoseconds
	known  atomic.Bool
}

// observe records the Date header of an answer received at local time now.
// Date has a resolution of one second: the server's time is taken as the
// middle of that second.
func (s *serverClock) observe(date string, now time.Time) {
	if date == "" {
		return
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return
	}
	s.offset.Store(int64(t.Add(500 * time.Millisecond).Sub(now)))
	s.known.Store(true)
}

// ServerNow is GitLab's current time as the Date headers of its answers
// tell (to about a second), or the local clock before any answer carried
// one. It reports whether it comes from GitLab.
func (c *Client) ServerNow() (time.Time, bool) {
	now := timeNow()
	if !c.serverTime.known.Load() {
		return now.UTC(), false
	}
	return now.Add(time.Duration(c.serverTime.offset.Load())).UTC(), true
}
