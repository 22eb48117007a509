#pragma once

#include <string>

namespace cartrelay::app::cli {

// One function per subcommand, called by cli.cpp after option parsing.
// Each returns the process exit code (0 ok, 1 failure, 2 config/usage error).

inline constexpr const char* kDefaultConfigPath = "/etc/cartrelay/cartrelay.ini";

int runCommand(const std::string& config_path);
int checkConfigCommand(const std::string& config_path);
int migrateCommand(const std::string& config_path);
// key_dir overrides daemon.key_dir (the config is then not read); group names
// the group allowed to read the keys (mode 0640), empty for 0600.
int keygenCommand(const std::string& config_path, const std::string& key_dir,
                  const std::string& group);
int versionCommand();

}  // namespace cartrelay::app::cli
