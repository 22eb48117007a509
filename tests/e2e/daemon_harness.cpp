#include "tests/e2e/daemon_harness.h"

#include <fstream>
#include <regex>

namespace cartrelay::testing {

DaemonHarness::DaemonHarness() = default;

void DaemonHarness::writeConfig(const std::string& extra, const std::string& database_url,
                                const std::string& daemon_extra) {
  std::ofstream out(configPath());
  out << "[daemon]\n"
      << "listen = 127.0.0.1:0\n"
      << "state_dir = " << dir_.path() << "\n"
      << "key_dir = " << dir_.file("keys") << "\n"
      << "database = "
      << (database_url.empty() ? "sqlite://" + dir_.file("cartrelay.db") : database_url) << "\n"
      << "shutdown_timeout = 5s\n"
      << daemon_extra << "\n"
      << "[whatsapp]\nsandbox_log = " << dir_.file("sandbox.jsonl") << "\n"
      << extra;
}

CommandResult DaemonHarness::cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{CARTRELAY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--config");
  argv.push_back(configPath());
  return runCommand(argv);
}

bool DaemonHarness::start(std::string* why) {
  CommandResult keys = cli({"keygen"});
  if (keys.exit_code != 0) {
    *why = "keygen failed: " + keys.output;
    return false;
  }
  // A restart appends to the same log: only look at what this run wrote.
  const std::size_t log_offset = process_ ? process_->output().size() : 0;
  process_.reset();
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{CARTRELAY_BINARY, "run", "--config", configPath()},
      dir_.file("daemon.log"));
  static const std::regex kReady(R"(daemon\.ready listen=127\.0\.0\.1:(\d+))");
  bool ready = eventually(
      [&] {
        std::smatch m;
        std::string log = process_->output();
        log = log.size() > log_offset ? log.substr(log_offset) : std::string();
        if (!std::regex_search(log, m, kReady)) return !process_->running();
        port_ = std::stoi(m[1].str());
        return true;
      },
      std::chrono::seconds(30));
  if (!ready || port_ == 0) {
    *why = "daemon did not become ready; log:\n" + process_->output();
    return false;
  }
  return true;
}

}  // namespace cartrelay::testing
