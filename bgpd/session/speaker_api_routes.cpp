// Routes added through the API (AddRoute / DeleteRoute): service addresses
// originated at run time, kept in the state file across restarts.
#include "bgpd/session/session_log.h"
#include "bgpd/session/speaker.h"
#include "policy/community.h"

namespace closbgp::session {
std::expected<wire::PathAttributes, std::string> Speaker::api_route_attributes(
    const config::SavedRoute& r) const {
  wire::PathAttributes a;
  a.origin = wire::Origin::Igp;
  a.as_path = wire::AsPath{};
  a.med = r.med;
  for (const auto& c : r.communities) {
    auto v = policy::parse_community(c);
    if (!v) return std::unexpected("'" + c + "' is not a community like 65000:100 or no-export");
    a.communities.push_back(*v);
  }
  for (const auto& c : r.large_communities) {
    auto v = policy::parse_large_community(c);
    if (!v) return std::unexpected("'" + c + "' is not a large community like 65000:1:2");
    a.large_communities.push_back(*v);
  }
  return a;
}

// At start: what was added before the restart.
void Speaker::originate_api_routes() {
  for (const auto& [text, route] : saved_.routes) {
    auto prefix = wire::Prefix::parse(text);
    auto attrs = api_route_attributes(route);
    if (!prefix || !attrs) {
      session_logger()->error("state file: route {} is not valid; not originated", text);
      continue;
    }
    set_local(*prefix, *attrs);
  }
}

std::expected<std::string, api::ControlError> Speaker::add_route(
    const std::string& text, const std::vector<std::string>& communities,
    const std::vector<std::string>& large_communities, std::optional<uint32_t> med) {
  using Kind = api::ControlError::Kind;
  const auto prefix = wire::Prefix::parse(text);
  if (!prefix)
    return std::unexpected(api::ControlError{Kind::InvalidArgument,
                                             "'" + text + "' is not a prefix like 10.1.2.3/32"});
  if (originated_by_config(*prefix))
    return std::unexpected(api::ControlError{
        Kind::Conflict, prefix->to_string() + " is originated by the configuration already"});
  const config::SavedRoute route{communities, large_communities, med};
  auto attrs = api_route_attributes(route);
  if (!attrs) return std::unexpected(api::ControlError{Kind::InvalidArgument, attrs.error()});
  connected_.erase(*prefix);  // the API's now, not redistribution's
  set_local(*prefix, *attrs);
  saved_.routes[prefix->to_string()] = route;
  const std::string what = "route " + prefix->to_string() + " originated";
  session_logger()->info("api: {}", what);
  return what + save_state_file();
}

std::expected<std::string, api::ControlError> Speaker::delete_route(const std::string& text) {
  const auto prefix = wire::Prefix::parse(text);
  if (!prefix || !saved_.routes.erase(prefix->to_string()))
    return std::unexpected(api::ControlError{api::ControlError::Kind::NotFound,
                                             "no route " + text + " was added through the API"});
  withdraw_local(*prefix);
  const std::string what = "route " + prefix->to_string() + " withdrawn";
  session_logger()->info("api: {}", what);
  return what + save_state_file();
}

}  // namespace closbgp::session
