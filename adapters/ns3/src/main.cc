// tcpconform's adapter for ns-3's own TCP (TcpSocketBase): the adapter protocol
// (docs/adapter-protocol.md) on stdin/stdout. This file reads requests, checks their shape, and
// hands them to the stack (packets, time) or the application (calls); it writes every answer.
#include "app.h"
#include "json.h"
#include "stack.h"

#include "ns3/simulator.h"
#include "ns3/version.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <set>
#include <unistd.h>

namespace
{

constexpr uint64_t kMaxOctets = 1ULL << 40; // the schema's bound on write and read sizes

FILE* g_out = nullptr;

void
Emit(const std::string& line)
{
    std::fputs(line.c_str(), g_out);
    std::fputc('\n', g_out);
}

std::string
IdText(std::optional<int64_t> id)
{
    return id ? std::to_string(*id) : "null";
}

void
BadRequest(std::optional<int64_t> id, const std::string& why)
{
    Emit("{\"type\":\"result\",\"id\":" + IdText(id) + ",\"ok\":false,\"error\":" +
         json::Quote("bad request: " + why) + "}");
}

void
Answer(int64_t id, const CallResult& r)
{
    std::string line = "{\"type\":\"result\",\"id\":" + std::to_string(id);
    if (!r.ok)
    {
        Emit(line + ",\"ok\":false,\"error\":" + json::Quote(r.error) + "}");
        return;
    }
    line += ",\"ok\":true";
    if (r.bytes)
    {
        line += ",\"bytes\":" + std::to_string(*r.bytes);
    }
    if (r.state)
    {
        line += ",\"state\":" + json::Quote(*r.state);
    }
    if (r.eof)
    {
        line += ",\"eof\":true";
    }
    Emit(line + "}");
}

std::string
Hex(const std::vector<uint8_t>& bytes)
{
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (uint8_t b : bytes)
    {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

bool
Unhex(const std::string& hex, std::vector<uint8_t>& out)
{
    auto nibble = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
    if (hex.empty() || hex.size() % 2 != 0)
    {
        return false;
    }
    for (size_t i = 0; i < hex.size(); i += 2)
    {
        int hi = nibble(hex[i]);
        int lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0)
        {
            return false;
        }
        out.push_back(static_cast<uint8_t>(hi << 4 | lo));
    }
    return true;
}

class Protocol
{
  public:
    Protocol()
        : m_stack([](const std::vector<uint8_t>& packet, int64_t ns) {
              Emit("{\"type\":\"packet\",\"hex\":\"" + Hex(packet) + "\",\"time\":" + json::Millis(ns) +
                   "}");
          }),
          // Events carry the simulated time they happen at, as packets do.
          m_app(m_stack.GetNode(), [this](const std::string& fields) {
              Emit("{\"type\":\"event\"," + fields + ",\"time\":" + json::Millis(m_stack.NowNs()) + "}");
          })
    {
    }

    void Hello()
    {
        std::string version = std::to_string(ns3::Version::Major()) + "." + std::to_string(ns3::Version::Minor());
        Emit(std::string("{\"type\":\"hello\",\"protocol\":1,\"stack\":{\"name\":\"ns3\",\"version\":\"") + version +
             "\"},\"address\":\"" + Stack::kAddress + "\",\"peer\":\"" + Stack::kPeer +
             "\",\"address6\":\"" + Stack::kAddress6 + "\",\"peer6\":\"" + Stack::kPeer6 +
             "\",\"capabilities\":{\"calls\":[\"listen\",\"connect\",\"write\",\"read\",\"stop-reading\","
             "\"shutdown\",\"close\",\"state\",\"set-option\"],\"options\":[\"nodelay\",\"rcvbuf\",\"sndbuf\"],"
             "\"clock\":\"virtual\",\"families\":[\"ipv4\",\"ipv6\"],\"notes\":[" +
             json::Quote("no abort: ns-3's socket API has no ABORT call (TcpSocketBase::SendRST is protected), "
                         "so cases that abort are skipped") + "," +
             json::Quote("simulated time: data written by the application leaves 1 ns after the call, because "
                         "TcpSocketBase::Send schedules SendPendingData one time step later") + "," +
             json::Quote("set-option acts on the current connection; with none, on the listeners and on "
                         "sockets made later; TcpSocket has attributes for no other option (no keep-alive, user "
                         "timeout or linger)") + "," +
             json::Quote("no urgent data: TcpSocketBase neither sends nor reports it (no write-urgent, at-mark or "
                         "urgent event)") +
             "]}}");
    }

    void Handle(const std::string& line)
    {
        std::string why;
        std::optional<json::Object> request = json::ParseFlatObject(line, why);
        if (!request)
        {
            BadRequest(std::nullopt, why);
            return;
        }
        const json::Object& r = *request;
        std::optional<int64_t> id;
        if (auto it = r.find("id"); it != r.end() && it->second.kind == json::Value::Integer && it->second.integer >= 1)
        {
            id = it->second.integer;
        }
        auto type = r.find("type");
        if (type == r.end() || type->second.kind != json::Value::String)
        {
            BadRequest(id, "type must be a string");
            return;
        }
        const std::string& t = type->second.text;
        if (t == "packet")
        {
            HandlePacket(r);
        }
        else if (t == "advance" || t == "call")
        {
            if (!id)
            {
                BadRequest(std::nullopt, "id must be a positive integer");
                return;
            }
            t == "advance" ? HandleAdvance(*id, r) : HandleCall(*id, r);
        }
        else
        {
            BadRequest(id, "unknown message type " + t);
        }
    }

  private:
    // Unknown fields are errors in this protocol, so a typo surfaces at once.
    static bool OnlyKeys(const json::Object& r, const std::set<std::string>& allowed, std::string& why)
    {
        for (const auto& [key, value] : r)
        {
            if (allowed.count(key) == 0)
            {
                why = "unknown field " + key;
                return false;
            }
        }
        return true;
    }

    // An integer argument in [min, max]; absent is fine when !required (then `value` is untouched).
    static bool IntegerArg(const json::Object& r, const std::string& key, int64_t min, int64_t max, bool required,
                           std::optional<uint64_t>& value, std::string& why)
    {
        auto it = r.find(key);
        if (it == r.end() && !required)
        {
            return true;
        }
        if (it == r.end() || it->second.kind != json::Value::Integer || it->second.integer < min ||
            it->second.integer > max)
        {
            why = key + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
            return false;
        }
        value = static_cast<uint64_t>(it->second.integer);
        return true;
    }

    void HandlePacket(const json::Object& r)
    {
        std::string why;
        auto hex = r.find("hex");
        std::vector<uint8_t> bytes;
        if (!OnlyKeys(r, {"type", "hex", "time"}, why))
        {
            BadRequest(std::nullopt, why);
        }
        else if (hex == r.end() || hex->second.kind != json::Value::String || !Unhex(hex->second.text, bytes))
        {
            BadRequest(std::nullopt, "hex must be lower-case hex of whole octets");
        }
        else if (!m_stack.Inject(bytes, why))
        {
            // What a real link would do with it: drop it. Said on stderr, which the harness keeps.
            std::cerr << "ns3 adapter: dropped a packet from the harness: " << why << "\n";
        }
    }

    void HandleAdvance(int64_t id, const json::Object& r)
    {
        std::string why;
        auto to = r.find("to");
        auto until = r.find("untilOutput");
        if (!OnlyKeys(r, {"type", "id", "to", "untilOutput"}, why))
        {
            BadRequest(id, why);
            return;
        }
        if (to == r.end() || (to->second.kind != json::Value::Integer && to->second.kind != json::Value::Number) ||
            to->second.number < 0)
        {
            BadRequest(id, "to must be a number of milliseconds, at least 0");
            return;
        }
        if (until == r.end() || until->second.kind != json::Value::Boolean)
        {
            BadRequest(id, "untilOutput must be true or false");
            return;
        }
        // Nanoseconds: the simulator's resolution. Far beyond any case, short of int64 overflow.
        double ns = std::min(std::round(to->second.number * 1e6), 4e18);
        m_stack.Advance(static_cast<int64_t>(ns), until->second.boolean);
        Emit("{\"type\":\"result\",\"id\":" + std::to_string(id) + ",\"ok\":true,\"now\":" +
             json::Millis(m_stack.NowNs()) + "}");
    }

    void HandleCall(int64_t id, const json::Object& r)
    {
        std::string why;
        auto call = r.find("call");
        if (call == r.end() || call->second.kind != json::Value::String)
        {
            BadRequest(id, "call must be a string");
            return;
        }
        const std::string& name = call->second.text;
        std::optional<uint64_t> port, localPort, bytes, value;
        CallResult result;
        bool understood = true;
        if (name == "listen")
        {
            understood = OnlyKeys(r, {"type", "id", "call", "port"}, why) &&
                         IntegerArg(r, "port", 1, 65535, true, port, why);
            if (understood)
            {
                result = m_app.Listen(static_cast<uint16_t>(*port));
            }
        }
        else if (name == "connect")
        {
            auto host = r.find("host");
            understood = OnlyKeys(r, {"type", "id", "call", "host", "port", "localPort"}, why) &&
                         IntegerArg(r, "port", 1, 65535, true, port, why) &&
                         IntegerArg(r, "localPort", 1, 65535, false, localPort, why);
            if (understood && (host == r.end() || host->second.kind != json::Value::String))
            {
                understood = false;
                why = "host must be an IPv4 address in dotted-quad form";
            }
            if (understood)
            {
                result = m_app.Connect(host->second.text, static_cast<uint16_t>(*port),
                                       static_cast<uint16_t>(localPort.value_or(0)));
            }
        }
        else if (name == "write" || name == "read")
        {
            understood = OnlyKeys(r, {"type", "id", "call", "bytes"}, why) &&
                         IntegerArg(r, "bytes", 0, kMaxOctets, name == "write", bytes, why);
            if (understood)
            {
                result = name == "write" ? m_app.Write(*bytes) : m_app.Read(bytes);
            }
        }
        else if (name == "set-option")
        {
            auto option = r.find("name");
            understood = OnlyKeys(r, {"type", "id", "call", "name", "value"}, why) &&
                         IntegerArg(r, "value", 0, UINT32_MAX, true, value, why);
            if (understood && (option == r.end() || option->second.kind != json::Value::String ||
                               (option->second.text != "nodelay" && option->second.text != "rcvbuf" &&
                                option->second.text != "sndbuf")))
            {
                understood = false;
                why = "name must be nodelay, rcvbuf or sndbuf";
            }
            if (understood)
            {
                result = m_app.SetOption(option->second.text, *value);
            }
        }
        else if (name == "stop-reading" || name == "shutdown" || name == "close" || name == "state")
        {
            understood = OnlyKeys(r, {"type", "id", "call"}, why);
            if (understood)
            {
                result = name == "stop-reading" ? m_app.StopReading()
                         : name == "shutdown"   ? m_app.Shutdown()
                         : name == "close"      ? m_app.Close()
                                                : m_app.State();
            }
        }
        else
        {
            // abort among them: ns-3's socket API has none, and the hello does not offer it.
            understood = false;
            why = "unknown call " + name;
        }
        if (!understood)
        {
            BadRequest(id, why);
            return;
        }
        // Whatever the call set going at this instant (a listener's fork, a connect callback) runs
        // before the answer, so the answer describes a stack at rest; the clock does not move.
        m_stack.Settle();
        Answer(id, result);
    }

    Stack m_stack;
    App m_app;
};

} // namespace

int
main()
{
    // The protocol owns the real stdout; anything ns-3 itself might print goes to stderr instead,
    // where the harness keeps it, rather than corrupting the protocol stream.
    int protocolFd = dup(STDOUT_FILENO);
    dup2(STDERR_FILENO, STDOUT_FILENO);
    g_out = fdopen(protocolFd, "w");
    if (g_out == nullptr)
    {
        std::perror("ns3 adapter: fdopen");
        return 1;
    }
    std::ios::sync_with_stdio(false);

    Protocol protocol;
    protocol.Hello();
    std::fflush(g_out);
    std::string line;
    while (std::getline(std::cin, line))
    {
        protocol.Handle(line);
        // Everything a request causes happens while it is handled (time moves only on advance), so
        // one flush per request delivers each answer with the packets and events before it.
        std::fflush(g_out);
    }
    ns3::Simulator::Destroy();
    return 0;
}
