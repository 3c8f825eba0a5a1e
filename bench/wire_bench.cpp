// Codec throughput: an UPDATE densely packed with ~1000 IPv4 /24 NLRI, as a
// full-table ingest delivers them. Reported as prefixes per second.
#include <benchmark/benchmark.h>

#include "bgpd/wire/codec.h"

namespace closbgp::wire {
namespace {

std::vector<Nlri> slash24s(size_t n, Afi afi = Afi::Ipv4) {
  std::vector<Nlri> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (afi == Afi::Ipv4) {
      v.push_back(Nlri{Prefix(IpAddress::v4(0x0a000000u + (uint32_t(i) << 8)), 24), 0});
    } else {
      std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8, uint8_t(i >> 8), uint8_t(i)};
      v.push_back(Nlri{Prefix(IpAddress::v6(b), 48), 0});
    }
  }
  return v;
}

PathAttributes fabric_attrs() {
  PathAttributes a;
  a.origin = Origin::Igp;
  a.as_path = AsPath{{{SegmentType::Sequence, {65001, 65000, 65102}}}};
  a.med = 0;
  a.communities = {0xfde90001};
  return a;
}

// The first message that encode_announce packs: as full as 4096 octets allow.
std::vector<uint8_t> packed_update(Family family, const MpNextHop& nh, size_t* count) {
  std::vector<uint8_t> all;
  const auto nlri = slash24s(2000, afi_of(family));
  encode_announce(fabric_attrs(), nh, family, nlri, EncodeContext{}, all);
  const size_t len = size_t(all[16]) << 8 | all[17];
  std::vector<uint8_t> first(all.begin(), all.begin() + std::ptrdiff_t(len));
  auto m = decode(first, DecodeContext{});
  const auto& u = std::get<UpdateMessage>(*m);
  *count = u.mp_reach ? u.mp_reach->nlri.size() : u.nlri.size();
  return first;
}

void decode_bench(benchmark::State& state, Family family, const MpNextHop& nh) {
  size_t count = 0;
  const auto bytes = packed_update(family, nh, &count);
  const DecodeContext ctx;
  for (auto _ : state) {
    auto m = decode(bytes, ctx);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(int64_t(state.iterations() * count));
  state.counters["prefixes_per_msg"] = double(count);
}

void BM_DecodeUpdateIpv4(benchmark::State& state) {
  decode_bench(state, Family::Ipv4Unicast, MpNextHop{IpAddress::v4(0x0a000001), {}});
}
BENCHMARK(BM_DecodeUpdateIpv4);

void BM_DecodeUpdateIpv4ViaIpv6(benchmark::State& state) {
  decode_bench(state, Family::Ipv4Unicast, MpNextHop{*IpAddress::parse("fe80::1"), {}});
}
BENCHMARK(BM_DecodeUpdateIpv4ViaIpv6);

void BM_DecodeUpdateIpv6(benchmark::State& state) {
  decode_bench(state, Family::Ipv6Unicast,
               MpNextHop{*IpAddress::parse("2001:db8::1"), IpAddress::parse("fe80::1")});
}
BENCHMARK(BM_DecodeUpdateIpv6);

void encode_bench(benchmark::State& state, const MpNextHop& nh) {
  const auto nlri = slash24s(100000);
  const auto attrs = fabric_attrs();
  std::vector<uint8_t> out;
  out.reserve(1 << 20);
  for (auto _ : state) {
    out.clear();
    encode_announce(attrs, nh, Family::Ipv4Unicast, nlri, EncodeContext{}, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations() * nlri.size()));
}

void BM_EncodeAnnounceIpv4(benchmark::State& state) {
  encode_bench(state, MpNextHop{IpAddress::v4(0x0a000001), {}});
}
BENCHMARK(BM_EncodeAnnounceIpv4);

void BM_EncodeAnnounceIpv4ViaIpv6(benchmark::State& state) {
  encode_bench(state, MpNextHop{*IpAddress::parse("fe80::1"), {}});
}
BENCHMARK(BM_EncodeAnnounceIpv4ViaIpv6);

}  // namespace
}  // namespace closbgp::wire

BENCHMARK_MAIN();
