#include "rib/received_paths.h"

#include <algorithm>
#include <memory>

namespace closbgp::rib {
namespace {

uint32_t id_of(const PathRef& p) {
  return p->source.path_id;
}

}  // namespace

const Path* ReceivedPaths::find(uint32_t path_id) const {
  if (!many()) return !empty() && as_one()->source.path_id == path_id ? as_one() : nullptr;
  const auto& m = *as_many();
  auto pos = std::ranges::lower_bound(m, path_id, {}, id_of);
  return pos != m.end() && id_of(*pos) == path_id ? pos->get() : nullptr;
}

PathRef ReceivedPaths::set(PathRef p) {
  const uint32_t id = p->source.path_id;
  if (empty()) {
    hold_one(std::move(p));
    return nullptr;
  }
  if (!many()) {
    if (as_one()->source.path_id == id) {
      PathRef before(as_one());
      hold_one(std::move(p));
      return before;
    }
    to_many([](PathRef one) { return std::make_unique<std::vector<PathRef>>(1, std::move(one)); });
  }
  auto& m = *as_many();
  auto pos = std::ranges::lower_bound(m, id, {}, id_of);
  if (pos != m.end() && id_of(*pos) == id) return std::exchange(*pos, std::move(p));
  m.insert(pos, std::move(p));
  return nullptr;
}

PathRef ReceivedPaths::remove(uint32_t path_id) {
  if (!many()) {
    if (empty() || as_one()->source.path_id != path_id) return nullptr;
    PathRef before(as_one());
    reset();
    return before;
  }
  auto& m = *as_many();
  auto pos = std::ranges::lower_bound(m, path_id, {}, id_of);
  if (pos == m.end() || id_of(*pos) != path_id) return nullptr;
  PathRef before = std::move(*pos);
  m.erase(pos);
  if (m.size() == 1) hold_one(std::move(m.front()));  // deletes m
  return before;
}

}  // namespace closbgp::rib
