#include "core/util/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include <unistd.h>

#include "core/util/clock.h"

namespace cartrelay::core::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};

// The sink is process-wide by nature (there is one stderr); the mutex keeps a
// test's sink swap from racing a worker thread's write.
std::mutex g_sink_mutex;
Sink g_sink;

bool needsQuoting(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return true;
    }
  }
  return false;
}

void appendValue(std::string& out, std::string_view v) {
  if (!needsQuoting(v)) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out.append(buf);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void emit(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_sink_mutex);
  if (g_sink) {
    g_sink(line);
    return;
  }
  // One write(2) per line keeps concurrent lines from interleaving.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;  // stderr gone: nothing sensible left to do with a log line
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

Result<Level> parseLevel(std::string_view text) {
  if (text == "debug") return Level::kDebug;
  if (text == "info") return Level::kInfo;
  if (text == "warn") return Level::kWarn;
  if (text == "error") return Level::kError;
  return Status::invalidArgument("must be one of debug, info, warn, error");
}

std::string_view toString(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
  }
  return "INFO";
}

void setMinLevel(Level level) { g_min_level.store(static_cast<int>(level)); }

Level minLevel() { return static_cast<Level>(g_min_level.load()); }

void setSinkForTesting(Sink sink) {
  std::lock_guard<std::mutex> lock(g_sink_mutex);
  g_sink = std::move(sink);
}

Line::Line(Level level, std::string_view event)
    : enabled_(static_cast<int>(level) >= g_min_level.load()) {
  if (!enabled_) return;
  text_.reserve(160);
  text_ = formatIso8601(SystemClock().nowMillis());
  text_.push_back(' ');
  text_.append(toString(level));
  text_.push_back(' ');
  appendValue(text_, event);
}

Line::~Line() {
  if (!enabled_) return;
  text_.push_back('\n');
  emit(text_);
}

Line& Line::kv(std::string_view key, std::string_view value) {
  if (!enabled_) return *this;
  text_.push_back(' ');
  text_.append(key);
  text_.push_back('=');
  appendValue(text_, value);
  return *this;
}

Line& Line::kv(std::string_view key, std::int64_t value) {
  return kv(key, std::string_view(std::to_string(value)));
}

Line& Line::kv(std::string_view key, std::uint64_t value) {
  return kv(key, std::string_view(std::to_string(value)));
}

Line& Line::kv(std::string_view key, double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  return kv(key, std::string_view(buf));
}

Line& Line::kv(std::string_view key, bool value) {
  return kv(key, std::string_view(value ? "true" : "false"));
}

Line& Line::status(const Status& status) {
  kv("status", core::toString(status.code()));
  if (!status.message().empty()) kv("error", status.message());
  return *this;
}

}  // namespace cartrelay::core::log
