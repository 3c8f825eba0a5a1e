// Many rtnetlink requests per send. The kernel handles the requests of one
// send in order, so only the last asks for an acknowledgement: once it is
// acknowledged, every request before it is done, and each one that failed
// has come back as an error carrying its sequence number (matched here to
// the caller's tag). One system call per batch instead of two per route.
// One NetlinkBatch per socket, for the socket's life: it sets the socket up
// once, and its sequence numbers never repeat, so a late reply to an
// earlier write can never be taken for one of this write's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

struct nl_sock;
struct nl_msg;

namespace closbgp::fib {

class NetlinkBatch {
 public:
  // A request that failed: its tag, the error (a negative errno) and the
  // kernel's explanation (extended acknowledgement), often empty.
  using OnError = std::function<void(size_t tag, int error, std::string_view why)>;

  // `batch_bytes`: requests per send, in bytes. The kernel refuses a send
  // larger than the socket's send buffer, which net.core.wmem_max caps (208
  // KiB by default); 64 KiB is about a thousand routes.
  explicit NetlinkBatch(nl_sock* sock, size_t batch_bytes = 64 * 1024);

  // Starts a write: the failures of the requests added until flush() go to
  // `on_error`.
  void begin(OnError on_error);
  // Queues `msg` (copied; the caller frees it); sends first if the batch is full.
  void add(nl_msg* msg, size_t tag);
  // Sends what is queued and waits until the kernel has handled all of it.
  // Returns false if replies were lost (the receive buffer overflowed), so
  // that the caller compares the kernel with what it wrote.
  bool flush();

  uint64_t sends() const { return sends_; }  // since construction

 private:
  void send_and_wait();
  void fail_all(int error, std::string_view why);

  size_t batch_bytes_;
  int fd_;
  uint32_t port_;
  OnError on_error_;
  std::vector<uint8_t> buf_;
  size_t last_ = 0;           // offset of the last request in buf_
  std::vector<size_t> tags_;  // by sequence number - first_seq_
  uint32_t first_seq_ = 0, next_seq_;
  bool lost_ = false;  // since the last flush()
  uint64_t sends_ = 0;
};

}  // namespace closbgp::fib
