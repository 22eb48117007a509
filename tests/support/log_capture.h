#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cartrelay::testing {

// Captures the log lines (core::log) written while it lives, instead of
// stderr. One at a time: the constructor redirects the log's sink, the
// destructor restores stderr. Thread-safe: lines may arrive from any thread.
class LogCapture {
 public:
  LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  ~LogCapture();

  std::vector<std::string> lines() const;
  // Waits (up to 5 s) for a line containing every needle; returns it or "".
  std::string waitFor(const std::vector<std::string>& needles) const;

 private:
  struct Shared {
    mutable std::mutex mutex;
    std::vector<std::string> lines;
  };
  std::shared_ptr<Shared> shared_;
};

}  // namespace cartrelay::testing
