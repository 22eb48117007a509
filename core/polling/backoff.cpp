#include "core/polling/backoff.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "core/util/text.h"

namespace cartrelay::core::polling {
namespace {

struct SharedEngine {
  std::mutex mu;
  std::mt19937_64 engine{std::random_device{}()};
};

// "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 9110 IMF-fixdate, the only form a
// sender may generate) -> epoch ms.
std::optional<EpochMillis> parseImfFixdate(std::string_view text) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // Fixed layout: "Ddd, DD Mmm YYYY HH:MM:SS GMT" = 29 characters.
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
    return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int value = 0;
    auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, value);
    if (ec != std::errc() || ptr != text.data() + pos + len) return std::nullopt;
    return value;
  };
  auto day = number(5, 2);
  auto year = number(12, 4);
  auto hour = number(17, 2);
  auto minute = number(20, 2);
  auto second = number(23, 2);
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = i;
  }
  if (!day || !year || !hour || !minute || !second || month < 0) return std::nullopt;
  if (*day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  const std::time_t seconds = ::timegm(&tm);
  if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<EpochMillis>(seconds) * 1000;
}

}  // namespace

RandomSource defaultRandomSource() {
  auto shared = std::make_shared<SharedEngine>();
  return [shared]() {
    std::lock_guard<std::mutex> lock(shared->mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(shared->engine);
  };
}

Backoff::Backoff(BackoffPolicy policy, RandomSource random)
    : policy_(policy), random_(random ? std::move(random) : defaultRandomSource()) {
  policy_.initial_ms = std::max<std::int64_t>(policy_.initial_ms, 1);
  policy_.max_ms = std::max(policy_.max_ms, policy_.initial_ms);
  if (!(policy_.multiplier >= 1.0)) policy_.multiplier = 1.0;
  policy_.max_retry_after_ms = std::max<std::int64_t>(policy_.max_retry_after_ms, 0);
}

std::int64_t Backoff::ceilingMs() const {
  // Computed in floating point and clamped, so a long outage (hundreds of
  // failures) cannot overflow.
  const double exponent = static_cast<double>(std::max(failures_, 0));
  const double ceiling =
      static_cast<double>(policy_.initial_ms) * std::pow(policy_.multiplier, exponent);
  if (!(ceiling < static_cast<double>(policy_.max_ms))) return policy_.max_ms;
  return static_cast<std::int64_t>(ceiling);
}

std::int64_t Backoff::nextDelayMs(std::optional<std::int64_t> retry_after_ms) {
  const std::int64_t ceiling = ceilingMs();
  if (failures_ < 1'000'000) ++failures_;
  double r = random_();
  if (!(r >= 0.0)) r = 0.0;
  if (r >= 1.0) r = 0.999999;
  auto delay = static_cast<std::int64_t>(r * static_cast<double>(ceiling + 1));
  delay = std::clamp<std::int64_t>(delay, 0, ceiling);
  if (retry_after_ms) {
    const std::int64_t floor =
        std::clamp<std::int64_t>(*retry_after_ms, 0, policy_.max_retry_after_ms);
    delay = std::max(delay, floor);
  }
  return delay;
}

std::optional<std::int64_t> parseRetryAfterMs(std::string_view value, EpochMillis now) {
  value = trimAsciiWhitespace(value);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    // delay-seconds, possibly fractional. Parsed by hand: from_chars for
    // double is not available in every libstdc++ this builds with.
    std::int64_t whole = 0;
    std::size_t i = 0;
    for (; i < value.size() && value[i] >= '0' && value[i] <= '9'; ++i) {
      if (whole > 1'000'000'000) return std::nullopt;  // > 30 years: nonsense
      whole = whole * 10 + (value[i] - '0');
    }
    std::int64_t millis = whole * 1000;
    if (i < value.size() && value[i] == '.') {
      ++i;
      std::int64_t scale = 100;
      bool any = false;
      for (; i < value.size() && value[i] >= '0' && value[i] <= '9'; ++i) {
        any = true;
        millis += (value[i] - '0') * scale;
        scale /= 10;
      }
      if (!any) return std::nullopt;
    }
    if (i != value.size()) return std::nullopt;
    return millis;
  }
  auto date = parseImfFixdate(value);
  if (!date) return std::nullopt;
  return std::max<std::int64_t>(*date - now, 0);
}

}  // namespace cartrelay::core::polling
