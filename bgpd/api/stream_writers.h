// The API's server-streaming reactors: a snapshot taken on the main loop and
// written from gRPC's threads, and a watcher's live events.
#pragma once

#include <grpcpp/grpcpp.h>

#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
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

// Streams a snapshot taken on the main loop: the views `take(query)`
// returns for the request's prefixes, or its error (INVALID_ARGUMENT if the
// request's prefix was not one); the writes happen on gRPC's threads.
template <class Msg>
class SnapshotWriter final : public grpc::ServerWriteReactor<Msg> {
 public:
  template <class Take>
  SnapshotWriter(asio::io_context& main, RequestedPrefixes requested, Take take) {
    asio::post(main, [this, requested = std::move(requested), take = std::move(take)] {
      if (!requested)
        return this->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, requested.error()));
      auto views = take(*requested);
      if (!views) return this->Finish(status(views.error()));
      for (const auto& v : *views) fill(v, items_.emplace_back());
      next();
    });
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
    next();
  }
  void OnDone() override { delete this; }

 private:
  void next() {
    if (i_ == items_.size()) return this->Finish(grpc::Status::OK);
    this->StartWrite(&items_[i_++]);
  }
  std::vector<Msg> items_;
  size_t i_ = 0;
};

// Streams an MRT dump in chunks: each is encoded on the main loop (a batch
// of prefixes, a few milliseconds) when the previous one has been written,
// so the routing loop runs between batches and a slow client slows only
// its own dump.
class MrtWriter final : public grpc::ServerWriteReactor<closbgp::v1::MrtChunk> {
 public:
  static constexpr size_t kPrefixesPerChunk = 2000;

  // `start` makes the dump, on the main loop.
  MrtWriter(asio::io_context& main, std::function<std::unique_ptr<mrt::RibDump>()> start)
      : main_(main) {
    asio::post(main_, [this, start = std::move(start)] {
      dump_ = start();
      produce();
    });
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
    asio::post(main_, [this] { produce(); });
  }
  void OnDone() override { delete this; }

 private:
  void produce() {  // on the main loop
    auto bytes = dump_->next(kPrefixesPerChunk);
    if (bytes.empty()) return this->Finish(grpc::Status::OK);
    chunk_.set_data(std::string(bytes.begin(), bytes.end()));
    this->StartWrite(&chunk_);
  }

  asio::io_context& main_;
  std::unique_ptr<mrt::RibDump> dump_;
  closbgp::v1::MrtChunk chunk_;
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
