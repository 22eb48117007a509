#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cartrelay::testing {

// A child process started with posix_spawn, stdout and stderr appended to
// one log file. The destructor SIGKILLs and reaps it if still running, so a
// failing test never leaves a daemon behind. Not copyable.
class ChildProcess {
 public:
  // argv[0] is the program path. Throws std::runtime_error if spawning fails.
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // True until the process has exited (reaps it when it has).
  bool running();
  // Exit code, or 128 + signal number if killed; nullopt on timeout.
  std::optional<int> waitExit(std::chrono::milliseconds timeout);
  // The log file's current content.
  std::string output() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string log_path_;
};

struct CommandResult {
  int exit_code = -1;  // as ChildProcess::waitExit; -1 if it did not finish in time
  std::string output;  // stdout and stderr, interleaved
};

// Runs a command to completion (bounded by timeout) and captures its output.
CommandResult runCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Polls `condition` every 100 ms until it is true or `timeout` passes.
template <typename F>
bool eventually(F condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    struct timespec ts {
      0, 100'000'000
    };
    nanosleep(&ts, nullptr);
  }
  return condition();
}

}  // namespace cartrelay::testing
