// The API's write side: each Control request goes to the Speaker (reload)
// or its OperatorActions (drain, routes, neighbours), a leaf's duplicate
// MACs to what main.cpp wires in, and its reason for refusing comes back
// as the API's error kind.
#pragma once

#include <functional>
#include <optional>

#include "bgpd/api/backend.h"
#include "bgpd/session/speaker.h"

namespace closbgp::api {

class NodeControl final : public Control {
 public:
  explicit NodeControl(session::Speaker& speaker) : speaker_(speaker) {}

  std::expected<std::vector<std::string>, ControlError> reload_config(
      uint32_t confirm_seconds) override;
  std::expected<std::string, ControlError> confirm_config() override;
  std::expected<std::string, ControlError> validate_running_config() const override;
  std::expected<std::string, ControlError> set_drain(const std::string& state,
                                                     const std::string& neighbor) override;
  std::expected<std::string, ControlError> add_route(
      const std::string& prefix, const std::vector<std::string>& communities,
      const std::vector<std::string>& large_communities, std::optional<uint32_t> med) override;
  std::expected<std::string, ControlError> delete_route(const std::string& prefix) override;
  std::expected<std::string, ControlError> reset_neighbor(const std::string& neighbor,
                                                          const std::string& soft) override;
  std::expected<std::string, ControlError> set_neighbor_enabled(
      const std::string& neighbor, bool enabled, const std::string& message) override;
  std::expected<Cleared, ControlError> clear_evpn_duplicates(uint32_t vni,
                                                             const std::string& mac) override;

  // A leaf's duplicate MACs (evpn::VniSync::clear_duplicates): how many
  // were frozen, nullopt without duplicate detection. Unset: no leaf.
  using ClearDuplicates = std::function<std::optional<size_t>(std::optional<uint32_t> vni,
                                                              std::optional<wire::MacAddress> mac)>;
  void set_clear_duplicates(ClearDuplicates clear) { clear_duplicates_ = std::move(clear); }

 private:
  session::Speaker& speaker_;
  ClearDuplicates clear_duplicates_;
};

}  // namespace closbgp::api
