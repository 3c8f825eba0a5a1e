#include "rib/evpn_key.h"

#include <algorithm>
#include <new>

namespace closbgp::rib {

EvpnKey::EvpnKey(std::span<const uint8_t> bytes) {
  auto* b = new (::operator new(sizeof(Block) + bytes.size())) Block;
  b->size = uint32_t(bytes.size());
  std::ranges::copy(bytes, b->data());
  block_.reset(b);
}

void intrusive_ptr_release(const EvpnKey::Block* b) {
  if (b->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  b->~Block();
  ::operator delete(const_cast<EvpnKey::Block*>(b));
}

}  // namespace closbgp::rib
