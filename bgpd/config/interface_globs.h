// Interface patterns (fnmatch: *, ?, [...]) compared with each other, so
// that a config whose interface neighbours overlap is an error instead of
// silently first-match-wins (README, Configuration).
#pragma once

#include <string>

namespace closbgp::config {

// Whether some interface name matches both patterns.
bool globs_overlap(const std::string& a, const std::string& b);
// Whether every name `specific` matches, `general` matches too. Sound but
// not complete: an unusual pair may be reported as not covered.
bool glob_covers(const std::string& general, const std::string& specific);

}  // namespace closbgp::config
