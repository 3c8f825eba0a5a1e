// The API's write side: each Control request goes to the Speaker (reload)
// or its OperatorActions (drain, routes, neighbours), and its
// reason for refusing comes back as the API's error kind.
#pragma once

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

 private:
  session::Speaker& speaker_;
};

}  // namespace closbgp::api
