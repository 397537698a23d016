package main

// The gVisor stack itself: IPv4, IPv6 and TCP on one NIC whose link is a channel endpoint, driven on
// the virtual clock. Packets in go through InjectInbound; packets out are taken from the channel
// the moment the stack writes them, stamped with the virtual time.

import (
	"fmt"
	"math/rand"
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/bufferv2"
	gvisorrand "gvisor.dev/gvisor/pkg/rand"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

const (
	nicID = 1
	// mtu gives an MSS of 1460 (calculateAdvertisedMSS: MTU minus 40).
	mtu = 1500
	// seed makes ISNs, secrets and port choices the same in every run.
	seed = 9293
	// maxSettleRounds bounds settle: far above anything a case causes, it only stops a livelock.
	maxSettleRounds = 100000
)

type outPacket struct {
	bytes []byte
	at    time.Duration
}

type Netstack struct {
	clock *virtualClock
	stack *stack.Stack
	link  *channel.Endpoint
	tcp   stack.TransportProtocol
	local tcpip.Address
	peer  tcpip.Address
	// local6 is the stack's IPv6 address.
	local6 tcpip.Address

	mu  sync.Mutex
	out []outPacket // written by the stack, not yet handed to the harness
}

// lockedSource makes one math/rand source safe for the stack's goroutines (RandSource must be).
type lockedSource struct {
	mu  sync.Mutex
	src rand.Source
}

func (s *lockedSource) Int63() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.src.Int63()
}

func (s *lockedSource) Seed(seed int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.src.Seed(seed)
}

func newNetstack(local, peer, local6 tcpip.Address) (*Netstack, error) {
	n := &Netstack{clock: newVirtualClock(), local: local, peer: peer, local6: local6}
	// IPv4 draws its packet-ID counters from gVisor's own random reader when the protocol is made
	// (ipv4.go, NewProtocolWithOptions: hash.RandN32): seeded too, so IDs repeat from run to run.
	gvisorrand.Reader = rand.New(&lockedSource{src: rand.NewSource(seed + 2)})
	n.stack = stack.New(stack.Options{
		// IPv6's zero options: no Duplicate Address Detection, no router solicitations, no MLD, so
		// the stack sends nothing of its own over IPv6 but TCP.
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, ipv6.NewProtocolWithOptions(ipv6.Options{})},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
		Clock:              n.clock,
		RandSource:         &lockedSource{src: rand.NewSource(seed)},
		// Listeners draw SYN-cookie nonces from SecureRNG: seeded too, for the same reason.
		SecureRNG: rand.New(&lockedSource{src: rand.NewSource(seed + 1)}),
	})
	n.tcp = n.stack.TransportProtocolInstance(tcp.ProtocolNumber)
	// Roomy enough that the stack never finds it full: it is emptied on every write (WriteNotify).
	n.link = channel.New(1024, mtu, "")
	n.link.AddNotify(n)
	if err := n.stack.CreateNIC(nicID, n.link); err != nil {
		return nil, fmt.Errorf("CreateNIC: %s", err)
	}
	// 198.18.0.0/15 is on the link, so the peer is routed without a gateway.
	prefix := tcpip.AddressWithPrefix{Address: local, PrefixLen: 15}
	if err := n.stack.AddProtocolAddress(nicID, tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: prefix}, stack.AddressProperties{}); err != nil {
		return nil, fmt.Errorf("AddProtocolAddress: %s", err)
	}
	// 2001:2::/64 is on the link too; the channel endpoint needs no neighbour discovery.
	prefix6 := tcpip.AddressWithPrefix{Address: local6, PrefixLen: 64}
	if err := n.stack.AddProtocolAddress(nicID, tcpip.ProtocolAddress{Protocol: ipv6.ProtocolNumber, AddressWithPrefix: prefix6}, stack.AddressProperties{}); err != nil {
		return nil, fmt.Errorf("AddProtocolAddress: %s", err)
	}
	n.stack.SetRouteTable([]tcpip.Route{{Destination: prefix.Subnet(), NIC: nicID}, {Destination: prefix6.Subnet(), NIC: nicID}})
	n.settle()
	return n, nil
}

// WriteNotify implements channel.Notification. It runs on whichever goroutine made the stack
// send, at the virtual time of sending, so the stamp is exact.
func (n *Netstack) WriteNotify() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for pkt := n.link.Read(); !pkt.IsNil(); pkt = n.link.Read() {
		view := pkt.ToView()
		n.out = append(n.out, outPacket{bytes: append([]byte(nil), view.AsSlice()...), at: n.clock.elapsed()})
		view.Release()
		pkt.DecRef()
	}
}

// takeOutput hands over what the stack has sent since the last call.
func (n *Netstack) takeOutput() []outPacket {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.out
	n.out = nil
	return out
}

// inject hands the stack one IP packet from the peer, IPv4 or IPv6 by its version; settle afterwards.
func (n *Netstack) inject(packet []byte) {
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: bufferv2.MakeWithData(packet)})
	protocol := header.IPv4ProtocolNumber
	if header.IPVersion(packet) == header.IPv6Version {
		protocol = header.IPv6ProtocolNumber
	}
	n.link.InjectInbound(protocol, pkt)
	pkt.DecRef()
}

// settle returns once the stack is idle at the current virtual time. Everything the adapter does
// to the stack (inject, an endpoint call, a timer callback) runs on the adapter's goroutine, but
// may queue work for TCP's processor goroutines (dispatcher.go). Pausing the TCP protocol returns
// only when every processor has emptied its queue and parked, so a Pause/Resume pair is a barrier.
// Timers due now then run one at a time, each followed by the same barrier. The number of rounds
// depends only on the work, never on goroutine scheduling.
func (n *Netstack) settle() {
	for round := 0; round < maxSettleRounds; round++ {
		n.tcp.Pause()
		n.tcp.Resume()
		if !n.clock.runOneDue() {
			return
		}
	}
	panic("the stack did not settle: timers keep firing at the same instant")
}

// advance runs the stack's timers up to `to`, deadline by deadline, settling at each, and gives
// the application its turn (`afterEach`) at every instant; it stops early when afterEach says so.
// It returns the time reached.
func (n *Netstack) advance(to time.Duration, afterEach func() (stop bool)) time.Duration {
	for n.clock.elapsed() < to {
		next, ok := n.clock.nextDeadline()
		if !ok || next > to {
			next = to
		}
		n.clock.advanceTo(next)
		n.settle()
		if afterEach() {
			break
		}
	}
	return n.clock.elapsed()
}
