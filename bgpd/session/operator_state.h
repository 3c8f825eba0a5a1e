// What operators decided at run time that must outlive the process (drain
// states, neighbours shut down, routes added through the API): the state
// file, read at start and written after every change.
#pragma once

#include <string>

#include "bgpd/config/state_file.h"

namespace closbgp::session {

class OperatorState {
 public:
  explicit OperatorState(std::string path) : path_(std::move(path)) {}

  // An unreadable file is logged and the node starts as if it were empty.
  void load();
  // Writes the file: "" when saved, else why not (the change itself is in
  // effect), to append to what the operator is told.
  std::string save();

  config::SavedState& saved() { return saved_; }
  const config::SavedState& saved() const { return saved_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  config::SavedState saved_;
};

}  // namespace closbgp::session
