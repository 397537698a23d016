// One simulated ns-3 node whose only link is the harness: IPv4 packets leave through a
// VirtualNetDevice's send callback and arrive through its Receive(), and its clock is the
// simulator's, which moves only when the harness advances it.
#ifndef NS3_ADAPTER_STACK_H
#define NS3_ADAPTER_STACK_H

#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"
#include "ns3/virtual-net-device.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

class Stack
{
  public:
    static constexpr const char* kAddress = "198.18.0.1";
    static constexpr const char* kPeer = "198.18.0.2";
    // The stack's and the harness's IPv6 addresses, in 2001:2::/48 (RFC 5180).
    static constexpr const char* kAddress6 = "2001:2::1";
    static constexpr const char* kPeer6 = "2001:2::2";

    // Called for every IPv4 packet the node sends, with the virtual time it was sent at.
    using PacketSink = std::function<void(const std::vector<uint8_t>& packet, int64_t timeNs)>;

    explicit Stack(PacketSink sink);

    ns3::Ptr<ns3::Node> GetNode() const { return m_node; }

    // The virtual time, in nanoseconds since the adapter started.
    int64_t NowNs() const;

    // Hands one IPv4 packet to the node at the current virtual time and lets it react; false (with
    // `why`) when the bytes are not an IPv4 packet at all.
    bool Inject(const std::vector<uint8_t>& packet, std::string& why);

    // Runs everything due at the current instant, without moving the clock.
    void Settle();

    // Runs the simulation up to `toNs`, or only up to the first instant at which the node sends a
    // packet when `untilOutput` (with everything else due at that instant run too).
    void Advance(int64_t toNs, bool untilOutput);

  private:
    bool OnDeviceSend(ns3::Ptr<ns3::Packet> packet,
                      const ns3::Address& source,
                      const ns3::Address& destination,
                      uint16_t protocol);

    PacketSink m_sink;
    ns3::Ptr<ns3::Node> m_node;
    ns3::Ptr<ns3::VirtualNetDevice> m_device;
    bool m_stopOnOutput = false;
    bool m_stoppedOnOutput = false;
};

#endif
