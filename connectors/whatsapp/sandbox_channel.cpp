#include "connectors/whatsapp/sandbox_channel.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "core/util/log.h"

namespace cartrelay::whatsapp {
namespace {

using Outcome = core::ports::SendResult::Outcome;

// Appends `line` with one write() on an O_APPEND descriptor, so concurrent
// writers (and a second process) never interleave, then fsyncs: a message
// reported sent is on disk.
bool appendLine(const std::string& path, const std::string& line, std::string* error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    *error = std::strerror(errno);
    return false;
  }
  std::size_t written = 0;
  bool ok = true;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = std::strerror(errno);
      ok = false;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (ok && ::fsync(fd) != 0) {
    *error = std::strerror(errno);
    ok = false;
  }
  ::close(fd);
  return ok;
}

}  // namespace

core::ports::SendResult SandboxChannel::send(const core::ports::ClearedMessage& message) {
  const auto& m = message.content();
  nlohmann::json line = {{"ts", core::formatIso8601(clock_.nowMillis())},
                         {"to", m.to},
                         {"template", m.meta_template},
                         {"language", m.language},
                         {"category", m.category},
                         {"params", m.params},
                         {"journey", m.journey},
                         {"step", m.step},
                         {"outbox_id", m.outbox_id}};
  if (!m.text.empty()) line["text"] = m.text;  // a free-form message: no template
  core::ports::SendResult r;
  std::string error;
  bool ok = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ok = appendLine(log_path_,
                    line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                    &error);
  }
  if (!ok) {
    core::log::error("sandbox.write_failed")
        .kv("outbox_id", m.outbox_id)
        .kv("path", log_path_)
        .kv("error", error);
    r.outcome = Outcome::kRetry;
    r.reason = "sandbox_log_unwritable";
    // 5 s, 10 s, ... at most 5 min: the operator fixes the path meanwhile.
    r.retry_after_ms = std::min<std::int64_t>(5'000LL << std::min(m.attempt - 1, 6), 300'000);
    r.slow_down = true;
    return r;
  }
  r.outcome = Outcome::kAccepted;
  r.reason = "accepted";
  r.provider_message_id = "sandbox." + std::to_string(m.outbox_id);
  r.simulated_delivery = true;
  return r;
}

}  // namespace cartrelay::whatsapp
