// Which prefixes a reader asks the engine for: all, one, or one and every
// prefix inside it (`longer-prefixes`). The tables are visited in place,
// never copied: one lookup for one prefix, one pass over a family for
// "inside", one pass over all for "all".
#pragma once

#include <optional>

#include "containers/prefix_map.h"

namespace closbgp::rib {

struct PrefixQuery {
  std::optional<wire::Prefix> prefix;  // none: every prefix
  bool longer = false;                 // with `prefix`: those inside it too

  bool matches(const wire::Prefix& p) const {
    if (!prefix) return true;
    return longer ? prefix->contains(p) : p == *prefix;
  }

  // f(const wire::Prefix&, const V&) for the entries of `map` it selects,
  // in no particular order.
  template <class V, class F>
  void visit(const containers::PrefixMap<V>& map, F&& f) const {
    if (!prefix) return map.for_each(f);
    if (longer) return map.for_each_within(*prefix, f);
    if (const V* v = map.find(*prefix)) f(*prefix, *v);
  }
};

}  // namespace closbgp::rib
