// ValidateConfig of a text a client sends: pure work, done on gRPC's thread
// so that a large or hostile text never holds up routing on the main loop.
#pragma once

#include <grpcpp/grpcpp.h>

#include <optional>

#include "closbgp/v1/bgp.pb.h"

namespace closbgp::api {

// The answer to `req` if it names a path (refused: the daemon reads no
// file for a client) or carries a text (checked here); nullopt when it
// asks about the running configuration, which the main loop answers.
std::optional<grpc::Status> check_config_text(const closbgp::v1::ValidateConfigRequest& req,
                                              closbgp::v1::ValidateConfigResponse& resp);

}  // namespace closbgp::api
