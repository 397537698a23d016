package main

// Socket options (set-option) on gVisor's endpoints, as its sentry's setsockopt sets them
// (pkg/sentry/socket/netstack/netstack.go). Set on the connection calls act on; before there is
// one, on the listeners and on every endpoint made from then on, as the Linux agent does.
// gVisor's netstack has no urgent data (pkg/tcpip/socketops.go, SetOutOfBandInline), and nothing
// here pretends otherwise.

import (
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// optionNames are the options the hello announces, in the protocol's spelling.
// Keep-alives come after their times, so that the times are in place when keep-alives go on.
var optionNames = []string{"nodelay", "rcvbuf", "sndbuf", "keepalive-idle", "keepalive-interval", "keepalive-count", "keepalive", "user-timeout", "linger"}

// socketOptions holds each option's value once set.
type socketOptions map[string]int64

func (a *app) setOption(name string, value int64) tcpip.Error {
	known := false
	for _, n := range optionNames {
		known = known || n == name
	}
	if !known {
		return &tcpip.ErrUnknownProtocolOption{}
	}
	if c := a.current(); c != nil {
		return applyOption(c.ep, name, value, true)
	}
	if a.options == nil {
		a.options = socketOptions{}
	}
	a.options[name] = value
	for _, l := range a.listeners {
		if err := applyOption(l, name, value, true); err != nil {
			return err
		}
	}
	return nil
}

// applyOptions sets the options set so far, as setsockopt does in gVisor's sentry
// (pkg/sentry/socket/netstack/netstack.go, setSockOptSocket and clampBufSize): buffer sizes are
// clamped to the stack's limits and doubled for overhead, as Linux does. An accepted connection
// takes its receive buffer from the listener (accept.go, createConnectingEndpoint), so withRcvbuf
// is false for it.
func (a *app) applyOptions(ep tcpip.Endpoint, withRcvbuf bool) {
	for _, name := range optionNames {
		if value, ok := a.options[name]; ok {
			applyOption(ep, name, value, withRcvbuf)
		}
	}
}

// applyOption sets one option on ep; durations arrive in milliseconds.
func applyOption(ep tcpip.Endpoint, name string, value int64, withRcvbuf bool) tcpip.Error {
	ops := ep.SocketOptions()
	ms := time.Duration(value) * time.Millisecond
	switch name {
	case "nodelay":
		ops.SetDelayOption(value == 0)
	case "sndbuf":
		min, max := ops.SendBufferLimits()
		ops.SetSendBufferSize(bufferSize(value, min, max), true)
	case "rcvbuf":
		if withRcvbuf {
			min, max := ops.ReceiveBufferLimits()
			ops.SetReceiveBufferSize(bufferSize(value, min, max), true)
		}
	case "keepalive":
		ops.SetKeepAlive(value != 0)
	case "keepalive-idle":
		option := tcpip.KeepaliveIdleOption(ms)
		return ep.SetSockOpt(&option)
	case "keepalive-interval":
		option := tcpip.KeepaliveIntervalOption(ms)
		return ep.SetSockOpt(&option)
	case "keepalive-count":
		return ep.SetSockOptInt(tcpip.KeepaliveCountOption, int(value))
	case "user-timeout":
		option := tcpip.TCPUserTimeoutOption(ms)
		return ep.SetSockOpt(&option)
	case "linger":
		ops.SetLinger(tcpip.LingerOption{Enabled: true, Timeout: ms})
	}
	return nil
}

func bufferSize(v, min, max int64) int64 {
	if v > max {
		v = max
	}
	if v *= 2; v < min {
		v = min
	}
	return v
}
