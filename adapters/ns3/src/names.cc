#include "names.h"

using namespace ns3;

namespace
{

// TcpSocketBase keeps its state in a protected member and has no getter. A pointer to that member,
// named through a derived class, is the language's sanctioned way to read it from outside.
struct StateReader : TcpSocketBase
{
    static TcpSocket::TcpStates_t Of(const TcpSocketBase& socket)
    {
        return (socket.*(&StateReader::m_state)).Get();
    }
};

} // namespace

TcpSocket::TcpStates_t
StateOf(const TcpSocketBase& socket)
{
    return StateReader::Of(socket);
}

std::string
RfcStateName(TcpSocket::TcpStates_t state)
{
    switch (state)
    {
    case TcpSocket::CLOSED: return "CLOSED";
    case TcpSocket::LISTEN: return "LISTEN";
    case TcpSocket::SYN_SENT: return "SYN-SENT";
    case TcpSocket::SYN_RCVD: return "SYN-RECEIVED";
    case TcpSocket::ESTABLISHED: return "ESTABLISHED";
    case TcpSocket::CLOSE_WAIT: return "CLOSE-WAIT";
    case TcpSocket::LAST_ACK: return "LAST-ACK";
    case TcpSocket::FIN_WAIT_1: return "FIN-WAIT-1";
    case TcpSocket::FIN_WAIT_2: return "FIN-WAIT-2";
    case TcpSocket::CLOSING: return "CLOSING";
    case TcpSocket::TIME_WAIT: return "TIME-WAIT";
    default: return "CLOSED";
    }
}

std::string
ErrnoName(Socket::SocketErrno e)
{
    switch (e)
    {
    case Socket::ERROR_ISCONN: return "EISCONN";
    case Socket::ERROR_NOTCONN: return "ENOTCONN";
    case Socket::ERROR_MSGSIZE: return "EMSGSIZE";
    case Socket::ERROR_AGAIN: return "EAGAIN";
    case Socket::ERROR_SHUTDOWN: return "EPIPE";
    case Socket::ERROR_OPNOTSUPP: return "EOPNOTSUPP";
    case Socket::ERROR_AFNOSUPPORT: return "EAFNOSUPPORT";
    case Socket::ERROR_INVAL: return "EINVAL";
    case Socket::ERROR_BADF: return "EBADF";
    case Socket::ERROR_NOROUTETOHOST: return "EHOSTUNREACH";
    case Socket::ERROR_NODEV: return "ENODEV";
    case Socket::ERROR_ADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case Socket::ERROR_ADDRINUSE: return "EADDRINUSE";
    default: return "EIO";
    }
}
