#include "fib/kernel_port.h"

namespace closbgp::fib {

std::string describe(const Op& op) {
  struct V {
    std::string operator()(const op::AddNexthop& o) {
      return "nexthop " + std::to_string(o.id) + " " + via(o.nexthop);
    }
    std::string operator()(const op::AddGroup& o) { return "group " + std::to_string(o.id); }
    std::string operator()(const op::SetRoute& o) {
      return "route " + o.prefix.to_string() + " nhid " + std::to_string(o.group);
    }
    std::string operator()(const op::SetRouteVia& o) {
      std::string out = "route " + o.prefix.to_string();
      for (const auto& nh : o.nexthops) out += " " + via(nh);
      return out;
    }
    std::string operator()(const op::DelRoute& o) { return "delete route " + o.prefix.to_string(); }
    std::string operator()(const op::DelGroup& o) { return "delete group " + std::to_string(o.id); }
    std::string operator()(const op::DelNexthop& o) {
      return "delete nexthop " + std::to_string(o.id);
    }
    static std::string via(const rib::NextHop& nh) {
      if (nh.is_discard()) return "blackhole";
      return "via " + nh.gateway.to_string() + " ifindex " + std::to_string(nh.ifindex) +
             (nh.weight != 1 ? " weight " + std::to_string(nh.weight) : "");
    }
  };
  return std::visit(V{}, op);
}

std::string prefix_of(const Op& op) {
  return std::visit(
      [](const auto& o) -> std::string {
        if constexpr (requires { o.prefix; })
          return o.prefix.to_string();
        else
          return "";
      },
      op);
}

}  // namespace closbgp::fib
