// What the sockets tell the application, turned into the protocol's events: a reset, a give-up,
// the peer's FIN. ns-3 reports a RST, a FIN and a give-up through the same close callbacks, so the
// flags of the segments each socket last received and sent tell them apart.
#include "app.h"
#include "names.h"

#include "ns3/simulator.h"

using namespace ns3;

void
App::OnReceived(Ptr<const Packet>, const TcpHeader& header, Ptr<const TcpSocketBase> socket)
{
    m_lastRxFlags[PeekPointer(socket)] = header.GetFlags();
    // This trace fires before the segment is processed; look again once it has been.
    if (header.GetFlags() & TcpHeader::RST)
    {
        Simulator::ScheduleNow(&App::AfterReset, this, PeekPointer(socket));
    }
    else if (header.GetFlags() & TcpHeader::FIN)
    {
        Simulator::ScheduleNow(&App::AfterFin, this, PeekPointer(socket));
    }
}

void
App::AfterFin(const TcpSocketBase* socket)
{
    // The peer's FIN, once processed in sequence, has moved the connection past it: "connection
    // closing" for its application (RFC 9293 3.10.7.4, eighth), once.
    for (auto& c : m_connections)
    {
        if (PeekPointer(c.socket) != socket || c.closedByApp || c.closingReported || !c.error.empty())
        {
            continue;
        }
        TcpSocket::TcpStates_t state = StateOf(*c.socket);
        if (state == TcpSocket::CLOSE_WAIT || state == TcpSocket::LAST_ACK || state == TcpSocket::CLOSING ||
            state == TcpSocket::TIME_WAIT)
        {
            c.closingReported = true;
            m_sink("\"event\":\"closing\"");
        }
    }
}

void
App::AfterReset(const TcpSocketBase* socket)
{
    // A RST that ended a connection is an error for its application. ns-3 has no callback that says
    // so: it calls the normal-close callback (TcpSocketBase::CloseAndNotify), and not even that when
    // it already did for the peer's FIN (CLOSE-WAIT), so the state is what tells.
    for (auto& c : m_connections)
    {
        if (PeekPointer(c.socket) == socket && StateOf(*c.socket) == TcpSocket::CLOSED)
        {
            ReportError(c, c.connected ? "ECONNRESET" : "ECONNREFUSED");
        }
    }
}

void
App::OnSent(Ptr<const Packet>, const TcpHeader& header, Ptr<const TcpSocketBase> socket)
{
    m_lastTxFlags[PeekPointer(socket)] = header.GetFlags();
}

void
App::ReportError(Connection& c, const std::string& error)
{
    if (c.closedByApp || !c.error.empty())
    {
        return; // a connection the application closed reports nothing more; each error once
    }
    c.error = error;
    c.held = 0;
    m_sink("\"event\":\"error\",\"error\":\"" + error + "\"");
}

void
App::OnConnectFailed(Ptr<Socket> socket)
{
    // TcpSocketBase::SendEmptyPacket calls this only when the SYN retries (ConnCount) are used up;
    // a RST in SYN-SENT goes through CloseAndNotify instead, and AfterReset reports it.
    Connection* c = Find(socket);
    if (c != nullptr)
    {
        ReportError(*c, "ETIMEDOUT");
    }
}

void
App::OnErrorClose(Ptr<Socket> socket)
{
    // ns-3 calls this when it sends a RST itself (SendRST) or gives up retransmitting.
    Connection* c = Find(socket);
    if (c == nullptr)
    {
        return;
    }
    const TcpSocketBase* key = PeekPointer(c->socket);
    if (m_lastRxFlags[key] & TcpHeader::RST)
    {
        ReportError(*c, "ECONNRESET");
    }
    else if (m_lastTxFlags[key] & TcpHeader::RST)
    {
        ReportError(*c, "ECONNABORTED");
    }
    else
    {
        ReportError(*c, "ETIMEDOUT");
    }
}
