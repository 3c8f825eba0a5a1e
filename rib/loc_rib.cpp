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

size_t LocRib::Entry::size() const {
  return many() ? as_many()->paths.size() : !none();
}

const Path& LocRib::Entry::path(size_t i) const {
  return many() ? *as_many()->paths[i] : *as_one();
}

size_t LocRib::Entry::best_index() const {
  return many() ? as_many()->multipath.front() : 0;
}

std::span<const uint16_t> LocRib::Entry::multipath() const {
  if (many()) return as_many()->multipath;
  return none() ? std::span<const uint16_t>() : std::span<const uint16_t>(kOnlyPath);
}

bool LocRib::Entry::set(CandidateKey source, PathRef path, const SelectionOptions& o) {
  // The common case: one source, replaced or removed.
  if (!many() && (none() || CandidateKey::of(*as_one()) == source)) {
    const Path* before = as_one();
    if (before == path.get()) return false;
    if (path)
      hold_one(std::move(path));
    else
      reset();
    return true;
  }
  if (!many()) {
    if (!path) return false;  // the one candidate is another source's
    to_many([](PathRef one) {
      return std::make_unique<Candidates>(Candidates{{std::move(one)}, {0}});
    });
  }
  Candidates& m = *as_many();
  auto pos = std::lower_bound(
      m.paths.begin(), m.paths.end(), source,
      [](const PathRef& p, CandidateKey key) { return CandidateKey::of(*p) < key; });
  const bool present = pos != m.paths.end() && CandidateKey::of(**pos) == source;
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
  const CandidateKey source = CandidateKey::of(*path);
  auto [entry, inserted] = entries_.try_emplace(prefix);
  return entry->set(source, std::move(path), options_);
}

bool LocRib::remove(const wire::Prefix& prefix, CandidateKey source) {
  Entry* e = entries_.find(prefix);
  if (!e || !e->set(source, nullptr, options_)) return false;
  if (e->size() == 0) entries_.erase(prefix);
  return true;
}

}  // namespace closbgp::rib
