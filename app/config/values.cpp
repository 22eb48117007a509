#include "app/config/values.h"

#include <cctype>
#include <charconv>
#include <limits>

#include "core/util/text.h"
#include "core/util/time_zone.h"

namespace cartrelay::app::config {
namespace {

using core::Status;
using core::TimeZone;

// Splits "90s" into 90 and "s"; the number part must be a non-negative integer.
bool splitNumberUnit(std::string_view text, std::int64_t* number, std::string_view* unit) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, *number);
  if (ec != std::errc() || ptr != text.data() + i) return false;
  *unit = core::trimAsciiWhitespace(text.substr(i));
  return true;
}

bool multiply(std::int64_t value, std::int64_t factor, std::int64_t* out) {
  if (value > std::numeric_limits<std::int64_t>::max() / factor) return false;
  *out = value * factor;
  return true;
}

bool isUpperAlpha(std::string_view s, std::size_t len) {
  if (s.size() != len) return false;
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

Status checkTimezone(std::string_view tz) {
  // The same loader the daemon uses for quiet hours: the name must be a
  // valid TZif file inside /usr/share/zoneinfo.
  if (!TimeZone::load(tz).isOk()) {
    return Status::invalidArgument(
        "must be an IANA time zone in /usr/share/zoneinfo, such as Europe/Istanbul");
  }
  return Status::ok();
}

Status checkUrl(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://", "sqlite://", "mysql://", "mariadb://"}) {
    if (url.substr(0, scheme.size()) == scheme && url.size() > scheme.size()) {
      return Status::ok();
    }
  }
  return Status::invalidArgument("must be a URL (https://..., sqlite:///path or mysql://...)");
}

}  // namespace

core::Result<std::int64_t> parseInt(std::string_view text) {
  text = core::trimAsciiWhitespace(text);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::invalidArgument("must be an integer");
  }
  return value;
}

core::Result<bool> parseBool(std::string_view text) {
  text = core::trimAsciiWhitespace(text);
  for (std::string_view t : {"true", "yes", "on", "1"}) {
    if (text == t) return true;
  }
  for (std::string_view f : {"false", "no", "off", "0"}) {
    if (text == f) return false;
  }
  return Status::invalidArgument("must be true or false");
}

core::Result<std::int64_t> parseDurationMillis(std::string_view text) {
  static constexpr std::string_view kHelp = "must be a duration such as 500ms, 90s, 5m, 1h or 7d";
  std::int64_t n = 0;
  std::string_view unit;
  if (!splitNumberUnit(core::trimAsciiWhitespace(text), &n, &unit))
    return Status::invalidArgument(std::string(kHelp));
  std::int64_t factor = 0;
  if (unit == "ms")
    factor = 1;
  else if (unit == "s")
    factor = 1000;
  else if (unit == "m")
    factor = 60'000;
  else if (unit == "h")
    factor = 3'600'000;
  else if (unit == "d")
    factor = 86'400'000;
  else
    return Status::invalidArgument(std::string(kHelp));
  std::int64_t out = 0;
  if (!multiply(n, factor, &out)) return Status::invalidArgument("duration is too large");
  return out;
}

core::Result<std::int64_t> parseSizeBytes(std::string_view text) {
  static constexpr std::string_view kHelp = "must be a size such as 1048576, 512KiB or 1MiB";
  std::int64_t n = 0;
  std::string_view unit;
  if (!splitNumberUnit(core::trimAsciiWhitespace(text), &n, &unit))
    return Status::invalidArgument(std::string(kHelp));
  std::int64_t factor = 0;
  if (unit.empty() || unit == "B")
    factor = 1;
  else if (unit == "KiB")
    factor = 1024;
  else if (unit == "MiB")
    factor = 1024 * 1024;
  else if (unit == "GiB")
    factor = 1024LL * 1024 * 1024;
  else
    return Status::invalidArgument(std::string(kHelp));
  std::int64_t out = 0;
  if (!multiply(n, factor, &out)) return Status::invalidArgument("size is too large");
  return out;
}

core::Result<ListenAddress> parseListen(std::string_view text) {
  static constexpr std::string_view kHelp = "must be host:port, e.g. 127.0.0.1:8080 or [::1]:8080";
  text = core::trimAsciiWhitespace(text);
  ListenAddress out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Status::invalidArgument(std::string(kHelp));
    }
    out.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return Status::invalidArgument(std::string(kHelp));
    }
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  auto port = parseInt(port_text);
  if (out.host.empty() || !port.isOk()) return Status::invalidArgument(std::string(kHelp));
  if (*port < 0 || *port > 65535) return Status::invalidArgument("port must be 0..65535");
  out.port = static_cast<int>(*port);
  return out;
}

core::Result<TimeWindow> parseTimeWindow(std::string_view text) {
  static constexpr std::string_view kHelp = "must be HH:MM-HH:MM, e.g. 08:00-21:00";
  text = core::trimAsciiWhitespace(text);
  if (text.size() != 11 || text[2] != ':' || text[5] != '-' || text[8] != ':') {
    return Status::invalidArgument(std::string(kHelp));
  }
  auto minutes = [](std::string_view hhmm) -> int {
    auto h = parseInt(hhmm.substr(0, 2));
    auto m = parseInt(hhmm.substr(3, 2));
    if (!h.isOk() || !m.isOk() || *h < 0 || *h > 23 || *m < 0 || *m > 59) return -1;
    return static_cast<int>(*h * 60 + *m);
  };
  TimeWindow w{minutes(text.substr(0, 5)), minutes(text.substr(6, 5))};
  if (w.start_minute < 0 || w.end_minute < 0) return Status::invalidArgument(std::string(kHelp));
  if (w.start_minute == w.end_minute) return Status::invalidArgument("window must not be empty");
  return w;
}

std::vector<std::string> parseList(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = core::trimAsciiWhitespace(text.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

Status validateValue(const KeySpec& spec, std::string_view text) {
  auto inBounds = [&](std::int64_t v, std::string_view unit) -> Status {
    if (v < spec.min || v > spec.max) {
      return Status::invalidArgument("must be between " + std::to_string(spec.min) +
                                     std::string(unit) + " and " + std::to_string(spec.max) +
                                     std::string(unit));
    }
    return Status::ok();
  };
  switch (spec.type) {
    case ValueType::kString:
    case ValueType::kSecret:
      return Status::ok();
    case ValueType::kInt: {
      CARTRELAY_ASSIGN_OR_RETURN(std::int64_t v, parseInt(text));
      return inBounds(v, "");
    }
    case ValueType::kBool:
      return parseBool(text).status();
    case ValueType::kEnum: {
      std::string_view choices = spec.choices;
      std::string list;
      while (!choices.empty()) {
        auto bar = choices.find('|');
        std::string_view choice = choices.substr(0, bar);
        if (choice == text) return Status::ok();
        if (!list.empty()) list += ", ";
        list += std::string(choice);
        if (bar == std::string_view::npos) break;
        choices.remove_prefix(bar + 1);
      }
      return Status::invalidArgument("must be one of " + list);
    }
    case ValueType::kDuration: {
      CARTRELAY_ASSIGN_OR_RETURN(std::int64_t v, parseDurationMillis(text));
      return inBounds(v, "ms");
    }
    case ValueType::kSize: {
      CARTRELAY_ASSIGN_OR_RETURN(std::int64_t v, parseSizeBytes(text));
      return inBounds(v, " bytes");
    }
    case ValueType::kListen:
      return parseListen(text).status();
    case ValueType::kUrl:
      return checkUrl(text);
    case ValueType::kCountry:
      return isUpperAlpha(text, 2)
                 ? Status::ok()
                 : Status::invalidArgument("must be an ISO 3166-1 alpha-2 code such as TR");
    case ValueType::kCurrency:
      return isUpperAlpha(text, 3)
                 ? Status::ok()
                 : Status::invalidArgument("must be an ISO 4217 code such as TRY");
    case ValueType::kTimezone:
      return checkTimezone(text);
    case ValueType::kTimeWindow:
      return parseTimeWindow(text).status();
    case ValueType::kList:
      return Status::ok();
  }
  return Status::internal("unhandled value type");
}

}  // namespace cartrelay::app::config
