#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace cartrelay::core::log {

// One line per event on stderr, which journald keeps:
//
//   2026-11-22T15:04:05.123Z INFO http.request request_id=9f2c route=/healthz status=200
//
// An event name is a dotted lower-case word; fields are key=value pairs, values
// quoted when they contain spaces, quotes or '=' and with control characters
// escaped so one event can never forge a second line.
//
// Personal data (phone numbers, e-mail addresses, names, addresses, raw
// payloads) must never be passed as a field: log the subject's keyed hash
// (core/util/keyed_hash.h) instead. The logger cannot tell PII from other
// text, so this is the caller's contract, checked in review and by tests that
// grep captured output.
//
// Thread-safety: all functions may be called from any thread; each line is
// written with a single write(2).

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug" | "info" | "warn" | "error" (case-sensitive, as written in the INI).
Result<Level> parseLevel(std::string_view text);
std::string_view toString(Level level);

// Lines below this level are dropped. Default: kInfo. Set once at start-up.
void setMinLevel(Level level);
Level minLevel();

// Redirects output (tests only). An empty function restores stderr.
using Sink = std::function<void(std::string_view line)>;
void setSinkForTesting(Sink sink);

// Builder for one line; the line is emitted when the builder is destroyed,
// normally at the end of the full expression:
//   log::info("store.opened").kv("backend", "sqlite").kv("ms", 12);
class Line {
 public:
  Line(Level level, std::string_view event);
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  Line(Line&&) = delete;
  Line& operator=(Line&&) = delete;
  ~Line();

  Line& kv(std::string_view key, std::string_view value);
  Line& kv(std::string_view key, const char* value) { return kv(key, std::string_view(value)); }
  Line& kv(std::string_view key, const std::string& value) {
    return kv(key, std::string_view(value));
  }
  Line& kv(std::string_view key, std::int64_t value);
  Line& kv(std::string_view key, int value) { return kv(key, static_cast<std::int64_t>(value)); }
  Line& kv(std::string_view key, std::uint64_t value);
  Line& kv(std::string_view key, double value);
  Line& kv(std::string_view key, bool value);
  // Adds status=<CODE> and error=<message>.
  Line& status(const Status& status);

 private:
  bool enabled_;
  std::string text_;
};

inline Line debug(std::string_view event) { return Line(Level::kDebug, event); }
inline Line info(std::string_view event) { return Line(Level::kInfo, event); }
inline Line warn(std::string_view event) { return Line(Level::kWarn, event); }
inline Line error(std::string_view event) { return Line(Level::kError, event); }

}  // namespace cartrelay::core::log
