// Which prefixes a reader asks the engine for: all, one, one and every
// prefix inside it (`longer-prefixes`), or the longest that contains an
// address. The tables are visited in place, never copied: one lookup for
// one prefix, at most 33 or 129 for the longest, one pass over a family for
// "inside", one pass over all for "all".
#pragma once

#include <optional>

#include "containers/prefix_map.h"

namespace closbgp::rib {

struct PrefixQuery {
  std::optional<wire::Prefix> prefix;  // none: every prefix
  bool longer = false;                 // with `prefix`: those inside it too
  bool longest = false;  // `prefix` is an address (/32, /128): the longest that holds it

  bool matches(const wire::Prefix& p) const {
    if (!prefix) return true;
    return longer || longest ? prefix->contains(p) : p == *prefix;
  }

  // f(const wire::Prefix&, const V&) for the entries of `map` it selects,
  // in no particular order.
  template <class V, class F>
  void visit(const containers::PrefixMap<V>& map, F&& f) const {
    if (!prefix) return map.for_each(f);
    if (longer) return map.for_each_within(*prefix, f);
    if (longest) {
      if (const auto [found, v] = map.longest_match(*prefix); v) f(found, *v);
      return;
    }
    if (const V* v = map.find(*prefix)) f(*prefix, *v);
  }
};

}  // namespace closbgp::rib
