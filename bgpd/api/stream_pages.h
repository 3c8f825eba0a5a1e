// What the streaming RPCs send, a page at a time through PagedWriter:
// route listings as a message per route (Route) or per page (RoutePage),
// MRT dumps as chunks, and a listing taken whole as one page.
#pragma once

#include <grpcpp/grpcpp.h>

#include <expected>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "bgpd/api/backend.h"
#include "bgpd/api/community_filter.h"
#include "bgpd/api/proto_views.h"
#include "bgpd/api/stream_writers.h"
#include "closbgp/v1/bgp.pb.h"

namespace closbgp::api {

// A page of a route listing: about a millisecond of the main loop's time,
// a RoutePage of about 150 KB (gRPC's message limit is 4 MB).
inline constexpr size_t kRoutesPerPage = 1024;
// A chunk of an MRT dump: a batch of prefixes' records, a few milliseconds.
inline constexpr size_t kPrefixesPerChunk = 2000;

// What a stream's first step on the main loop makes: its pages, or why not.
template <class Msg>
using Listing = std::expected<typename PagedWriter<Msg>::NextPage, grpc::Status>;

// A route listing's pages, of the paths `filter` keeps.
template <class Msg>
typename PagedWriter<Msg>::NextPage route_pages(std::shared_ptr<RoutePages> pages,
                                                const CommunityFilter& filter) {
  return [pages = std::move(pages), filter]() -> std::optional<std::vector<Msg>> {
    auto views = pages->next(kRoutesPerPage);
    if (!views) return std::nullopt;
    std::erase_if(*views, [&](const RouteView& r) { return !filter.keeps(r); });
    if constexpr (std::is_same_v<Msg, closbgp::v1::RoutePage>) {
      std::vector<closbgp::v1::RoutePage> page(views->empty() ? 0 : 1);
      for (const auto& v : *views) fill(v, *page[0].add_routes());
      return page;
    } else {
      std::vector<closbgp::v1::Route> page(views->size());
      for (size_t i = 0; i < views->size(); ++i) fill((*views)[i], page[i]);
      return page;
    }
  };
}

// An MRT dump's chunks.
PagedWriter<closbgp::v1::MrtChunk>::NextPage mrt_chunks(std::shared_ptr<mrt::RibDump> dump);

// The pages of `views`, one page: a listing taken whole (the kernel's
// routes, read from the FIB's thread).
template <class Msg, class View>
typename PagedWriter<Msg>::NextPage one_page(std::vector<View> views) {
  return [views = std::move(views), done = false]() mutable -> std::optional<std::vector<Msg>> {
    if (std::exchange(done, true)) return std::nullopt;
    std::vector<Msg> page(views.size());
    for (size_t i = 0; i < views.size(); ++i) fill(views[i], page[i]);
    return page;
  };
}

}  // namespace closbgp::api
