package main

// The application on top of the stack: the protocol's calls made through gVisor's endpoint API
// (tcpip.Endpoint), the way a non-blocking socket program would make them. It behaves as
// tcpconform's Linux agent does (native/agent/sockets.c), so that cases read the same on both:
//   - write accepts every octet at once; what the send buffer cannot take is held and written as
//     it drains. shutdown and close made while octets are held take effect once they are written.
//   - it reads only when asked, so stop-reading needs no action.
//   - an error on a connection (reset, refused, timed out) is reported once, as an event, unless
//     the application has closed that connection, and fails the next read or write.
//   - the peer's FIN is reported once, as closing, when the connection reaches a state past it.
// Endpoints are polled at fixed points (pump, after the stack settles) rather than through waiter
// callbacks, so events come out in the same order in every run.

import (
	"io"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

const (
	pattern = "abcdefghijklmnopqrstuvwxyz"
	// chunk is the most one Write hands the endpoint; a multiple of 26 keeps the pattern aligned.
	chunk   = 26 * 2520
	backlog = 128
)

// patternChunk holds the pattern from every starting offset: patternChunk[k%26:][:n].
var patternChunk = func() []byte {
	b := make([]byte, chunk+len(pattern))
	for i := range b {
		b[i] = pattern[i%len(pattern)]
	}
	return b
}()

type connection struct {
	ep           tcpip.Endpoint
	connecting   bool // an active open not yet reported connected
	watching     bool // an error is still to be reported
	eofReported  bool
	closingTold  bool        // the peer's FIN was reported
	pendingError tcpip.Error // the error reported, kept for the next read or write
	shut         bool   // shutdown was called
	shutWhenSent bool   // ... while octets were held
	closing      bool   // close was called (maybe waiting for held octets)
	closed       bool   // ... and made on the endpoint
	held         int64  // octets accepted by write that the endpoint has not taken yet
	sent         uint64 // octets the endpoint has taken: the pattern's offset
}

type app struct {
	ns  *Netstack
	out *output

	listeners  []tcpip.Endpoint
	conns      []*connection // oldest first; closed ones stay (the stack may still hold them)
	lastClosed *connection   // the connection the application closed or aborted last, for `state`
	options    socketOptions // set-option values, for every endpoint made from now on (options.go)
}

func newApp(ns *Netstack, out *output) *app { return &app{ns: ns, out: out} }

// current is the oldest connection the application has not closed: the one calls act on.
func (a *app) current() *connection {
	for _, c := range a.conns {
		if !c.closing {
			return c
		}
	}
	return nil
}

// newEndpoint makes a TCP endpoint of `network` (ipv4.ProtocolNumber or ipv6.ProtocolNumber).
func (a *app) newEndpoint(network tcpip.NetworkProtocolNumber) (tcpip.Endpoint, tcpip.Error) {
	ep, err := a.ns.stack.NewEndpoint(tcp.ProtocolNumber, network, &waiter.Queue{})
	if err != nil {
		return nil, err
	}
	// As the agent does: a case may reuse a port still in TIME-WAIT.
	ep.SocketOptions().SetReuseAddress(true)
	a.applyOptions(ep, true)
	return ep, nil
}

// listen listens on the stack's IPv4 address and on its IPv6 one: an endpoint each, bound to the
// address, as a server bound to each of its addresses is.
func (a *app) listen(port uint16) tcpip.Error {
	for _, local := range []struct {
		network tcpip.NetworkProtocolNumber
		addr    tcpip.Address
	}{{ipv4.ProtocolNumber, a.ns.local}, {ipv6.ProtocolNumber, a.ns.local6}} {
		ep, err := a.newEndpoint(local.network)
		if err != nil {
			return err
		}
		if err := ep.Bind(tcpip.FullAddress{Addr: local.addr, Port: port}); err != nil {
			ep.Close()
			return err
		}
		if err := ep.Listen(backlog); err != nil {
			ep.Close()
			return err
		}
		a.listeners = append(a.listeners, ep)
	}
	return nil
}

func (a *app) connect(host tcpip.Address, port, localPort uint16) tcpip.Error {
	network, local := tcpip.NetworkProtocolNumber(ipv4.ProtocolNumber), a.ns.local
	if len(host) == 16 {
		network, local = ipv6.ProtocolNumber, a.ns.local6
	}
	ep, err := a.newEndpoint(network)
	if err != nil {
		return err
	}
	if localPort != 0 {
		if err := ep.Bind(tcpip.FullAddress{Addr: local, Port: localPort}); err != nil {
			ep.Close()
			return err
		}
	}
	switch err := ep.Connect(tcpip.FullAddress{NIC: nicID, Addr: host, Port: port}); err.(type) {
	case nil, *tcpip.ErrConnectStarted:
	default:
		ep.Close()
		return err
	}
	a.conns = append(a.conns, &connection{ep: ep, connecting: true, watching: true})
	return nil
}

// emit writes an application event with the virtual time it happens at.
func (a *app) emit(e event) {
	at := milliseconds(a.ns.clock.elapsed())
	e.Time = &at
	a.out.event(e)
}

// takePendingError fails a read or write with the error reported, once, as a socket does.
func (c *connection) takePendingError() tcpip.Error {
	err := c.pendingError
	c.pendingError = nil
	return err
}

func (a *app) write(bytes int64) (int64, tcpip.Error) {
	c := a.current()
	if c == nil {
		return 0, &tcpip.ErrNotConnected{}
	}
	if err := c.takePendingError(); err != nil {
		return 0, err
	}
	if c.shut {
		return 0, &tcpip.ErrClosedForSend{}
	}
	c.held += bytes
	if !c.connecting {
		if err := a.writeHeld(c); err != nil {
			return 0, err
		}
	}
	return bytes, nil
}

// writeHeld hands held octets to the endpoint until it takes no more.
func (a *app) writeHeld(c *connection) tcpip.Error {
	for c.held > 0 {
		n := c.held
		if n > chunk {
			n = chunk
		}
		offset := c.sent % uint64(len(pattern))
		payload := &sliceReader{b: patternChunk[offset : offset+uint64(n)]}
		written, err := c.ep.Write(payload, tcpip.WriteOptions{})
		c.held -= written
		c.sent += uint64(written)
		switch err.(type) {
		case nil:
			if written == 0 {
				return nil
			}
		case *tcpip.ErrWouldBlock:
			return nil
		default:
			c.held = 0
			return err
		}
	}
	return nil
}

// sliceReader is a tcpip.Payloader over a byte slice.
type sliceReader struct{ b []byte }

func (r *sliceReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func (r *sliceReader) Len() int { return len(r.b) }

// read takes up to max octets (all there are when max < 0) from the receive buffer; eof says it
// reached the end of the peer's data.
func (a *app) read(max int64) (total int64, eof bool, err tcpip.Error) {
	c := a.current()
	if c == nil {
		return 0, false, &tcpip.ErrNotConnected{}
	}
	if err := c.takePendingError(); err != nil {
		return 0, false, err
	}
	for max < 0 || total < max {
		limit := int64(1 << 30)
		if max >= 0 {
			limit = max - total
		}
		res, readErr := c.ep.Read(&tcpip.LimitedWriter{W: io.Discard, N: limit}, tcpip.ReadOptions{})
		total += int64(res.Count)
		switch readErr.(type) {
		case nil:
			if res.Count == 0 {
				return total, false, nil
			}
			continue
		case *tcpip.ErrWouldBlock:
		case *tcpip.ErrClosedForReceive:
			eof = true
			if !c.eofReported {
				c.eofReported = true
				a.emit(event{Event: "eof"})
			}
		default:
			// The stack's error, before the application was told of it: told now. After some octets
			// the read answers with them, and the error waits for the next call.
			if c.watching {
				c.watching = false
				a.emit(event{Event: "error", Error: errnoName(readErr)})
			}
			if total == 0 {
				return 0, false, readErr
			}
			c.pendingError = readErr
		}
		break
	}
	return total, eof, nil
}

func (a *app) shutdown() tcpip.Error {
	c := a.current()
	if c == nil {
		return &tcpip.ErrNotConnected{}
	}
	c.shut = true
	if c.held > 0 {
		c.shutWhenSent = true
		return nil
	}
	return c.ep.Shutdown(tcpip.ShutdownWrite)
}

// closeListeners is CLOSE or ABORT with no connection left: it acts on the listeners.
func (a *app) closeListeners() tcpip.Error {
	if len(a.listeners) == 0 {
		return &tcpip.ErrNotConnected{}
	}
	for _, l := range a.listeners {
		l.Close()
	}
	a.listeners = nil
	return nil
}

func (a *app) close() tcpip.Error {
	c := a.current()
	if c == nil {
		return a.closeListeners()
	}
	c.closing = true
	c.watching = false
	a.lastClosed = c
	a.finishIfWritten(c)
	return nil
}

// abort is RFC 9293 ABORT as an application makes it: SO_LINGER 0, then close. gVisor's
// closeLocked (endpoint.go) then resets the connection in SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1,
// FIN-WAIT-2 and CLOSE-WAIT. (Endpoint.Abort is the stack's own teardown, not an application call.)
func (a *app) abort() tcpip.Error {
	c := a.current()
	if c == nil {
		return a.closeListeners()
	}
	c.ep.SocketOptions().SetLinger(tcpip.LingerOption{Enabled: true, Timeout: 0})
	c.closing, c.closed, c.watching, c.held = true, true, false, 0
	a.lastClosed = c
	c.ep.Close()
	return nil
}

// finishIfWritten carries out a shutdown or close that waited for held octets.
func (a *app) finishIfWritten(c *connection) {
	if c.held > 0 {
		return
	}
	if c.shutWhenSent {
		c.shutWhenSent = false
		c.ep.Shutdown(tcpip.ShutdownWrite)
	}
	if c.closing && !c.closed {
		c.closed = true
		c.ep.Close()
	}
}

// pump is the application's turn after the stack settles: it accepts what has arrived, notices
// connections completing or failing, and writes held octets. It reports whether it acted on the
// stack, in which case the caller settles again and pumps once more.
func (a *app) pump() bool {
	acted := false
	for _, l := range a.listeners {
		for {
			var remote tcpip.FullAddress
			ep, _, err := l.Accept(&remote)
			if err != nil {
				break
			}
			a.applyOptions(ep, false)
			a.conns = append(a.conns, &connection{ep: ep, watching: true})
			a.emit(event{Event: "accepted", RemotePort: int(remote.Port)})
			acted = true
		}
	}
	for _, c := range a.conns {
		state := tcp.EndpointState(c.ep.State())
		failed := state == tcp.StateError || state == tcp.StateClose
		switch {
		case c.connecting && failed:
			c.connecting = false
			a.reportError(c)
		case c.connecting && state != tcp.StateSynSent && state != tcp.StateConnecting:
			c.connecting = false
			a.emit(event{Event: "connected"})
		case failed && c.watching:
			a.reportError(c)
		case c.watching && !c.closingTold && peerFinished(state):
			c.closingTold = true
			a.emit(event{Event: "closing"})
		}
		if failed {
			c.held = 0 // nothing more will be sent; a close waiting for it goes ahead
		}
		if c.held > 0 && !c.connecting {
			before := c.held
			if err := a.writeHeld(c); err != nil {
				a.reportError(c)
			}
			acted = acted || c.held != before
		}
		if c.held == 0 && (c.shutWhenSent || (c.closing && !c.closed)) {
			a.finishIfWritten(c)
			acted = true
		}
	}
	return acted
}

// reportError reports the connection's error once, as the agent reports SO_ERROR.
func (a *app) reportError(c *connection) {
	c.held = 0
	if !c.watching {
		return
	}
	c.watching = false
	// nil when the connection simply ended (both FINs done), or when a read already took the error.
	// Taking it clears it in the endpoint, so the next read or write gets it from here.
	if err := c.ep.LastError(); err != nil {
		c.pendingError = err
		a.emit(event{Event: "error", Error: errnoName(err)})
	}
}

// peerFinished says whether the peer's FIN has been processed (RFC 9293's states after it).
func peerFinished(s tcp.EndpointState) bool {
	return s == tcp.StateCloseWait || s == tcp.StateLastAck || s == tcp.StateClosing || s == tcp.StateTimeWait
}

// state is the RFC 9293 state of the connection calls act on; else of the one the application
// closed or aborted last, while the stack still holds it (FIN-WAIT-1 ... TIME-WAIT); else LISTEN
// while a listener is open; else CLOSED.
func (a *app) state() string {
	if c := a.current(); c != nil {
		return rfcState(tcp.EndpointState(c.ep.State()))
	}
	if c := a.lastClosed; c != nil {
		if s := rfcState(tcp.EndpointState(c.ep.State())); s != "CLOSED" {
			return s
		}
	}
	if len(a.listeners) > 0 {
		return "LISTEN"
	}
	return "CLOSED"
}
