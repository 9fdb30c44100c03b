package providerdata

import (
	"context"
	"errors"
	"time"
)

// InterruptGrace is how long the steps that find out what an interrupted
// request did go on after Terraform cancelled the operation (Ctrl-C):
// Terraform waits for the provider's answer, and saves the state it gets.
const InterruptGrace = 15 * time.Second

// OutlastInterrupt returns the context of steps that must not be abandoned
// half-way, such as reading back what a request whose answer was lost did:
// it survives the cancellation of parent (Terraform interrupted) for grace
// more, and ends at deadline when that is not zero.
func OutlastInterrupt(parent context.Context, grace time.Duration, deadline time.Time) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	if !deadline.IsZero() {
		var cancelDeadline context.CancelFunc
		ctx, cancelDeadline = context.WithDeadline(ctx, deadline)
		inner := cancel
		cancel = func() { cancelDeadline(); inner() }
	}
	stop := context.AfterFunc(parent, func() { time.AfterFunc(grace, cancel) })
	return ctx, func() { stop(); cancel() }
}

// Interrupted reports that Terraform cancelled the operation of ctx (Ctrl-C,
// SIGTERM): it is stopping.
func Interrupted(ctx context.Context) bool { return errors.Is(ctx.Err(), context.Canceled) }
