#include "bgpd/config/interface_globs.h"

#include <bitset>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace closbgp::config {
namespace {

// A pattern as a sequence of steps: one character out of a set, or a star
// (any run of characters).
struct Step {
  bool star = false;
  std::bitset<256> chars;
};

std::vector<Step> compile(const std::string& p) {
  std::vector<Step> steps;
  for (size_t i = 0; i < p.size(); ++i) {
    Step s;
    const auto c = static_cast<unsigned char>(p[i]);
    if (c == '*') {
      s.star = true;
    } else if (c == '?') {
      s.chars.set();
    } else if (c == '[' && p.find(']', i + 2) != std::string::npos) {
      size_t j = i + 1;
      const bool negate = p[j] == '!' || p[j] == '^';
      if (negate) ++j;
      // fnmatch: a ']' right after '[' (or '[!') is a member, not the end.
      for (bool first = true; j < p.size() && (first || p[j] != ']'); first = false) {
        const auto lo = static_cast<unsigned char>(p[j]);
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
          for (unsigned k = lo; k <= static_cast<unsigned char>(p[j + 2]); ++k) s.chars.set(k);
          j += 3;
        } else {
          s.chars.set(lo);
          ++j;
        }
      }
      if (negate) s.chars.flip();
      i = j;  // the ']'
    } else {
      s.chars.set(c == '\\' && i + 1 < p.size() ? static_cast<unsigned char>(p[++i]) : c);
    }
    steps.push_back(s);
  }
  return steps;
}

// Both searches walk pairs of positions, remembering each answer.
class Pair {
 public:
  Pair(const std::string& a, const std::string& b) : a_(compile(a)), b_(compile(b)) {}

  // Some string matches a[i:] and b[j:].
  bool overlap(size_t i, size_t j) {
    if (auto known = overlap_.find({i, j}); known != overlap_.end()) return known->second;
    bool r;
    if (i == a_.size() && j == b_.size())
      r = true;
    else if (i < a_.size() && a_[i].star)
      r = overlap(i + 1, j) || (j < b_.size() && overlap(i, j + 1));
    else if (j < b_.size() && b_[j].star)
      r = overlap(i, j + 1) || (i < a_.size() && overlap(i + 1, j));
    else if (i == a_.size() || j == b_.size())
      r = false;
    else
      r = (a_[i].chars & b_[j].chars).any() && overlap(i + 1, j + 1);
    return overlap_[{i, j}] = r;
  }

  // Every string a[i:] matches, b[j:] matches (a the specific, b the general).
  bool covered(size_t i, size_t j) {
    if (auto known = covered_.find({i, j}); known != covered_.end()) return known->second;
    bool r;
    if (i == a_.size()) {
      r = true;
      for (size_t k = j; k < b_.size(); ++k) r = r && b_[k].star;
    } else if (j == b_.size()) {
      r = false;
    } else if (b_[j].star) {
      r = covered(i, j + 1) || covered(i + 1, j);  // the star matches nothing, or absorbs a[i]
    } else if (a_[i].star) {
      r = false;  // a's run of anything against one character of b
    } else {
      r = (a_[i].chars & ~b_[j].chars).none() && covered(i + 1, j + 1);
    }
    return covered_[{i, j}] = r;
  }

 private:
  std::vector<Step> a_, b_;
  std::map<std::pair<size_t, size_t>, bool> overlap_, covered_;
};

}  // namespace

bool globs_overlap(const std::string& a, const std::string& b) {
  return Pair(a, b).overlap(0, 0);
}

bool glob_covers(const std::string& general, const std::string& specific) {
  return Pair(specific, general).covered(0, 0);
}

}  // namespace closbgp::config
