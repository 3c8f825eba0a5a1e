// One shared copy of each distinct attribute set, across UPDATEs and peers:
// a million routes from a fabric carry a few hundred sets. The copy goes
// away with its last user. Main thread only.
#pragma once

#include <memory>

#include "bgpd/wire/attributes.h"

namespace closbgp::rib {

std::shared_ptr<const wire::PathAttributes> intern(const wire::PathAttributes& attributes);
size_t interned_count();  // distinct sets alive

}  // namespace closbgp::rib
