#include "rib/loc_rib.h"

#include <algorithm>
#include <boost/container/small_vector.hpp>

namespace closbgp::rib {
namespace {

constexpr uint16_t kOnlyPath[1] = {0};

// What the outside sees of an entry: the ECMP set's paths, best first
// (kept inline: it is taken twice per change of a multi-path entry).
boost::container::small_vector<const Path*, 16> visible(const LocRib::Entry& e) {
  boost::container::small_vector<const Path*, 16> v;
  for (uint16_t i : e.multipath()) v.push_back(&e.path(i));
  return v;
}

}  // namespace

LocRib::Entry& LocRib::Entry::operator=(Entry&& o) noexcept {
  if (this != &o) {
    reset();
    bits_ = std::exchange(o.bits_, 0);
  }
  return *this;
}

void LocRib::Entry::reset() {
  if (many())
    delete as_many();
  else if (bits_)
    intrusive_ptr_release(as_one());
  bits_ = 0;
}

void LocRib::Entry::hold_one(PathRef p) {
  reset();
  bits_ = reinterpret_cast<uintptr_t>(p.detach());  // the reference moves into bits_
}

size_t LocRib::Entry::size() const {
  return many() ? as_many()->paths.size() : bits_ != 0;
}

const Path& LocRib::Entry::path(size_t i) const {
  return many() ? *as_many()->paths[i] : *as_one();
}

size_t LocRib::Entry::best_index() const {
  return many() ? as_many()->multipath.front() : 0;
}

std::span<const uint16_t> LocRib::Entry::multipath() const {
  if (many()) return as_many()->multipath;
  return bits_ ? std::span<const uint16_t>(kOnlyPath) : std::span<const uint16_t>();
}

bool LocRib::Entry::set(uint32_t peer_id, PathRef path, const SelectionOptions& o) {
  // The common case: one source, replaced or removed.
  if (!many() && (bits_ == 0 || as_one()->source.peer_id == peer_id)) {
    const Path* before = bits_ ? as_one() : nullptr;
    if (before == path.get()) return false;
    if (path)
      hold_one(std::move(path));
    else
      reset();
    return true;
  }
  if (!many()) {
    if (!path) return false;  // the one candidate is another source's
    auto m = std::make_unique<Many>();
    m->paths.emplace_back(as_one());
    m->multipath.push_back(0);
    reset();
    bits_ = reinterpret_cast<uintptr_t>(m.release()) | kMany;
  }
  Many& m = *as_many();
  auto pos = std::lower_bound(m.paths.begin(), m.paths.end(), peer_id,
                              [](const PathRef& p, uint32_t id) { return p->source.peer_id < id; });
  const bool present = pos != m.paths.end() && (*pos)->source.peer_id == peer_id;
  if (!path && !present) return false;
  const auto before = visible(*this);
  if (!path)
    m.paths.erase(pos);
  else if (present)
    *pos = std::move(path);
  else
    m.paths.insert(pos, std::move(path));
  if (m.paths.size() == 1) {
    hold_one(std::move(m.paths.front()));  // deletes m
  } else {
    select(m.paths, o, m.multipath);
  }
  // A replaced path in the set is a new object, hence a new pointer.
  return visible(*this) != before;
}

bool LocRib::Entry::reselect(const SelectionOptions& o) {
  if (!many()) return false;
  const auto before = visible(*this);
  select(as_many()->paths, o, as_many()->multipath);
  return visible(*this) != before;
}

std::vector<wire::Prefix> LocRib::reselect(const SelectionOptions& options) {
  options_ = options;
  std::vector<wire::Prefix> changed;
  entries_.for_each_mut([&](const wire::Prefix& prefix, Entry& e) {
    if (e.reselect(options_)) changed.push_back(prefix);
  });
  return changed;
}

bool LocRib::set(const wire::Prefix& prefix, PathRef path) {
  const uint32_t peer = path->source.peer_id;
  auto [entry, inserted] = entries_.try_emplace(prefix);
  return entry->set(peer, std::move(path), options_);
}

bool LocRib::remove(const wire::Prefix& prefix, uint32_t peer_id) {
  Entry* e = entries_.find(prefix);
  if (!e || !e->set(peer_id, nullptr, options_)) return false;
  if (e->size() == 0) entries_.erase(prefix);
  return true;
}

}  // namespace closbgp::rib
