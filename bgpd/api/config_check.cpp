#include "bgpd/api/config_check.h"

#include "bgpd/config/config.h"
#include "bgpd/log/log.h"

namespace closbgp::api {
namespace {

// Config files are a few kilobytes, a fabric's largest a few hundred.
constexpr size_t kMaxConfigText = 1 << 20;

}  // namespace

std::optional<grpc::Status> check_config_text(const closbgp::v1::ValidateConfigRequest& req,
                                              closbgp::v1::ValidateConfigResponse& resp) {
  if (!req.path().empty()) {
    log::get("api")->warn(
        "ValidateConfig naming the path {:?} refused: the daemon reads no file for a client",
        req.path());
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "the daemon reads no file on a client's behalf: send the file's text "
                        "(closctl config validate FILE does)");
  }
  if (!req.has_text()) return std::nullopt;
  if (req.text().size() > kMaxConfigText)
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "configuration text of " +
                                                                std::to_string(req.text().size()) +
                                                                " bytes: the limit is 1 MiB");
  auto c = config::parse_config(req.text(), req.name().empty() ? "request" : req.name(),
                                config::Files::Leave);
  if (!c) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, c.error().to_string());
  resp.set_summary(config::summary(*c));
  return grpc::Status::OK;
}

}  // namespace closbgp::api
