#include "fib/netlink_batch.h"

#include <linux/netlink.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace closbgp::fib {
namespace {

// Our sequence numbers, apart from libnl's (which start at the time of day).
constexpr uint32_t kFirstSeq = 0x80000000;
// Room for the replies to a whole batch that fails (about 1 KiB each in
// the kernel's accounting); beyond net.core.rmem_max, which needs
// CAP_NET_ADMIN (the daemon has it).
constexpr int kReceiveBuffer = 8 << 20;

constexpr size_t kHeader = sizeof(nlmsghdr);  // already aligned

// The kernel's text in an extended acknowledgement (NLMSGERR_ATTR_MSG);
// `base` is the reply, `h` its header, `e` its error.
std::string_view ext_ack_message(const uint8_t* base, const nlmsghdr& h, const nlmsgerr& e) {
  if (!(h.nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  size_t offset = kHeader + sizeof(nlmsgerr);
  if (!(h.nlmsg_flags & NLM_F_CAPPED)) offset += e.msg.nlmsg_len - kHeader;
  while (offset + sizeof(nlattr) <= h.nlmsg_len) {
    nlattr a;
    std::memcpy(&a, base + offset, sizeof a);
    if (a.nla_len < sizeof(nlattr) || offset + a.nla_len > h.nlmsg_len) break;
    if ((a.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
      const auto* text = reinterpret_cast<const char*>(base + offset + sizeof(nlattr));
      return {text, strnlen(text, a.nla_len - sizeof(nlattr))};
    }
    offset += NLA_ALIGN(a.nla_len);
  }
  return {};
}

}  // namespace

NetlinkBatch::NetlinkBatch(nl_sock* sock, size_t batch_bytes)
    : batch_bytes_(batch_bytes),
      fd_(nl_socket_get_fd(sock)),
      port_(nl_socket_get_local_port(sock)),
      next_seq_(kFirstSeq) {
  const int on = 1;
  // Errors carry only the failed request's header, and the kernel's reason.
  setsockopt(fd_, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
  setsockopt(fd_, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
  if (setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof kReceiveBuffer) != 0)
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);
  buf_.reserve(batch_bytes_);
}

void NetlinkBatch::begin(OnError on_error) {
  on_error_ = std::move(on_error);
}

void NetlinkBatch::add(nl_msg* msg, size_t tag) {
  nlmsghdr* h = nlmsg_hdr(msg);
  const size_t aligned = NLMSG_ALIGN(h->nlmsg_len);
  if (!buf_.empty() && buf_.size() + aligned > batch_bytes_) send_and_wait();
  if (tags_.empty()) first_seq_ = next_seq_;
  h->nlmsg_flags |= NLM_F_REQUEST;
  h->nlmsg_seq = next_seq_++;
  h->nlmsg_pid = port_;
  last_ = buf_.size();
  const auto* bytes = reinterpret_cast<const uint8_t*>(h);
  buf_.insert(buf_.end(), bytes, bytes + h->nlmsg_len);
  buf_.resize(last_ + aligned);
  tags_.push_back(tag);
}

bool NetlinkBatch::flush() {
  if (!buf_.empty()) send_and_wait();
  return !std::exchange(lost_, false);
}

void NetlinkBatch::send_and_wait() {
  auto* last = reinterpret_cast<nlmsghdr*>(buf_.data() + last_);
  last->nlmsg_flags |= NLM_F_ACK;
  const uint32_t last_seq = last->nlmsg_seq;
  ++sends_;
  bool done = false;
  if (::send(fd_, buf_.data(), buf_.size(), 0) < 0) {
    fail_all(-errno, "the batch could not be sent");
    done = true;
  }
  // rtnetlink handles a send before send() returns: every reply is queued
  // by now, and an empty queue before the acknowledgement means replies
  // were dropped (the receive buffer overflowed).
  std::vector<uint8_t> in(64 * 1024);
  while (!done) {
    const ssize_t got = ::recv(fd_, in.data(), in.size(), MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR) continue;
      lost_ = true;  // what happened to some requests is unknown
      if (errno == ENOBUFS) continue;
      break;
    }
    for (size_t off = 0; off + kHeader <= size_t(got);) {
      nlmsghdr h;
      std::memcpy(&h, in.data() + off, sizeof h);
      if (h.nlmsg_len < kHeader || off + h.nlmsg_len > size_t(got)) break;
      const uint32_t seq = h.nlmsg_seq;
      if (h.nlmsg_type == NLMSG_ERROR && seq - first_seq_ < tags_.size() &&
          h.nlmsg_len >= kHeader + sizeof(nlmsgerr)) {
        nlmsgerr e;
        std::memcpy(&e, in.data() + off + kHeader, sizeof e);
        if (e.error != 0)
          on_error_(tags_[seq - first_seq_], e.error, ext_ack_message(in.data() + off, h, e));
        if (seq == last_seq) done = true;
      }
      off += NLMSG_ALIGN(h.nlmsg_len);
    }
  }
  buf_.clear();
  tags_.clear();
}

void NetlinkBatch::fail_all(int error, std::string_view why) {
  for (size_t tag : tags_) on_error_(tag, error, why);
}

}  // namespace closbgp::fib
