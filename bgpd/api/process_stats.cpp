#include "bgpd/api/process_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace closbgp::api {
namespace {

double seconds(const timeval& t) {
  return double(t.tv_sec) + double(t.tv_usec) / 1e6;
}

// /proc/self/stat's 22nd field is the start in clock ticks after boot;
// /proc/stat's btime is the boot, in seconds since the epoch.
double start_time_seconds() {
  std::ifstream stat("/proc/self/stat");
  std::string line;
  std::getline(stat, line);
  const auto after_name = line.rfind(')');  // the name may hold spaces
  if (after_name == std::string::npos) return 0;
  std::istringstream fields(line.substr(after_name + 2));
  std::string field;
  for (int i = 3; i < 22 && fields >> field;) ++i;
  uint64_t ticks = 0;
  if (!(fields >> ticks)) return 0;
  std::ifstream proc_stat("/proc/stat");
  for (std::string key; proc_stat >> key;) {
    if (key == "btime") {
      uint64_t boot = 0;
      proc_stat >> boot;
      return double(boot) + double(ticks) / double(sysconf(_SC_CLK_TCK));
    }
    std::getline(proc_stat, line);
  }
  return 0;
}

}  // namespace

ProcessStats process_stats() {
  ProcessStats p;
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (statm >> size >> resident) p.resident_bytes = resident * uint64_t(sysconf(_SC_PAGESIZE));
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0)
    p.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  p.start_time_seconds = start_time_seconds();
  return p;
}

}  // namespace closbgp::api
