package main

// The stack's clock: gVisor's own faketime.ManualClock, wrapped so that the adapter can
//   - tell when the next timer is due, and advance exactly to it rather than in fixed steps
//     (packets then carry the exact time a timer sent them, and `untilOutput` never overshoots);
//   - run the timers due at one instant one by one, in the order they were created, with the
//     stack settled in between. ManualClock.Advance runs simultaneous timers in Go map order,
//     which is random, and a callback may hand work to a processor goroutine that would then race
//     the next callback: both would make runs differ.
//
// So a timer that expires inside ManualClock only moves to a `due` list; Netstack.settle runs it.

import (
	"sort"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/faketime"
)

// epoch is ManualClock's time zero (it starts at the Unix epoch, not at time.Time{}).
var epoch = time.Unix(0, 0)

type virtualClock struct {
	manual *faketime.ManualClock

	mu      sync.Mutex
	created uint64               // timers created so far: each timer's rank among simultaneous ones
	armed   map[*vtimer]struct{} // timers waiting for their deadline
	due     []*vtimer            // timers whose deadline has come, not yet run
}

func newVirtualClock() *virtualClock {
	return &virtualClock{manual: faketime.NewManualClock(), armed: map[*vtimer]struct{}{}}
}

var _ tcpip.Clock = (*virtualClock)(nil)

// Now implements tcpip.Clock.
func (c *virtualClock) Now() time.Time { return c.manual.Now() }

// NowMonotonic implements tcpip.Clock.
func (c *virtualClock) NowMonotonic() tcpip.MonotonicTime { return c.manual.NowMonotonic() }

// elapsed is the virtual time since the adapter started.
func (c *virtualClock) elapsed() time.Duration { return c.manual.Now().Sub(epoch) }

// AfterFunc implements tcpip.Clock.
func (c *virtualClock) AfterFunc(d time.Duration, f func()) tcpip.Timer {
	c.mu.Lock()
	t := &vtimer{clock: c, f: f, rank: c.created}
	c.created++
	c.mu.Unlock()
	// Created before it is armed, so that an immediate expiry finds it complete.
	t.inner = c.manual.AfterFunc(maxDuration, t.expire)
	t.inner.Stop()
	t.Reset(d)
	return t
}

// maxDuration keeps a timer that is not armed yet out of ManualClock's way.
const maxDuration = time.Duration(1<<63 - 1)

// nextDeadline is when the earliest armed timer is due; ok is false when none is armed.
func (c *virtualClock) nextDeadline() (deadline time.Duration, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for t := range c.armed {
		if d := t.deadline.Sub(epoch); !ok || d < deadline {
			deadline, ok = d, true
		}
	}
	return deadline, ok
}

// advanceTo moves the clock to `to` (never backwards). Timers due on the way must already have
// been run: callers advance to nextDeadline at most, so at most one instant's timers fall due.
func (c *virtualClock) advanceTo(to time.Duration) {
	if now := c.elapsed(); to > now {
		c.manual.Advance(to - now)
	}
}

// runOneDue runs the due timer that was created first; false when none is due.
func (c *virtualClock) runOneDue() bool {
	// ManualClock runs a timer armed for "now" on a goroutine of its own; Advance(0) waits for
	// those, so that every expiry has reached the due list.
	c.manual.Advance(0)
	c.mu.Lock()
	if len(c.due) == 0 {
		c.mu.Unlock()
		return false
	}
	sort.Slice(c.due, func(i, j int) bool { return c.due[i].rank < c.due[j].rank })
	t := c.due[0]
	c.due = c.due[1:]
	c.mu.Unlock()
	t.f()
	return true
}

// vtimer implements tcpip.Timer on top of a ManualClock timer.
type vtimer struct {
	clock *virtualClock
	inner tcpip.Timer
	f     func()
	rank  uint64
	// deadline is when the timer is due, while it is armed or due; zero otherwise.
	deadline time.Time
}

// expire is called by ManualClock when the inner timer fires.
func (t *vtimer) expire() {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	// A stopped timer, or an immediate expiry overtaken by a later Reset, is stale.
	if _, armed := c.armed[t]; !armed || c.manual.Now().Before(t.deadline) {
		return
	}
	delete(c.armed, t)
	c.due = append(c.due, t)
}

// unschedule takes the timer off both lists; it reports whether it was armed or due.
// Stopping a due timer keeps it from running, as if the Stop had come first in that instant.
// Precondition: t.clock.mu is held.
func (t *vtimer) unschedule() bool {
	c := t.clock
	_, was := c.armed[t]
	delete(c.armed, t)
	for i, d := range c.due {
		if d == t {
			c.due = append(c.due[:i:i], c.due[i+1:]...)
			was = true
			break
		}
	}
	t.deadline = time.Time{}
	return was
}

// Stop implements tcpip.Timer.
func (t *vtimer) Stop() bool {
	t.inner.Stop()
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	return t.unschedule()
}

// Reset implements tcpip.Timer.
func (t *vtimer) Reset(d time.Duration) {
	c := t.clock
	c.mu.Lock()
	t.unschedule()
	t.deadline = c.manual.Now().Add(d)
	c.armed[t] = struct{}{}
	c.mu.Unlock()
	// Outside c.mu: an immediate expiry runs expire on another goroutine, which takes c.mu.
	t.inner.Reset(d)
}
