// The API's server-streaming reactors: pages made on the main loop and
// written from gRPC's threads, and a watcher's live events.
#pragma once

#include <grpcpp/grpcpp.h>

#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bgpd/api/event_bus.h"
#include "bgpd/api/proto_views.h"
#include "bgpd/asio.h"
#include "closbgp/v1/bgp.pb.h"
#include "rib/prefix_query.h"

namespace closbgp::api {

// Which prefixes a request asks for: all, one, one and those inside it, or
// the longest that holds an address; the error when its prefix or address
// is not one (or has host bits set).
using RequestedPrefixes = std::expected<rib::PrefixQuery, std::string>;
RequestedPrefixes requested_prefixes(const std::string& prefix, bool longer, bool longest);

// A stream refused before it started (the caller's role).
template <class Msg>
class Refused final : public grpc::ServerWriteReactor<Msg> {
 public:
  explicit Refused(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

// Streams pages made on the main loop, each when the previous one has been
// written: the routing loop runs between pages, and a slow client slows
// only its own stream. `start`, on the main loop, returns what makes the
// pages, or the status that ends the stream at once; that returns the next
// page, or nullopt at the end.
template <class Msg>
class PagedWriter final : public grpc::ServerWriteReactor<Msg> {
 public:
  using NextPage = std::function<std::optional<std::vector<Msg>>()>;
  using Start = std::function<std::expected<NextPage, grpc::Status>()>;

  PagedWriter(asio::io_context& main, Start start) : main_(main) {
    asio::post(main_, [this, start = std::move(start)] {
      auto next_page = start();
      if (!next_page) return this->Finish(next_page.error());
      next_page_ = std::move(*next_page);
      produce();
    });
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
    if (++written_ < page_.size()) return this->StartWrite(&page_[written_]);
    asio::post(main_, [this] { produce(); });
  }
  void OnDone() override { delete this; }

 private:
  void produce() {  // on the main loop
    auto page = next_page_();
    if (!page) return this->Finish(grpc::Status::OK);
    // Nothing to write (all filtered out): the next page, in a later turn.
    if (page->empty()) return asio::post(main_, [this] { produce(); });
    page_ = std::move(*page);
    written_ = 0;
    this->StartWrite(&page_[0]);
  }

  asio::io_context& main_;
  NextPage next_page_;
  std::vector<Msg> page_;
  size_t written_ = 0;
};

// Streams a watcher's events until the client cancels. Events are queued
// on the main loop (EventBus::publish wakes us there) and written from
// whichever thread finds the stream idle; one write at a time.
class EventWriter final : public grpc::ServerWriteReactor<closbgp::v1::Event> {
 public:
  EventWriter(EventBus& bus, std::set<EventKind> kinds) : bus_(bus) {
    watcher_ = bus_.watch(std::move(kinds), [this] { pump(); });
  }
  void OnWriteDone(bool ok) override {
    bool stop = false;
    {
      std::lock_guard lock(mu_);
      writing_ = false;
      stop = !ok || cancelled_;
    }
    if (stop) return finish();
    pump();
  }
  void OnCancel() override {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
      if (writing_) return;  // OnWriteDone finishes
    }
    finish();
  }
  void OnDone() override {
    bus_.unwatch(watcher_);
    delete this;
  }

 private:
  // The next event, if the stream is idle; StartWrite outside the lock, in
  // case gRPC runs OnWriteDone inline.
  void pump() {
    {
      std::lock_guard lock(mu_);
      if (writing_ || cancelled_ || finished_) return;
      auto e = watcher_->pop();
      if (!e) return;
      fill(*e, msg_);
      writing_ = true;
    }
    StartWrite(&msg_);
  }
  void finish() {
    bus_.unwatch(watcher_);  // no wake-up after this
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
      finished_ = true;
    }
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
  }

  EventBus& bus_;
  std::shared_ptr<EventBus::Watcher> watcher_;
  std::mutex mu_;
  bool writing_ = false, cancelled_ = false, finished_ = false;
  closbgp::v1::Event msg_;
};

}  // namespace closbgp::api
