// AS-path lists: ordered permit/deny entries of POSIX extended regular
// expressions matched against the AS_PATH as text ("65001 65002 {65003,65004}"),
// with '_' meaning a boundary (start, end, space, brace, comma), as in FRR
// and Cisco. POSIX regexec rather than std::regex: a peer controls the
// subject, and libstdc++'s matcher recurses once per character.
#pragma once

#include <regex.h>

#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "bgpd/wire/attributes.h"
#include "policy/action.h"

namespace closbgp::policy {

class AsPathRegex {
 public:
  static std::expected<AsPathRegex, std::string> compile(const std::string& pattern);
  bool matches(const std::string& as_path_text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct Free {
    void operator()(regex_t* r) const;
  };
  std::string pattern_;
  std::shared_ptr<regex_t> regex_;
};

struct AsPathListEntry {
  Action action = Action::Permit;
  AsPathRegex regex;
};

struct AsPathList {
  std::vector<AsPathListEntry> entries;
  bool permits(const std::string& as_path_text) const;
};

// "65001 65002 {65003,65004}"; confederation segments in ( ) and [ ].
std::string as_path_text(const wire::AsPath& path);

}  // namespace closbgp::policy
