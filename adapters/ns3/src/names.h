// Names the protocol uses for what ns-3 calls otherwise: TcpSocketBase's states and ns-3's socket errors.
#ifndef NS3_ADAPTER_NAMES_H
#define NS3_ADAPTER_NAMES_H

#include "ns3/socket.h"
#include "ns3/tcp-socket-base.h"

#include <string>

// The state TcpSocketBase keeps in a protected member, which has no getter.
ns3::TcpSocket::TcpStates_t StateOf(const ns3::TcpSocketBase& socket);
// A state in RFC 9293's spelling.
std::string RfcStateName(ns3::TcpSocket::TcpStates_t state);
// An ns-3 socket error by the errno name a socket would give it.
std::string ErrnoName(ns3::Socket::SocketErrno e);

#endif
