package main

// Names the protocol uses for what gVisor's endpoint API calls otherwise: states and errors.

import (
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

// rfcState spells gVisor's endpoint states (transport/tcp/endpoint.go, EndpointState) as RFC 9293
// §3.3.2 does. The states gVisor keeps for itself map to what the RFC would call them.
func rfcState(s tcp.EndpointState) string {
	switch s {
	case tcp.StateListen:
		return "LISTEN"
	case tcp.StateSynSent, tcp.StateConnecting: // Connecting: Connect called, SYN not yet out
		return "SYN-SENT"
	case tcp.StateSynRecv:
		return "SYN-RECEIVED"
	case tcp.StateEstablished:
		return "ESTABLISHED"
	case tcp.StateFinWait1:
		return "FIN-WAIT-1"
	case tcp.StateFinWait2:
		return "FIN-WAIT-2"
	case tcp.StateCloseWait:
		return "CLOSE-WAIT"
	case tcp.StateClosing:
		return "CLOSING"
	case tcp.StateLastAck:
		return "LAST-ACK"
	case tcp.StateTimeWait:
		return "TIME-WAIT"
	default: // StateClose, StateError, StateInitial, StateBound
		return "CLOSED"
	}
}

// errnoName names a tcpip.Error as the errno gVisor's sentry turns it into (pkg/syserr/netstack.go).
func errnoName(err tcpip.Error) string {
	switch err.(type) {
	case *tcpip.ErrConnectionReset:
		return "ECONNRESET"
	case *tcpip.ErrConnectionRefused:
		return "ECONNREFUSED"
	case *tcpip.ErrTimeout:
		return "ETIMEDOUT"
	case *tcpip.ErrAborted, *tcpip.ErrClosedForSend:
		return "EPIPE"
	case *tcpip.ErrConnectionAborted:
		return "ECONNABORTED"
	case *tcpip.ErrNotConnected:
		return "ENOTCONN"
	case *tcpip.ErrPortInUse:
		return "EADDRINUSE"
	case *tcpip.ErrBadLocalAddress:
		return "EADDRNOTAVAIL"
	case *tcpip.ErrAlreadyConnecting:
		return "EALREADY"
	case *tcpip.ErrAlreadyConnected:
		return "EISCONN"
	case *tcpip.ErrNoPortAvailable:
		return "EAGAIN"
	case *tcpip.ErrNetworkUnreachable:
		return "ENETUNREACH"
	case *tcpip.ErrHostUnreachable:
		return "EHOSTUNREACH"
	case *tcpip.ErrUnknownProtocolOption:
		return "ENOPROTOOPT"
	case *tcpip.ErrInvalidEndpointState, *tcpip.ErrInvalidOptionValue, *tcpip.ErrAlreadyBound:
		return "EINVAL"
	default:
		return "EIO"
	}
}
