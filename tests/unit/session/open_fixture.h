// Our side and a neighbour's OPEN, for the FSM's and negotiation's tests.
#pragma once

#include "bgpd/session/fsm.h"

namespace closbgp::session::test {

inline LocalConfig local() {
  LocalConfig l;
  l.asn = 65101;
  l.router_id = 0x0a00000b;
  l.hostname = "leaf1";
  return l;
}

inline wire::OpenMessage peer_open(uint32_t asn = 65000, uint16_t hold = 90) {
  LocalConfig p;
  p.asn = asn;
  p.router_id = 0x0a000001;
  p.hold_time = hold;
  return make_open(p);
}

}  // namespace closbgp::session::test
