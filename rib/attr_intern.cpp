#include "rib/attr_intern.h"

#include <unordered_map>
#include <vector>

namespace closbgp::rib {
namespace {

size_t combine(size_t seed, uint64_t v) {
  return seed ^ (v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

size_t hash_of(const wire::PathAttributes& a) {
  size_t h = a.origin ? size_t(*a.origin) + 1 : 0;
  if (a.as_path)
    for (const auto& seg : a.as_path->segments) {
      h = combine(h, uint64_t(seg.type));
      for (uint32_t asn : seg.asns) h = combine(h, asn);
    }
  if (a.next_hop) h = combine(h, a.next_hop->v4_host_order());
  h = combine(h, a.med.value_or(0xFFFFFFFFFFull));
  h = combine(h, a.local_pref.value_or(0xFFFFFFFFFFull));
  for (uint32_t c : a.communities) h = combine(h, c);
  for (uint64_t c : a.ext_communities) h = combine(h, c);
  for (const auto& c : a.large_communities)
    h = combine(combine(combine(h, c.global), c.local1), c.local2);
  return combine(h, a.unknown.size());
}

// Sets by hash; a bucket holds the (rare) different sets with one hash.
// Leaked on purpose: shared copies may outlive every other static.
using Table = std::unordered_map<size_t, std::vector<std::weak_ptr<const wire::PathAttributes>>>;
Table& table() {
  static auto* t = new Table();
  return *t;
}

}  // namespace

std::shared_ptr<const wire::PathAttributes> intern(const wire::PathAttributes& attributes) {
  const size_t h = hash_of(attributes);
  auto& bucket = table()[h];
  for (const auto& weak : bucket)
    if (auto existing = weak.lock(); existing && *existing == attributes) return existing;
  // The last user's release takes the set out of the table.
  std::shared_ptr<const wire::PathAttributes> made(
      new wire::PathAttributes(attributes), [h](const wire::PathAttributes* a) {
        delete a;
        auto it = table().find(h);
        if (it == table().end()) return;
        std::erase_if(it->second, [](const auto& w) { return w.expired(); });
        if (it->second.empty()) table().erase(it);
      });
  bucket.push_back(made);
  return made;
}

size_t interned_count() {
  size_t n = 0;
  for (const auto& [h, bucket] : table()) n += bucket.size();
  return n;
}

}  // namespace closbgp::rib
