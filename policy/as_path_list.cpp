#include "policy/as_path_list.h"

namespace closbgp::policy {

void AsPathRegex::Free::operator()(regex_t* r) const {
  regfree(r);
  delete r;
}

std::expected<AsPathRegex, std::string> AsPathRegex::compile(const std::string& pattern) {
  std::string translated;
  for (char c : pattern)
    if (c == '_')
      translated += "(^|[ ,{}()]|$)";
    else
      translated += c;
  auto* r = new regex_t;
  if (int rc = regcomp(r, translated.c_str(), REG_EXTENDED | REG_NOSUB); rc != 0) {
    char msg[128];
    regerror(rc, r, msg, sizeof msg);
    delete r;
    return std::unexpected("'" + pattern + "' is not a regular expression: " + msg);
  }
  AsPathRegex out;
  out.pattern_ = pattern;
  out.regex_ = std::shared_ptr<regex_t>(r, Free{});
  return out;
}

bool AsPathRegex::matches(const std::string& text) const {
  return regexec(regex_.get(), text.c_str(), 0, nullptr, 0) == 0;
}

bool AsPathList::permits(const std::string& text) const {
  for (const auto& e : entries)
    if (e.regex.matches(text)) return e.action == Action::Permit;
  return false;
}

std::string as_path_text(const wire::AsPath& path) {
  std::string out;
  for (const auto& seg : path.segments) {
    const bool set = seg.type == wire::SegmentType::Set || seg.type == wire::SegmentType::ConfedSet;
    const char* brackets = seg.type == wire::SegmentType::Set              ? "{}"
                           : seg.type == wire::SegmentType::ConfedSet      ? "[]"
                           : seg.type == wire::SegmentType::ConfedSequence ? "()"
                                                                           : nullptr;
    if (!out.empty()) out += ' ';
    if (brackets) out += brackets[0];
    for (size_t i = 0; i < seg.asns.size(); ++i) {
      if (i) out += set ? ',' : ' ';
      out += std::to_string(seg.asns[i]);
    }
    if (brackets) out += brackets[1];
  }
  return out;
}

}  // namespace closbgp::policy
