#include "tests/support/log_capture.h"

#include <chrono>
#include <string_view>

#include "core/util/log.h"
#include "tests/support/process.h"

namespace cartrelay::testing {

LogCapture::LogCapture() : shared_(std::make_shared<Shared>()) {
  std::shared_ptr<Shared> shared = shared_;
  core::log::setSinkForTesting([shared](std::string_view line) {
    std::lock_guard<std::mutex> lock(shared->mutex);
    shared->lines.emplace_back(line);
  });
}

LogCapture::~LogCapture() { core::log::setSinkForTesting(nullptr); }

std::vector<std::string> LogCapture::lines() const {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return shared_->lines;
}

std::string LogCapture::waitFor(const std::vector<std::string>& needles) const {
  std::string found;
  eventually(
      [&] {
        for (const std::string& line : lines()) {
          bool all = true;
          for (const std::string& n : needles) all = all && line.find(n) != std::string::npos;
          if (all) {
            found = line;
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(5));
  return found;
}

}  // namespace cartrelay::testing
