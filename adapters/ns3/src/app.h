// The application on the simulated node: the protocol's calls made through ns-3's sockets API on
// TcpSocketBase, and what the sockets tell the application turned into the protocol's events.
#ifndef NS3_ADAPTER_APP_H
#define NS3_ADAPTER_APP_H

#include "ns3/node.h"
#include "ns3/ptr.h"
#include "ns3/socket.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

struct CallResult
{
    bool ok = true;
    std::string error;            // errno-style name when !ok
    std::optional<uint64_t> bytes; // for write and read
    std::optional<std::string> state; // for state
    bool eof = false;             // for read: it reached the end of the peer's data
};

class App
{
  public:
    // Called with each event as a JSON object's fields after "type":"event" (e.g. "\"event\":\"eof\"").
    using EventSink = std::function<void(const std::string& fields)>;

    App(ns3::Ptr<ns3::Node> node, EventSink sink);

    CallResult Listen(uint16_t port);
    CallResult Connect(const std::string& host, uint16_t port, uint16_t localPort);
    CallResult Write(uint64_t bytes);
    CallResult Read(std::optional<uint64_t> max);
    CallResult StopReading();
    CallResult Shutdown();
    CallResult Close();
    CallResult State();
    CallResult SetOption(const std::string& name, uint64_t value);

  private:
    // One connection as the application holds it, oldest first in m_connections.
    struct Connection
    {
        ns3::Ptr<ns3::TcpSocketBase> socket;
        bool closedByApp = false;    // close was called: the socket is the stack's now, no more events
        bool connected = false;      // handshake done (accepted, or connect succeeded)
        bool shut = false;           // shutdown was called
        bool shutdownWhenWritten = false;
        bool closeWhenWritten = false;
        bool eofReported = false;
        bool closingReported = false; // the peer's FIN was reported
        std::string error;           // set once, when the stack ended the connection abnormally
        bool errorTaken = false;     // a read or write has failed with it, as a socket's next call does
        uint64_t held = 0;           // octets accepted by write that the socket has not taken yet
        uint64_t written = 0;        // octets the socket has taken: the pattern's offset
    };

    Connection* Current();
    Connection* Find(ns3::Ptr<ns3::Socket> socket);
    ns3::Ptr<ns3::TcpSocketBase> NewSocket();
    void Watch(ns3::Ptr<ns3::TcpSocketBase> socket);
    void Pump(Connection& c);
    void ReportError(Connection& c, const std::string& error);

    // Socket callbacks.
    void OnAccepted(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
    void OnConnected(ns3::Ptr<ns3::Socket> socket);
    void OnConnectFailed(ns3::Ptr<ns3::Socket> socket);
    void OnErrorClose(ns3::Ptr<ns3::Socket> socket);
    void OnSendSpace(ns3::Ptr<ns3::Socket> socket, uint32_t available);
    void OnReceived(ns3::Ptr<const ns3::Packet> packet,
                    const ns3::TcpHeader& header,
                    ns3::Ptr<const ns3::TcpSocketBase> socket);
    void AfterReset(const ns3::TcpSocketBase* socket);
    void AfterFin(const ns3::TcpSocketBase* socket);
    std::optional<CallResult> TakeError(Connection& c);
    void OnSent(ns3::Ptr<const ns3::Packet> packet,
                const ns3::TcpHeader& header,
                ns3::Ptr<const ns3::TcpSocketBase> socket);

    ns3::Ptr<ns3::Node> m_node;
    EventSink m_sink;
    std::vector<ns3::Ptr<ns3::TcpSocketBase>> m_listeners;
    std::deque<Connection> m_connections; // a deque: references stay valid as connections arrive
    Connection* m_closedLast = nullptr;   // the connection the application closed last
    // The flags of the last segment each socket received and sent, to tell a reset from a timeout:
    // ns-3 reports a RST received through the same callbacks as a FIN or a give-up.
    std::map<const ns3::TcpSocketBase*, uint8_t> m_lastRxFlags;
    std::map<const ns3::TcpSocketBase*, uint8_t> m_lastTxFlags;
    // Options set while there was no connection, for the sockets made afterwards.
    std::map<std::string, uint64_t> m_options;
};

#endif
