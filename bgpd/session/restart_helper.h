// Graceful restart (RFC 4724 with RFC 8538), the helper's side: a
// neighbour that announces a planned restart keeps its paths (unicast, and
// EVPN routes with what a leaf installed for them), stale, in our RIB and
// FIB while its daemon restarts (its kernel keeps forwarding), and
// replaces them when it is back.
//
// A restart the peer announced always counts: a Cease other than Hard
// Reset with the N bit negotiated (what closbgpd sends when stopped, and
// FRR). A session lost without a word (TCP, hold timer) counts only with
// `graceful-restart: {helper: always}`, for the families the peer's
// capability lists: by default it is a failure and its paths go at once (a
// fabric has other paths, and stale ones towards a dead node would
// black-hole traffic). BFD Down always takes the paths at once, even
// after the session was lost: forwarding has failed.
//
// Long-lived graceful restart (RFC 9494): when the restart time runs out,
// the families for which both offered it stay, as long-lived stale paths
// (least preferred, tagged LLGR_STALE), for the neighbour's long-lived
// stale time of each; the others go.
//
// The stale paths themselves live in the RIB engine; this keeps their time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bgpd/net/time_source.h"
#include "bgpd/session/fsm.h"

namespace closbgp::session {

class RestartHelper {
 public:
  // `sweep(family)` withdraws the neighbour's stale paths (of every family
  // with nullopt) and returns how many; `stale()` says how many are left;
  // `keep_long_lived(family)` makes those of `family` long-lived stale
  // and returns how many stay.
  RestartHelper(net::TimeSource& time, std::string name,
                std::function<size_t(std::optional<wire::Family>)> sweep,
                std::function<size_t()> stale, std::function<size_t(wire::Family)> keep_long_lived)
      : time_(time),
        name_(std::move(name)),
        timer_(time.timer()),
        sweep_(std::move(sweep)),
        stale_(std::move(stale)),
        keep_long_lived_(std::move(keep_long_lived)) {}

  // Why the paths of a neighbour whose session goes down stay, if they do.
  enum class Kept { No, Announced, Lost };
  // For `e`, on an Established session that negotiated `n`; `help_failures`:
  // a lost session keeps them too.
  static Kept keeps_paths(const Event& e, const Negotiated& n, bool help_failures);
  // The neighbour went down (`why`) and its paths were marked stale: those
  // of the families its capability lists wait for it for up to its
  // restart time, the others go.
  void restarting(const Negotiated& n, Kept why);
  // BFD saw its forwarding fail: paths kept after a lost session go.
  void forwarding_failed();
  // It is back (`n`): families whose forwarding it did not keep go now, the
  // rest wait for End-of-RIB or `stale_time`.
  void back(const Negotiated& n, uint32_t stale_time);
  // An UPDATE arrived; `had_stale`: there were stale paths before it.
  void updated(bool had_stale);
  // Withdraws the stale paths (of `family` only, if given), saying `why`.
  void drop(std::optional<wire::Family> family, const std::string& why);
  // A failure: nothing is kept, nothing waits.
  void cancel() {
    timer_->cancel();
    after_loss_ = false;
    long_lived_.clear();
    deadlines_.clear();
  }
  bool has_stale() const { return stale_() > 0; }

 private:
  void arm(uint32_t seconds, const std::string& why);
  // The restart time ran out: long-lived families stay, the others go.
  void restart_time_over();
  // Sweeps the families whose long-lived stale time is over; waits for the next.
  void long_lived_over();

  net::TimeSource& time_;
  std::string name_;
  std::unique_ptr<net::Timer> timer_;
  std::function<size_t(std::optional<wire::Family>)> sweep_;
  std::function<size_t()> stale_;
  std::function<size_t(wire::Family)> keep_long_lived_;
  bool after_loss_ = false;  // the paths wait after a session lost without a word
  // The neighbour's long-lived stale time per family (RFC 9494), from the
  // session that went down; and when each long-lived family's paths go.
  std::vector<std::pair<wire::Family, uint32_t>> long_lived_;
  std::map<wire::Family, net::Clock::time_point> deadlines_;
};

}  // namespace closbgp::session
