#include "bgpd/api/stream_pages.h"

#include <string>

namespace closbgp::api {

PagedWriter<closbgp::v1::MrtChunk>::NextPage mrt_chunks(std::shared_ptr<mrt::RibDump> dump) {
  return [dump = std::move(dump)]() -> std::optional<std::vector<closbgp::v1::MrtChunk>> {
    auto bytes = dump->next(kPrefixesPerChunk);
    if (bytes.empty()) return std::nullopt;
    std::vector<closbgp::v1::MrtChunk> page(1);
    page[0].set_data(std::string(bytes.begin(), bytes.end()));
    return page;
  };
}

}  // namespace closbgp::api
