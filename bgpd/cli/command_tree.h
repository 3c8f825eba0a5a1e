// closctl's keywords as a tree, so that a command can be typed the way
// vtysh allows: each keyword abbreviated to any prefix that is unique where
// it stands ("sh bgp sum"). Words the tree does not expect where they stand
// (a neighbour, a prefix, a message) are the commands' arguments and pass
// through unchanged. The same tree answers help and shell completion.
#pragma once

#include <expected>
#include <string>
#include <vector>

namespace closbgp::cli {

// The words with every keyword written out in full, or why they are not a
// command: an ambiguous abbreviation (naming the candidates) or an unknown
// keyword (with the nearest ones, "did you mean").
std::expected<std::vector<std::string>, std::string> expand_keywords(
    const std::vector<std::string>& words);

// The keywords that may follow `words` (themselves expanded), each with a
// line of help; empty where arguments follow.
struct Keyword {
  std::string word, help;
};
std::vector<Keyword> next_keywords(const std::vector<std::string>& words);

}  // namespace closbgp::cli
