#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace cartrelay::testing {

// Drives the real `cartrelay` binary (CARTRELAY_BINARY) in a private
// directory: writes a configuration, creates keys, starts `run`, finds the
// ephemeral port from the daemon's "daemon.ready" log line.
class DaemonHarness {
 public:
  DaemonHarness();

  const TempDir& dir() const { return dir_; }
  std::string configPath() const { return dir_.file("cartrelay.ini"); }

  // Writes cartrelay.ini: a [daemon] section listening on an ephemeral
  // port with keys, state and the database (sqlite in dir() unless
  // database_url is given) in dir(), followed by `extra` verbatim.
  void writeConfig(const std::string& extra = "", const std::string& database_url = "",
                   const std::string& daemon_extra = "");

  // `cartrelay ARGS... --config configPath()`.
  CommandResult cli(const std::vector<std::string>& args) const;

  // keygen + run; returns false (with the log in `why`) if the daemon did not
  // report ready within 30 s.
  // May be called again once the daemon has exited: a restart on the same
  // directory (the old process is reaped, SIGKILLed if still running).
  bool start(std::string* why);
  ChildProcess& process() { return *process_; }
  int port() const { return port_; }

 private:
  TempDir dir_;
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
};

}  // namespace cartrelay::testing
