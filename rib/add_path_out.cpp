#include "rib/add_path_out.h"

#include <algorithm>

namespace closbgp::rib {

std::vector<AddPathOut::Chosen> AddPathOut::chosen(const wire::Prefix& prefix,
                                                   const LocRib::Entry& e,
                                                   const SelectionOptions& o,
                                                   const VariantOf& variant_of) const {
  std::vector<const Path*> order;
  if (send_.mode == AddPathSend::Mode::Ecmp) {
    for (uint16_t i : e.multipath()) order.push_back(&e.path(i));  // best first
  } else if (send_.mode == AddPathSend::Mode::All) {
    order.push_back(&e.best());  // first: a family without ids gets it alone
    for (size_t i = 0; i < e.size(); ++i)
      if (i != e.best_index()) order.push_back(&e.path(i));
  } else {
    // Most preferred first, each the best of those left, as selection
    // finds it: MED makes preference non-transitive, so no std::sort.
    std::vector<const Path*> left;
    for (size_t i = 0; i < e.size(); ++i) left.push_back(&e.path(i));
    while (!left.empty()) {
      auto best = left.begin();
      for (auto it = left.begin() + 1; it != left.end(); ++it)
        if (compare(**it, **best, o) < 0) best = it;
      order.push_back(*best);
      left.erase(best);
    }
  }
  const size_t most = !ids_.has(wire::family_of(prefix.afi())) ? 1
                      : send_.mode == AddPathSend::Mode::Best  ? send_.best
                                                               : order.size();
  std::vector<Chosen> out;
  for (const Path* p : order) {
    if (out.size() == most) break;
    if (const int v = variant_of(*p, prefix); v >= 0) out.push_back({p, v});
  }
  return out;
}

void AddPathOut::update(const wire::Prefix& prefix, const LocRib::Entry* e,
                        const SelectionOptions& o, const VariantOf& variant_of, Advertisement& a,
                        FamilyCounts& sent) {
  const std::vector<Chosen> now = e ? chosen(prefix, *e, o, variant_of) : std::vector<Chosen>{};
  SentPaths* slot = sent_.find(prefix);
  const SentPaths before = slot ? *slot : SentPaths{};
  if (now.empty() && before.empty()) return;
  const bool with_ids = ids_.has(wire::family_of(prefix.afi()));
  // A path still sent keeps its id (without ids there is one path, id 0);
  // then each new one takes the lowest id free.
  SentPaths after;
  std::vector<int> variants;
  for (const auto& c : now) {
    auto same = std::ranges::find_if(before, [&](const Sent& s) {
      return !with_ids || CandidateKey::of(*s.path) == CandidateKey::of(*c.path);
    });
    if (same == before.end()) continue;
    after.push_back({same->id, PathRef(c.path)});
    variants.push_back(c.variant);
  }
  for (const auto& c : now) {
    if (std::ranges::any_of(after, [&](const Sent& s) { return s.path.get() == c.path; })) continue;
    uint32_t id = with_ids ? 1 : 0;
    while (std::ranges::any_of(after, [&](const Sent& s) { return s.id == id; })) ++id;
    after.push_back({id, PathRef(c.path)});
    variants.push_back(c.variant);
  }
  const wire::Family family = wire::family_of(prefix.afi());
  for (const auto& s : before)
    if (std::ranges::none_of(after, [&](const Sent& n) { return n.id == s.id; }))
      a.withdraw[family].push_back({prefix, s.id});
  for (size_t i = 0; i < after.size(); ++i) {
    auto had = std::ranges::find_if(before, [&](const Sent& s) { return s.id == after[i].id; });
    if (had != before.end() && had->path->attributes == after[i].path->attributes &&
        CandidateKey::of(*had->path) == CandidateKey::of(*after[i].path))
      continue;  // the same path, as it was sent
    if (a.announce.size() <= size_t(variants[i])) a.announce.resize(size_t(variants[i]) + 1);
    a.announce[size_t(variants[i])].push_back({prefix, after[i].id});
  }
  size_t& count = sent[prefix.afi()];
  count = count + !after.empty() - !before.empty();
  if (after.empty())
    sent_.erase(prefix);
  else if (slot)
    *slot = std::move(after);
  else
    *sent_.try_emplace(prefix).first = std::move(after);
}

void AddPathOut::visit(const PrefixQuery& query, const SentFn& fn) const {
  query.visit(sent_, [&](const wire::Prefix& prefix, const SentPaths& paths) {
    for (const auto& s : paths) fn(prefix, s.id, *s.path);
  });
}

}  // namespace closbgp::rib
