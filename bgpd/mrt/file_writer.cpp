#include "bgpd/mrt/file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bgpd/config/monitoring_config.h"
#include "bgpd/log/log.h"

namespace closbgp::mrt {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static auto l = log::get("mrt");
  return l;
}

}  // namespace

FileWriter::FileWriter(std::string feed, std::string path, uint32_t interval,
                       size_t max_queued_bytes)
    : feed_(std::move(feed)),
      path_(std::move(path)),
      interval_(interval == 0 ? 1 : interval),
      max_queued_(max_queued_bytes),
      thread_([this] { run(); }) {}

FileWriter::~FileWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

void FileWriter::write(uint32_t t, std::vector<uint8_t> records, size_t count) {
  if (records.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (queued_bytes_ + records.size() > max_queued_) {
      if (stats_.dropped == 0 || stats_.last_error.find("behind") == std::string::npos)
        logger()->warn("{}: {} KiB wait to be written; records dropped until the disk keeps up",
                       feed_, queued_bytes_ / 1024);
      stats_.dropped += count;
      stats_.last_error = "the writer fell behind";
      return;
    }
    queued_bytes_ += records.size();
    queue_.push_back({t, std::move(records), count});
  }
  wake_.notify_one();
}

void FileWriter::flush() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && !writing_; });
}

FileWriter::Stats FileWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void FileWriter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, everything written
    Batch b = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= b.bytes.size();
    writing_ = true;
    lock.unlock();
    const bool written = put(b);
    lock.lock();
    writing_ = false;
    if (written) {
      stats_.records += b.count;
      stats_.bytes += b.bytes.size();
    } else {
      stats_.dropped += b.count;
    }
    if (queue_.empty()) idle_.notify_all();
  }
}

bool FileWriter::put(const Batch& b) {
  const uint32_t slot = b.t - b.t % interval_;
  if (fd_ < 0 || slot != slot_) {
    if (fd_ >= 0) ::close(fd_);
    const std::string name = config::expand_time(path_, std::time_t(slot));
    fd_ = ::open(name.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    slot_ = slot;
    error_logged_ = false;
    std::lock_guard lock(mu_);
    stats_.file = name;
    if (fd_ < 0) {
      stats_.last_error = "cannot open " + name + ": " + std::strerror(errno);
    } else {
      ++stats_.files;
      logger()->info("{}: writing {}", feed_, name);
    }
  }
  if (fd_ < 0) {
    fail(stats().last_error, b);
    return false;
  }
  size_t done = 0;
  while (done < b.bytes.size()) {
    const ssize_t n = ::write(fd_, b.bytes.data() + done, b.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fail(std::string("cannot write: ") + std::strerror(errno), b);
      // A partial record would make the rest of the file unreadable.
      if (done > 0 && ::ftruncate(fd_, ::lseek(fd_, 0, SEEK_END) - off_t(done)) != 0) {
        ::close(fd_);
        fd_ = -1;
      }
      return false;
    }
    done += size_t(n);
  }
  return true;
}

void FileWriter::fail(const std::string& why, const Batch& b) {
  {
    std::lock_guard lock(mu_);
    stats_.last_error = why;
  }
  if (error_logged_) return;
  error_logged_ = true;
  logger()->error("{}: {}; {} records dropped, and more until the file can be written ({})", feed_,
                  why, b.count, stats().file);
}

}  // namespace closbgp::mrt
