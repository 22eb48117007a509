#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/config/schema.h"
#include "core/util/result.h"

namespace cartrelay::app::config {

// Parsers for each ValueType. Each returns kInvalidArgument with a message
// meant to follow "section.key: " (e.g. "must be a duration such as 90s, 5m
// or 1h"). Messages never repeat the offending value for kSecret keys.

core::Result<std::int64_t> parseInt(std::string_view text);
core::Result<bool> parseBool(std::string_view text);
core::Result<std::int64_t> parseDurationMillis(std::string_view text);
core::Result<std::int64_t> parseSizeBytes(std::string_view text);

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1" (no brackets), "0.0.0.0"
  int port = 0;      // 0..65535
};
core::Result<ListenAddress> parseListen(std::string_view text);

struct TimeWindow {
  int start_minute = 0;  // minutes after local midnight, 0..1439
  int end_minute = 0;    // exclusive; may be < start for windows across midnight
};
core::Result<TimeWindow> parseTimeWindow(std::string_view text);

std::vector<std::string> parseList(std::string_view text);

// Validates `text` against spec (type, bounds, choices) without keeping the
// result. kSecret values are only checked for being non-empty here; the
// loader resolves "file:" separately.
core::Status validateValue(const KeySpec& spec, std::string_view text);

}  // namespace cartrelay::app::config
