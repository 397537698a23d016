#include "app.h"

#include "names.h"

#include "ns3/boolean.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/ipv6-address.h"
#include "ns3/object-vector.h"
#include "ns3/simulator.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-rx-buffer.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <arpa/inet.h>

using namespace ns3;

namespace
{

const std::string kPattern = "abcdefghijklmnopqrstuvwxyz";
constexpr uint32_t kChunk = 65536;

// The write pattern from any offset: octet k of a connection is kPattern[k % 26].
const uint8_t*
PatternAt(uint64_t offset)
{
    static std::string chunk = [] {
        std::string s;
        while (s.size() < kChunk + kPattern.size())
        {
            s += kPattern;
        }
        return s;
    }();
    return reinterpret_cast<const uint8_t*>(chunk.data()) + offset % kPattern.size();
}

CallResult
Fail(const std::string& error)
{
    CallResult r;
    r.ok = false;
    r.error = error;
    return r;
}

CallResult
Failed(Ptr<Socket> socket)
{
    return Fail(ErrnoName(socket->GetErrno()));
}

// The protocol's option names are TcpSocket's attributes TcpNoDelay, RcvBufSize and SndBufSize.
void
ApplyOption(Ptr<TcpSocketBase> socket, const std::string& name, uint64_t value)
{
    if (name == "nodelay")
    {
        socket->SetAttribute("TcpNoDelay", BooleanValue(value != 0));
    }
    else
    {
        socket->SetAttribute(name == "rcvbuf" ? "RcvBufSize" : "SndBufSize", UintegerValue(value));
    }
}

bool
AcceptAll(Ptr<Socket>, const Address&)
{
    return true; // the protocol: every connection is accepted as it arrives
}

} // namespace

App::App(Ptr<Node> node, EventSink sink)
    : m_node(node),
      m_sink(std::move(sink))
{
}

App::Connection*
App::Current()
{
    for (auto& c : m_connections)
    {
        if (!c.closedByApp)
        {
            return &c;
        }
    }
    return nullptr;
}

App::Connection*
App::Find(Ptr<Socket> socket)
{
    for (auto& c : m_connections)
    {
        if (PeekPointer(c.socket) == PeekPointer(socket))
        {
            return &c;
        }
    }
    return nullptr;
}

Ptr<TcpSocketBase>
App::NewSocket()
{
    Ptr<TcpSocketBase> socket =
        DynamicCast<TcpSocketBase>(Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId()));
    for (const auto& [name, value] : m_options)
    {
        ApplyOption(socket, name, value);
    }
    // A new socket may reuse a freed one's address: it starts with no segments seen.
    m_lastRxFlags.erase(PeekPointer(socket));
    m_lastTxFlags.erase(PeekPointer(socket));
    Watch(socket);
    return socket;
}

void
App::Watch(Ptr<TcpSocketBase> socket)
{
    // Connections forked from a listener copy its trace callbacks, so watching the sockets this
    // application creates covers the accepted ones too; the callbacks say which socket it was.
    socket->TraceConnectWithoutContext("Rx", MakeCallback(&App::OnReceived, this));
    socket->TraceConnectWithoutContext("Tx", MakeCallback(&App::OnSent, this));
}

CallResult
App::Listen(uint16_t port)
{
    // A listener for each family: ns-3's sockets are bound to an IPv4 or an IPv6 endpoint, not both.
    for (bool six : {false, true})
    {
        Ptr<TcpSocketBase> socket = NewSocket();
        int bound = six ? socket->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), port))
                        : socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
        if (bound != 0 || socket->Listen() != 0)
        {
            return Failed(socket);
        }
        socket->SetAcceptCallback(MakeCallback(&AcceptAll), MakeCallback(&App::OnAccepted, this));
        m_listeners.push_back(socket);
    }
    return {};
}

void
App::OnAccepted(Ptr<Socket> socket, const Address& from)
{
    // TcpSocketBase calls this when the handshake completes (ProcessSynRcvd), i.e. at accept().
    Connection c;
    c.socket = DynamicCast<TcpSocketBase>(socket);
    c.connected = true;
    // The normal-close callback is left empty: a FIN is reported as eof when read, a RST by AfterReset.
    socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(), MakeCallback(&App::OnErrorClose, this));
    socket->SetSendCallback(MakeCallback(&App::OnSendSpace, this));
    m_connections.push_back(c);
    uint16_t remotePort = Inet6SocketAddress::IsMatchingType(from) ? Inet6SocketAddress::ConvertFrom(from).GetPort()
                                                                   : InetSocketAddress::ConvertFrom(from).GetPort();
    m_sink("\"event\":\"accepted\",\"remotePort\":" + std::to_string(remotePort));
}

CallResult
App::Connect(const std::string& host, uint16_t port, uint16_t localPort)
{
    in_addr parsed;
    in6_addr parsed6;
    bool six = inet_pton(AF_INET6, host.c_str(), &parsed6) == 1;
    if (!six && inet_pton(AF_INET, host.c_str(), &parsed) != 1)
    {
        return Fail("EINVAL");
    }
    Ptr<TcpSocketBase> socket = NewSocket();
    int bound = localPort != 0 ? (six ? socket->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), localPort))
                                      : socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), localPort)))
                               : (six ? socket->Bind6() : socket->Bind());
    if (bound != 0)
    {
        return Failed(socket);
    }
    socket->SetConnectCallback(MakeCallback(&App::OnConnected, this),
                               MakeCallback(&App::OnConnectFailed, this));
    socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(), MakeCallback(&App::OnErrorClose, this));
    socket->SetSendCallback(MakeCallback(&App::OnSendSpace, this));
    Connection c;
    c.socket = socket;
    m_connections.push_back(c);
    int connected = six ? socket->Connect(Inet6SocketAddress(Ipv6Address(host.c_str()), port))
                        : socket->Connect(InetSocketAddress(Ipv4Address(host.c_str()), port));
    if (connected != 0)
    {
        m_connections.pop_back();
        return Failed(socket);
    }
    return {};
}

void
App::OnConnected(Ptr<Socket> socket)
{
    Connection* c = Find(socket);
    if (c == nullptr || c->closedByApp)
    {
        return;
    }
    c->connected = true;
    m_sink("\"event\":\"connected\"");
    Pump(*c);
}

void
App::OnSendSpace(Ptr<Socket> socket, uint32_t)
{
    Connection* c = Find(socket);
    if (c != nullptr)
    {
        Pump(*c);
    }
}

void
App::Pump(Connection& c)
{
    // Hands held octets to the socket while its send buffer has room; the rest waits for
    // OnSendSpace. A shutdown or close made meanwhile takes effect once all are written.
    while (c.held > 0)
    {
        uint32_t room = c.socket->GetTxAvailable();
        if (room == 0)
        {
            return;
        }
        uint32_t n = static_cast<uint32_t>(std::min<uint64_t>({c.held, room, kChunk}));
        if (c.socket->Send(Create<Packet>(PatternAt(c.written), n), 0) < 0)
        {
            c.held = 0; // the connection is gone; its end is reported by the close callbacks
            return;
        }
        c.held -= n;
        c.written += n;
    }
    if (c.shutdownWhenWritten)
    {
        c.shutdownWhenWritten = false;
        c.socket->ShutdownSend();
    }
    if (c.closeWhenWritten)
    {
        c.closeWhenWritten = false;
        c.socket->Close();
    }
}

CallResult
App::Write(uint64_t bytes)
{
    Connection* c = Current();
    if (c == nullptr)
    {
        return Fail("ENOTCONN");
    }
    if (c->shut)
    {
        return Fail("EPIPE");
    }
    if (std::optional<CallResult> failed = TakeError(*c))
    {
        return *failed;
    }
    c->held += bytes;
    Pump(*c);
    CallResult r;
    r.bytes = bytes;
    return r;
}

// The error that ended the connection fails the next read or write, once, as a socket's does.
std::optional<CallResult>
App::TakeError(Connection& c)
{
    if (c.error.empty() || c.errorTaken)
    {
        return std::nullopt;
    }
    c.errorTaken = true;
    return Fail(c.error);
}

CallResult
App::Read(std::optional<uint64_t> max)
{
    Connection* c = Current();
    if (c == nullptr)
    {
        return Fail("ENOTCONN");
    }
    if (std::optional<CallResult> failed = TakeError(*c))
    {
        return *failed;
    }
    uint64_t total = 0;
    while (!max || total < *max)
    {
        uint64_t want = max ? std::min<uint64_t>(*max - total, kChunk) : kChunk;
        Ptr<Packet> p = c->socket->Recv(static_cast<uint32_t>(want), 0);
        if (!p || p->GetSize() == 0)
        {
            break;
        }
        total += p->GetSize();
    }
    // The peer's FIN has been read once it is in sequence (Finished) and nothing is left before it.
    Ptr<TcpRxBuffer> rx = c->socket->GetRxBuffer();
    CallResult r;
    r.bytes = total;
    r.eof = c->error.empty() && rx->Finished() && rx->Size() == 0;
    if (r.eof && !c->eofReported)
    {
        c->eofReported = true;
        m_sink("\"event\":\"eof\"");
    }
    return r;
}

CallResult
App::StopReading()
{
    // The application reads only when asked, so unread data already stays in TcpSocketBase's
    // receive buffer and the advertised window (TcpSocketBase::AdvertisedWindowSize) closes.
    return {};
}

CallResult
App::Shutdown()
{
    Connection* c = Current();
    if (c == nullptr)
    {
        return Fail("ENOTCONN");
    }
    c->shut = true;
    if (c->held > 0)
    {
        c->shutdownWhenWritten = true;
    }
    else if (c->socket->ShutdownSend() != 0)
    {
        return Failed(c->socket);
    }
    return {};
}

CallResult
App::Close()
{
    Connection* c = Current();
    if (c == nullptr)
    {
        // No connection: CLOSE applies to the listeners (RFC 9293 3.10.4, CLOSE in LISTEN).
        if (m_listeners.empty())
        {
            return Fail("ENOTCONN");
        }
        for (auto& listener : m_listeners)
        {
            listener->Close();
        }
        m_listeners.clear();
        return {};
    }
    c->closedByApp = true;
    m_closedLast = c;
    if (c->held > 0)
    {
        c->closeWhenWritten = true;
    }
    else
    {
        c->socket->Close();
    }
    return {};
}

CallResult
App::State()
{
    CallResult r;
    // The connection calls act on...
    if (Connection* c = Current())
    {
        r.state = RfcStateName(StateOf(*c->socket));
        return r;
    }
    // ...else the one the application closed last, while the stack holds it (FIN-WAIT-1 ... TIME-WAIT)...
    if (m_closedLast != nullptr && StateOf(*m_closedLast->socket) != TcpSocket::CLOSED)
    {
        r.state = RfcStateName(StateOf(*m_closedLast->socket));
        return r;
    }
    // ...else one the stack is still accepting, before the application can see it (SYN-RECEIVED).
    ObjectVectorValue sockets;
    m_node->GetObject<TcpL4Protocol>()->GetAttribute("SocketList", sockets);
    for (auto it = sockets.Begin(); it != sockets.End(); ++it)
    {
        Ptr<TcpSocketBase> s = DynamicCast<TcpSocketBase>(it->second);
        if (StateOf(*s) == TcpSocket::SYN_RCVD && Find(s) == nullptr)
        {
            r.state = "SYN-RECEIVED";
            return r;
        }
    }
    r.state = m_listeners.empty() ? "CLOSED" : "LISTEN";
    return r;
}

CallResult
App::SetOption(const std::string& name, uint64_t value)
{
    if (name == "nodelay" ? value > 1 : value == 0 || value > UINT32_MAX)
    {
        return Fail("EINVAL");
    }
    // Without a connection the option is kept for the sockets made afterwards and set on the
    // listeners, whose forks (TcpSocketBase::Fork copies the socket) inherit it.
    std::vector<Ptr<TcpSocketBase>> targets;
    if (Connection* c = Current())
    {
        targets.push_back(c->socket);
    }
    else
    {
        m_options[name] = value;
        targets = m_listeners;
    }
    for (auto& s : targets)
    {
        ApplyOption(s, name, value);
    }
    return {};
}
