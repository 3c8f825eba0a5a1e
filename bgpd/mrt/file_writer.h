// MRT records into files named by a strftime pattern (UTC), a new file for
// each `interval` (its slots aligned to the epoch, so that
// updates.%Y%m%d.%H%M names the slot's start, as collectors' archives do),
// written by a thread of its own: the main loop only queues. What cannot
// be written (a queue past its bound, a full disk, a directory gone) is
// dropped, logged once per file and counted; routing never waits for it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace closbgp::mrt {

class FileWriter {
 public:
  struct Stats {
    uint64_t records = 0, bytes = 0;  // written
    uint64_t dropped = 0;             // records lost (queue full, write failed)
    uint64_t files = 0;               // opened
    std::string file;                 // the one being written, or last written
    std::string last_error;
  };

  // `feed` names it in logs ("updates", "rib"); `path`: the pattern with
  // its directory (config::mrt_path); `interval`: seconds per file.
  FileWriter(std::string feed, std::string path, uint32_t interval, size_t max_queued_bytes);
  ~FileWriter();  // writes what is queued, then stops
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Queues whole records of `count` records, taken at `t` (Unix seconds):
  // they go into the file of t's slot.
  void write(uint32_t t, std::vector<uint8_t> records, size_t count);
  // Waits until what was queued before is written or dropped (for tests;
  // the daemon never waits for the disk).
  void flush();
  Stats stats() const;

 private:
  struct Batch {
    uint32_t t;
    std::vector<uint8_t> bytes;
    size_t count;
  };
  void run();
  // Writes one batch (writer thread); false if it was dropped.
  bool put(const Batch& b);
  void fail(const std::string& why, const Batch& b);

  const std::string feed_, path_;
  const uint32_t interval_;
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Batch> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;  // a batch taken off the queue is being written
  std::condition_variable idle_;
  bool stopping_ = false;
  Stats stats_;
  // Writer thread only:
  int fd_ = -1;
  uint32_t slot_ = 0;
  bool error_logged_ = false;  // for the file being written
  std::thread thread_;         // last: starts once the members above exist
};

}  // namespace closbgp::mrt
