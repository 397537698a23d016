// gvisor-adapter: gVisor's netstack (Debian golang-gvisor-gvisor-dev) as a tcpconform target,
// speaking the adapter protocol (docs/adapter-protocol.md) on stdin and stdout.
//
// One goroutine reads requests and does everything; after each it settles the stack (see
// Netstack.settle) and lets the application act, so that the same requests always give the same
// output. Time is virtual: it moves only on `advance`.
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"runtime"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// stackVersion is set by the build script from the installed Debian package.
var stackVersion = "unknown"

const (
	localAddress = "198.18.0.1"
	peerAddress  = "198.18.0.2"
	// The stack's and the harness's IPv6 addresses, in 2001:2::/48 (RFC 5180).
	localAddress6 = "2001:2::1"
	peerAddress6  = "2001:2::2"
	// broadcastAddress is the directed broadcast of the /15 the stack's address is on (netstack.go).
	broadcastAddress = "198.19.255.255"
	maxLine          = 256 << 10
)

var calls = []string{"listen", "connect", "write", "read", "stop-reading", "shutdown", "close", "abort", "state", "set-option"}

var notes = []string{
	"gVisor netstack library defaults: SACK, Nagle and receive-buffer auto-tuning are off (runsc turns SACK and auto-tuning on)",
	"abort is SO_LINGER 0 then close, as an application does: a RST in SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2 and CLOSE-WAIT only",
	"rcvbuf and sndbuf are doubled and clamped as gVisor's setsockopt does; rcvbuf must be set before listen or connect to shape the SYN's window",
	"netstack has no urgent data: URG is ignored on input and never sent, so no write-urgent, at-mark or urgent event",
}

type adapter struct {
	ns  *Netstack
	app *app
	out *output
}

func main() {
	// One processor goroutine in TCP's dispatcher (it starts GOMAXPROCS of them) and no parallel
	// scheduling to pay for: the adapter does one thing at a time anyway.
	runtime.GOMAXPROCS(1)
	out := newOutput(os.Stdout)
	ns, err := newNetstack(parseAddress(localAddress), parseAddress(peerAddress), tcpip.Address(net.ParseIP(localAddress6).To16()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gvisor-adapter:", err)
		os.Exit(1)
	}
	a := &adapter{ns: ns, app: newApp(ns, out), out: out}
	out.send(hello{
		Type: "hello", Protocol: 1,
		Stack:   stackInfo{Name: "gvisor", Version: stackVersion},
		Address: localAddress, Peer: peerAddress, Broadcast: broadcastAddress, Address6: localAddress6, Peer6: peerAddress6,
		Capabilities: capabilities{Calls: calls, Options: optionNames, Clock: "virtual", Families: []string{"ipv4", "ipv6"}, Notes: notes},
	})
	a.flushPackets()
	if err := out.flush(); err != nil {
		os.Exit(0)
	}

	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<10), maxLine+1)
	for in.Scan() {
		a.handle(in.Bytes())
		if err := out.flush(); err != nil {
			os.Exit(0) // the harness is gone
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "gvisor-adapter: reading stdin:", err)
		os.Exit(1)
	}
}

func parseAddress(dotted string) tcpip.Address {
	return tcpip.Address(net.ParseIP(dotted).To4())
}

func (a *adapter) handle(line []byte) {
	r, id, err := parseRequest(line)
	if err != nil {
		a.out.badRequest(id, err.Error())
		return
	}
	switch r.Type {
	case "packet":
		a.packet(r)
	case "call":
		a.call(r)
	case "advance":
		a.advance(r)
	default:
		a.out.badRequest(id, fmt.Sprintf("unknown message type %q", r.Type))
	}
}

// flushPackets writes what the stack has sent, in order, each stamped with its virtual time;
// it reports whether there was any.
func (a *adapter) flushPackets() bool {
	packets := a.ns.takeOutput()
	for _, p := range packets {
		a.out.send(packetMessage{Type: "packet", Hex: hex.EncodeToString(p.bytes), Time: milliseconds(p.at)})
	}
	return len(packets) > 0
}

// settle lets the stack and then the application run until neither has anything left to do at
// the current time, writing packets and events as they come; it reports whether any packet went out.
func (a *adapter) settle() bool {
	sent := false
	for {
		a.ns.settle()
		sent = a.flushPackets() || sent
		if !a.app.pump() {
			return sent
		}
	}
}

func (a *adapter) packet(r *request) {
	if r.ID != nil {
		a.out.badRequest(r.ID, "a packet carries no id")
		return
	}
	if r.Hex == nil {
		a.out.badRequest(nil, "packet without hex")
		return
	}
	bytes, err := hex.DecodeString(*r.Hex)
	if err != nil || len(bytes) < 20 {
		a.out.badRequest(nil, "packet hex is not an IPv4 or IPv6 packet")
		return
	}
	a.ns.inject(bytes)
	a.settle()
}

func (a *adapter) advance(r *request) {
	if r.ID == nil || r.To == nil {
		a.out.badRequest(r.ID, "advance needs id and to")
		return
	}
	to := time.Duration(*r.To * float64(time.Millisecond))
	now := a.ns.advance(to, func() bool { return a.settle() && r.UntilOutput })
	ms := milliseconds(now)
	a.out.send(result{Type: "result", ID: r.ID, OK: true, Now: &ms})
}

func (a *adapter) call(r *request) {
	if r.ID == nil {
		a.out.badRequest(nil, "a call needs an id")
		return
	}
	var err tcpip.Error
	var bytes *int64
	var state string
	var eof bool
	switch r.Call {
	case "listen":
		if !inRange(r.Port, 1, 65535) {
			a.out.badRequest(r.ID, "port must be an integer from 1 to 65535")
			return
		}
		err = a.app.listen(uint16(*r.Port))
	case "connect":
		parsed := net.ParseIP(deref(r.Host))
		host := parsed.To4()
		if host == nil {
			host = parsed.To16()
		}
		if host == nil || !inRange(r.Port, 1, 65535) || (r.LocalPort != nil && !inRange(r.LocalPort, 1, 65535)) {
			a.out.badRequest(r.ID, "connect needs host (IPv4 or IPv6), port and optionally localPort (1 to 65535)")
			return
		}
		local := uint16(0)
		if r.LocalPort != nil {
			local = uint16(*r.LocalPort)
		}
		err = a.app.connect(tcpip.Address(host), uint16(*r.Port), local)
	case "write":
		if !inRange(r.Bytes, 0, 1<<40) {
			a.out.badRequest(r.ID, "bytes must be an integer from 0 to 2^40")
			return
		}
		var n int64
		n, err = a.app.write(*r.Bytes)
		bytes = &n
	case "read":
		max := int64(-1)
		if r.Bytes != nil {
			if !inRange(r.Bytes, 0, 1<<40) {
				a.out.badRequest(r.ID, "bytes must be an integer from 0 to 2^40")
				return
			}
			max = *r.Bytes
		}
		var n int64
		n, eof, err = a.app.read(max)
		bytes = &n
	case "stop-reading":
		// The application reads only when asked: unread data already stays in the stack.
	case "shutdown":
		err = a.app.shutdown()
	case "close":
		err = a.app.close()
	case "abort":
		err = a.app.abort()
	case "state":
		// Asked of a settled stack, so the answer is the same in every run.
		state = a.app.state()
	case "set-option":
		if r.Name == nil || r.Value == nil || *r.Value < 0 {
			a.out.badRequest(r.ID, "set-option needs name and a non-negative value")
			return
		}
		err = a.app.setOption(*r.Name, *r.Value)
	default:
		a.out.badRequest(r.ID, fmt.Sprintf("unknown call %q", r.Call))
		return
	}
	// Packets the call caused go out before its result.
	a.settle()
	if err != nil {
		a.out.fail(r.ID, errnoName(err))
		return
	}
	a.out.send(result{Type: "result", ID: r.ID, OK: true, Bytes: bytes, State: state, EOF: eof})
}

func inRange(v *int64, min, max int64) bool { return v != nil && *v >= min && *v <= max }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
