#include "stack.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/global-value.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6.h"
#include "ns3/mac48-address.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

using namespace ns3;

namespace
{

// Simulator::Stop is overloaded, so a plain function gives the scheduler one unambiguous target.
void
StopNow()
{
    Simulator::Stop();
}

} // namespace

Stack::Stack(PacketSink sink)
    : m_sink(std::move(sink))
{
    // ns-3 neither fills in nor checks IPv4 and TCP checksums unless told to (Node's global
    // "ChecksumEnabled" is false by default); the harness checks them and sends bad ones on purpose.
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    // Fixed seed and run: the same inputs give the same outputs (ns-3's own TCP draws no random ISN,
    // but whatever else draws from the RNG stays reproducible too).
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(1);

    // IPv6 addresses are usable at once: no Duplicate Address Detection (and so no neighbour
    // solicitation of its own on the link, which has no neighbour to answer it).
    Config::SetDefault("ns3::Icmpv6L4Protocol::DAD", BooleanValue(false));
    m_node = CreateObject<Node>();
    InternetStackHelper internet;
    // Static routing only: the one route is added below, nothing is computed globally.
    Ipv4StaticRoutingHelper staticRouting;
    internet.SetRoutingHelper(staticRouting);
    internet.Install(m_node);

    // Point-to-point and no ARP (nor neighbour discovery): the device carries bare IPv4 and IPv6 packets.
    m_device = CreateObject<VirtualNetDevice>();
    m_device->SetNeedsArp(false);
    m_device->SetIsPointToPoint(true);
    m_device->SetAddress(Mac48Address::Allocate());
    m_device->SetSendCallback(MakeCallback(&Stack::OnDeviceSend, this));
    m_node->AddDevice(m_device);

    Ptr<Ipv4> ipv4 = m_node->GetObject<Ipv4>();
    uint32_t interface = ipv4->AddInterface(m_device);
    ipv4->AddAddress(interface, Ipv4InterfaceAddress(Ipv4Address(kAddress), Ipv4Mask("/32")));
    ipv4->SetUp(interface);
    staticRouting.GetStaticRouting(ipv4)->AddHostRouteTo(Ipv4Address(kPeer), interface);

    // 2001:2::1/64: the prefix's route goes to the device, so the peer is on-link.
    Ptr<Ipv6> ipv6 = m_node->GetObject<Ipv6>();
    uint32_t interface6 = ipv6->AddInterface(m_device);
    ipv6->AddAddress(interface6, Ipv6InterfaceAddress(Ipv6Address(kAddress6), Ipv6Prefix(64)));
    ipv6->SetUp(interface6);
    Settle();
}

int64_t
Stack::NowNs() const
{
    return Simulator::Now().GetNanoSeconds();
}

bool
Stack::OnDeviceSend(Ptr<Packet> packet, const Address&, const Address&, uint16_t)
{
    // The device hands over the IP packet, header included (no link-layer header: no ARP, p2p).
    std::vector<uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    m_sink(bytes, NowNs());
    if (m_stopOnOutput && !m_stoppedOnOutput)
    {
        // untilOutput: end Run() after the event that sent this; Advance() then runs the rest of
        // this instant, so the answer comes "after everything due at that moment has run".
        m_stoppedOnOutput = true;
        Simulator::Stop();
    }
    return true;
}

bool
Stack::Inject(const std::vector<uint8_t>& packet, std::string& why)
{
    // Only structurally sound IPv4 and IPv6 reach ns-3, whose header parsers trust lengths; checksums,
    // addresses and everything above are left to the stack to judge.
    if (packet.size() >= 40 && (packet[0] >> 4) == 6)
    {
        size_t total = 40 + ((static_cast<size_t>(packet[4]) << 8) | packet[5]);
        if (total > packet.size())
        {
            why = "the IPv6 payload length does not fit the packet";
            return false;
        }
        Ptr<Packet> p = Create<Packet>(packet.data(), static_cast<uint32_t>(total));
        m_device->Receive(p, 0x86DD, m_device->GetAddress(), m_device->GetAddress(), NetDevice::PACKET_HOST);
        Settle();
        return true;
    }
    if (packet.size() < 20 || (packet[0] >> 4) != 4 || (packet[0] & 0x0f) < 5 ||
        static_cast<size_t>(packet[0] & 0x0f) * 4 > packet.size())
    {
        why = "not an IPv4 or IPv6 packet (too short, wrong version or header length)";
        return false;
    }
    size_t total = (static_cast<size_t>(packet[2]) << 8) | packet[3];
    if (total < static_cast<size_t>(packet[0] & 0x0f) * 4 || total > packet.size())
    {
        why = "the IPv4 total length does not fit the packet";
        return false;
    }
    Ptr<Packet> p = Create<Packet>(packet.data(), static_cast<uint32_t>(total));
    m_device->Receive(p, 0x0800, m_device->GetAddress(), m_device->GetAddress(), NetDevice::PACKET_HOST);
    Settle();
    return true;
}

void
Stack::Settle()
{
    // A stop scheduled "now" runs after every event already queued for this instant; events those
    // schedule for the same instant (TcpSocketBase forks a listener's connection with ScheduleNow)
    // land behind it, so repeat until the stop was the only event left.
    for (;;)
    {
        uint64_t before = Simulator::GetEventCount();
        Simulator::ScheduleNow(&StopNow);
        Simulator::Run();
        if (Simulator::GetEventCount() - before <= 1)
        {
            return;
        }
    }
}

void
Stack::Advance(int64_t toNs, bool untilOutput)
{
    int64_t now = NowNs();
    if (toNs <= now)
    {
        Settle();
        return;
    }
    // Our own stop event, not Simulator::Stop(delay): when output ends the run early it must be
    // cancelled, or it would cut a later run short.
    EventId stop = Simulator::Schedule(NanoSeconds(toNs - now), &StopNow);
    m_stopOnOutput = untilOutput;
    m_stoppedOnOutput = false;
    Simulator::Run();
    m_stopOnOutput = false;
    Simulator::Cancel(stop);
    Settle();
}
