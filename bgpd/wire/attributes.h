// Path attributes (RFC 4271 sec. 5 and the RFCs that add to it) as one value
// type. MP_REACH/MP_UNREACH are not here: they carry NLRI, not properties of
// a path, and live in UpdateMessage. AS4_PATH/AS4_AGGREGATOR are merged into
// as_path/aggregator on decode and regenerated on encode (RFC 6793).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "bgpd/wire/ip.h"

namespace closbgp::wire {

namespace attr_type {
inline constexpr uint8_t kOrigin = 1, kAsPath = 2, kNextHop = 3, kMed = 4, kLocalPref = 5,
                         kAtomicAggregate = 6, kAggregator = 7, kCommunities = 8, kOriginatorId = 9,
                         kClusterList = 10, kMpReach = 14, kMpUnreach = 15, kExtCommunities = 16,
                         kAs4Path = 17, kAs4Aggregator = 18, kLargeCommunities = 32, kOtc = 35;
}
namespace attr_flag {
inline constexpr uint8_t kOptional = 0x80, kTransitive = 0x40, kPartial = 0x20,
                         kExtendedLength = 0x10;
}

inline constexpr uint32_t kAsTrans = 23456;                // RFC 6793
inline constexpr uint32_t kGracefulShutdown = 0xFFFF0000;  // RFC 8326 community
// RFC 9494: a long-lived stale path, least preferred; a path never to keep so.
inline constexpr uint32_t kLlgrStale = 0xFFFF0006, kNoLlgr = 0xFFFF0007;

enum class Origin : uint8_t { Igp = 0, Egp = 1, Incomplete = 2 };

enum class SegmentType : uint8_t { Set = 1, Sequence = 2, ConfedSequence = 3, ConfedSet = 4 };
struct AsPathSegment {
  SegmentType type = SegmentType::Sequence;
  std::vector<uint32_t> asns;
  friend bool operator==(const AsPathSegment&, const AsPathSegment&) = default;
};
struct AsPath {
  std::vector<AsPathSegment> segments;
  // RFC 4271 9.1.2.2 a): a set counts one, confederation segments count zero.
  size_t length() const;
  friend bool operator==(const AsPath&, const AsPath&) = default;
};

struct Aggregator {
  uint32_t asn = 0;
  uint32_t address = 0;  // IPv4, host order
  friend bool operator==(const Aggregator&, const Aggregator&) = default;
};

struct LargeCommunity {
  uint32_t global = 0, local1 = 0, local2 = 0;
  friend bool operator==(const LargeCommunity&, const LargeCommunity&) = default;
};

// An optional attribute we do not interpret. Transitive ones are passed on
// byte for byte with the Partial bit set; non-transitive ones are dropped on
// receipt and never stored.
struct RawAttribute {
  uint8_t flags = 0;  // without the Extended Length bit, which is a matter of encoding
  uint8_t type = 0;
  std::vector<uint8_t> value;
  friend bool operator==(const RawAttribute&, const RawAttribute&) = default;
};

struct PathAttributes {
  std::optional<Origin> origin;
  std::optional<AsPath> as_path;
  std::optional<IpAddress> next_hop;  // NEXT_HOP (IPv4)
  std::optional<uint32_t> med;
  std::optional<uint32_t> local_pref;
  bool atomic_aggregate = false;
  std::optional<Aggregator> aggregator;
  std::vector<uint32_t> communities;
  std::optional<uint32_t> originator_id;
  std::vector<uint32_t> cluster_list;
  std::vector<uint64_t> ext_communities;
  std::vector<LargeCommunity> large_communities;
  std::optional<uint32_t> otc;  // RFC 9234 Only To Customer
  std::vector<RawAttribute> unknown;

  friend bool operator==(const PathAttributes&, const PathAttributes&) = default;
};

}  // namespace closbgp::wire
