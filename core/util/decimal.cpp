#include "core/util/decimal.h"

#include <array>
#include <limits>
#include <string>

#include "core/util/text.h"

namespace cartrelay::core {

int currencyExponent(std::string_view currency) {
  // ISO 4217 minor units for the codes that differ from 2.
  static constexpr std::array<std::string_view, 16> kZero = {
      "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
      "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF"};
  static constexpr std::array<std::string_view, 7> kThree = {"BHD", "IQD", "JOD", "KWD",
                                                             "LYD", "OMR", "TND"};
  for (std::string_view code : kZero) {
    if (code == currency) return 0;
  }
  for (std::string_view code : kThree) {
    if (code == currency) return 3;
  }
  return 2;
}

Result<std::int64_t> parseDecimalMinor(std::string_view text, int exponent) {
  const Status bad = Status::invalidArgument("amount is not a plain decimal number");
  text = trimAsciiWhitespace(text);
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty() || exponent < 0 || exponent > 6) return bad;

  // Accumulate as a negative number so INT64_MIN's magnitude fits too.
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  std::int64_t value = 0;
  auto push = [&](int digit) {
    if (value < (kMin + digit) / 10) return false;
    value = value * 10 - digit;
    return true;
  };

  bool seen_dot = false;
  bool seen_digit = false;
  int fraction_digits = 0;
  for (char c : text) {
    if (c == '.') {
      if (seen_dot) return bad;
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') return bad;
    seen_digit = true;
    int digit = c - '0';
    if (seen_dot) {
      if (fraction_digits == exponent) {
        // Beyond the currency's precision only zeros are exact.
        if (digit != 0)
          return Status::invalidArgument("amount has more decimals than its currency");
        continue;
      }
      ++fraction_digits;
    }
    if (!push(digit)) return Status::invalidArgument("amount out of range");
  }
  if (!seen_digit) return bad;
  for (; fraction_digits < exponent; ++fraction_digits) {
    if (!push(0)) return Status::invalidArgument("amount out of range");
  }
  if (negative) return value;
  if (value == kMin) return Status::invalidArgument("amount out of range");
  return -value;
}

std::string formatDecimalMinor(std::int64_t minor, int exponent) {
  exponent = exponent < 0 ? 0 : (exponent > 6 ? 6 : exponent);
  // Work on the magnitude as unsigned so INT64_MIN needs no special case.
  const bool negative = minor < 0;
  std::uint64_t magnitude = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(minor)
                                     : static_cast<std::uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  if (digits.size() <= static_cast<std::size_t>(exponent)) {
    digits.insert(0, static_cast<std::size_t>(exponent) + 1 - digits.size(), '0');
  }
  if (exponent > 0) digits.insert(digits.size() - static_cast<std::size_t>(exponent), 1, '.');
  if (negative) digits.insert(0, 1, '-');
  return digits;
}

}  // namespace cartrelay::core
