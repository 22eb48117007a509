#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace cartrelay::app::config {

// The value kinds an INI key can hold. Parsing and range checks for each live
// in app/config/values.h; the loader never interprets a value any other way.
enum class ValueType {
  kString,      // free text (UTF-8, no '#': Boost.PO treats '#' as a comment)
  kSecret,      // literal, or "file:/abs/path" read with the secret-file mode rules
  kInt,         // decimal integer within [min, max]
  kBool,        // true/false, yes/no, on/off, 1/0
  kEnum,        // one of `choices` ("a|b|c")
  kDuration,    // "250ms", "90s", "5m", "1h", "7d"; stored as milliseconds, bounds in ms
  kSize,        // "1048576", "512KiB", "1MiB"; stored as bytes, bounds in bytes
  kListen,      // "host:port" (IPv4 or [IPv6]); port 0 = ephemeral
  kUrl,         // http(s)://... or the database URL forms (checked by their consumer)
  kCountry,     // ISO 3166-1 alpha-2, upper case ("TR")
  kCurrency,    // ISO 4217, upper case ("TRY")
  kTimezone,    // IANA zone name that exists in /usr/share/zoneinfo ("Europe/Istanbul")
  kTimeWindow,  // "HH:MM-HH:MM" local time
  kList,        // comma-separated, items trimmed, empty items dropped
};

// One row of the schema: everything the loader, `check-config` and the
// documentation need to know about a key.
struct KeySpec {
  // "daemon", or a dynamic pattern such as "shop.*" (NAME = [a-z0-9_-]{1,32}).
  std::string_view section;
  std::string_view key;
  ValueType type;
  // Used when the key is absent; empty with required=false means "unset".
  std::string_view default_value;
  bool required;
  // Inclusive bounds for kInt, kDuration (ms) and kSize (bytes).
  std::int64_t min;
  std::int64_t max;
  // kEnum: "sandbox|live".
  std::string_view choices;
  std::string_view description;
};

// The whole schema, in documentation order. Immutable, thread-safe.
std::span<const KeySpec> schema();

// The spec for (section, key), where section is concrete ("shop.acme") and
// matched against the patterns; nullptr if the key is unknown there.
const KeySpec* findKey(std::string_view section, std::string_view key);

// True if `section` is a known fixed section or matches a dynamic pattern.
bool isKnownSection(std::string_view section);

}  // namespace cartrelay::app::config
