#include "bgpd/api/node_control.h"

#include "bgpd/api/node_views.h"

namespace closbgp::api {
namespace {

constexpr uint32_t kMaxConfirmSeconds = 86400;

// std::expected::transform_error, which GCC 12 lacks.
template <class T>
std::expected<T, ControlError> translated(std::expected<T, session::OpError> r) {
  if (r) return std::move(*r);
  return std::unexpected(control_error(r.error()));
}

}  // namespace

std::expected<std::vector<std::string>, ControlError> NodeControl::reload_config(
    uint32_t confirm_seconds) {
  if (confirm_seconds > kMaxConfirmSeconds)
    return std::unexpected(ControlError{
        ControlError::Kind::InvalidArgument,
        "confirm within " + std::to_string(confirm_seconds) + " s: at most a day (86400 s)"});
  return translated(speaker_.reload_config(
      confirm_seconds == 0 ? std::nullopt : std::optional(std::chrono::seconds(confirm_seconds))));
}

std::expected<std::string, ControlError> NodeControl::confirm_config() {
  return translated(speaker_.confirm_reload());
}

// The running configuration's own file (never a file a client names);
// nothing is applied.
std::expected<std::string, ControlError> NodeControl::validate_running_config() const {
  auto c = config::load_config_file(speaker_.config_source());
  if (!c)
    return std::unexpected(ControlError{ControlError::Kind::InvalidConfig, c.error().to_string()});
  return config::summary(*c);
}

std::expected<std::string, ControlError> NodeControl::set_drain(const std::string& state,
                                                                const std::string& neighbor) {
  return translated(speaker_.actions().set_drain(state, neighbor));
}

std::expected<std::string, ControlError> NodeControl::add_route(
    const std::string& prefix, const std::vector<std::string>& communities,
    const std::vector<std::string>& large_communities, std::optional<uint32_t> med) {
  return translated(speaker_.actions().add_route(prefix, communities, large_communities, med));
}

std::expected<std::string, ControlError> NodeControl::delete_route(const std::string& prefix) {
  return translated(speaker_.actions().delete_route(prefix));
}

std::expected<std::string, ControlError> NodeControl::reset_neighbor(const std::string& neighbor,
                                                                     const std::string& soft) {
  return translated(speaker_.actions().reset_neighbor(neighbor, soft));
}

std::expected<std::string, ControlError> NodeControl::set_neighbor_enabled(
    const std::string& neighbor, bool enabled, const std::string& message) {
  return translated(speaker_.actions().set_neighbor_enabled(neighbor, enabled, message));
}

std::expected<Control::Cleared, ControlError> NodeControl::clear_evpn_duplicates(
    uint32_t vni, const std::string& mac_text) {
  using K = ControlError::Kind;
  std::optional<wire::MacAddress> mac;
  if (!mac_text.empty() && !(mac = wire::parse_mac(mac_text)))
    return std::unexpected(
        ControlError{K::InvalidArgument, "'" + mac_text + "' is no MAC (aa:bb:cc:dd:ee:ff)"});
  if (!clear_duplicates_)
    return std::unexpected(
        ControlError{K::Conflict, "no EVPN leaf here (evpn: {advertise-all-vni: true})"});
  const auto n = clear_duplicates_(vni ? std::optional(vni) : std::nullopt, mac);
  if (!n)
    return std::unexpected(
        ControlError{K::Conflict, "duplicate detection is off (evpn.duplicate-detection)"});
  const std::string where = (vni ? "VNI " + std::to_string(vni) : std::string("every VNI")) +
                            (mac ? ", MAC " + wire::mac_text(*mac) : "");
  return Cleared{uint32_t(*n), where + ": " + std::to_string(*n) + " duplicate MAC" +
                                   (*n == 1 ? "" : "s") + " frozen no more"};
}

}  // namespace closbgp::api
