// Secrets kept out of the configuration file: a TCP MD5 password in a file
// only its owner may read (`password-file: PATH`), such as a systemd
// credential (`password-file: $CREDENTIALS_DIRECTORY/NAME`, with
// `LoadCredential=NAME:...` in the unit). The configuration may then be
// readable by anyone; the secret is read when the daemon loads it, at
// start and at every reload.
#pragma once

#include <string>

#include "bgpd/config/yaml_reader.h"

namespace closbgp::config {

// The path `n` names, with a leading $CREDENTIALS_DIRECTORY expanded from
// the environment; it must be absolute.
std::string secret_path(const YAML::Node& n, const std::string& key);

// The secret in `path`, without its trailing newline. Fails (naming `n`'s
// line and `key`) when the file cannot be read, when other users may read
// or write it, or when it is not 1 to 80 characters (RFC 2385's limit).
std::string read_secret(const YAML::Node& n, const std::string& key, const std::string& path);

}  // namespace closbgp::config
