// How closctl calls the daemon: the channel (Unix socket or TCP, TLS when
// asked), a unary call printed as text or JSON, and a server stream handed
// row by row to a Listing; failures become closctl's exit codes, with
// what an operator can act on.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include "bgpd/cli/commands.h"
#include "bgpd/cli/proto_json.h"
#include "bgpd/cli/text_views.h"
#include "bgpd/json/json_writer.h"
#include "closbgp/v1/bgp.grpc.pb.h"

namespace closbgp::cli {

namespace pb = closbgp::v1;

// Read with the caller's own rights (never the daemon's); exits 2 if it cannot.
std::string read_file(const std::string& path);
std::shared_ptr<grpc::Channel> channel(const ClientOptions& opts);
std::unique_ptr<pb::BgpService::Stub> connect(const ClientOptions& opts);
// When a connection or unary call gives up (--timeout).
std::chrono::system_clock::time_point deadline(const ClientOptions& opts);
void set_deadline(grpc::ClientContext& ctx, const ClientOptions& opts);
// The failure said on stderr; its exit code (3 unreachable, 1 otherwise).
int report(const grpc::Status& status, const ClientOptions& opts);
void print_json(const google::protobuf::Message& m);

// One unary call: the response printed as JSON or by `print_text`; on
// failure the exit code that says why.
template <class Req, class Resp>
int unary(const ClientOptions& opts,
          grpc::Status (pb::BgpService::Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
          const Req& req, const std::function<void(const Resp&)>& print_text) {
  auto stub = connect(opts);
  grpc::ClientContext ctx;
  set_deadline(ctx, opts);
  Resp resp;
  if (auto status = ((*stub).*method)(&ctx, req, &resp); !status.ok()) return report(status, opts);
  if (opts.json)
    print_json(resp);
  else
    print_text(resp);
  return kExitOk;
}

// A JSON array written as its items arrive.
template <class Msg>
class JsonArray final : public Listing<Msg> {
 public:
  void row(const Msg& m) override {
    json::JsonWriter w;
    write_json(m, w);
    std::cout << (rows_++ == 0 ? "[" : ",") << w.str();
  }
  void finish() override { std::cout << (rows_ == 0 ? "[]" : "]") << "\n"; }

 private:
  size_t rows_ = 0;
};

template <class Req, class Msg>
using StreamMethod = std::unique_ptr<grpc::ClientReader<Msg>> (pb::BgpService::Stub::*)(
    grpc::ClientContext*, const Req&);

// The rows one streamed message carries: itself, or a page's routes.
template <class Msg>
void rows(const Msg& m, Listing<Msg>& out) {
  out.row(m);
}
inline void rows(const pb::RoutePage& page, Listing<pb::Route>& out) {
  for (const auto& r : page.routes()) out.row(r);
}

// A server stream, each row handed to `out` as it arrives (finished when
// the stream ends well); how it ended.
template <class Req, class Wire, class Msg>
grpc::Status read_stream(const ClientOptions& opts, StreamMethod<Req, Wire> method, const Req& req,
                         Listing<Msg>& out) {
  // --timeout bounds reaching the daemon, not the stream: a full table may
  // take longer than that to arrive.
  auto ch = channel(opts);
  if (!ch->WaitForConnected(deadline(opts)))
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "no connection within the timeout");
  auto stub = pb::BgpService::NewStub(ch);
  grpc::ClientContext ctx;
  auto reader = ((*stub).*method)(&ctx, req);
  for (Wire m; reader->Read(&m);) rows(m, out);
  auto status = reader->Finish();
  if (status.ok()) out.finish();
  return status;
}

// The exit code of a stream that ended as `status`.
inline int stream_result(const grpc::Status& status, const ClientOptions& opts) {
  if (status.ok()) return kExitOk;
  std::cout << std::flush;
  return report(status, opts);
}

template <class Req, class Wire, class Msg>
int stream(const ClientOptions& opts, StreamMethod<Req, Wire> method, const Req& req,
           Listing<Msg>& out) {
  return stream_result(read_stream(opts, method, req, out), opts);
}

// Where a listing goes: `text`, or with --json the JSON array.
template <class Msg>
Listing<Msg>& output(const ClientOptions& opts, JsonArray<Msg>& json, Listing<Msg>& text) {
  return opts.json ? static_cast<Listing<Msg>&>(json) : text;
}

// A listing printed as it arrives.
template <class Req, class Wire, class Msg>
int print_listing(const ClientOptions& opts, StreamMethod<Req, Wire> method, const Req& req,
                  Listing<Msg>& text) {
  JsonArray<Msg> json;
  return stream(opts, method, req, output(opts, json, text));
}

// A listing of routes printed as it arrives, a page to a message. A daemon older than the paged RPC
// answers UNIMPLEMENTED before any route: the same request then goes to `per_route`, which it has
// (closctl upgraded before the daemon restarts).
template <class Req>
int print_routes(const ClientOptions& opts, StreamMethod<Req, pb::RoutePage> paged,
                 StreamMethod<Req, pb::Route> per_route, const Req& req, Listing<pb::Route>& text) {
  JsonArray<pb::Route> json;
  Listing<pb::Route>& out = output(opts, json, text);
  auto status = read_stream(opts, paged, req, out);
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED)
    status = read_stream(opts, per_route, req, out);
  return stream_result(status, opts);
}

}  // namespace closbgp::cli
