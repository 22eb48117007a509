#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace cartrelay::core {

// Number of minor-unit digits of an ISO 4217 currency: 2 for most, 0 for
// JPY/KRW/..., 3 for KWD/BHD/.... Unknown codes get 2.
int currencyExponent(std::string_view currency);

// Parses a platform amount ("1299.90", "-5", "0.5") into integer minor units
// with `exponent` fraction digits, exactly, without floating point:
// ("1299.90", 2) -> 129990, ("1299.9", 2) -> 129990, ("1299", 2) -> 129900.
//
// Accepted: optional leading '-', ASCII digits, at most one '.', and at most
// `exponent` fraction digits beyond which only zeros may follow. Surrounding
// ASCII whitespace is ignored. Anything else ("1.299,90", "1e3", "", "12a")
// and values outside int64 are kInvalidArgument; the message does not quote
// the input.
Result<std::int64_t> parseDecimalMinor(std::string_view text, int exponent);

// The inverse of parseDecimalMinor: `minor` units written with exactly
// `exponent` fraction digits, '.' as the separator and no grouping:
// (129990, 2) -> "1299.90", (-5, 2) -> "-0.05", (1500, 0) -> "1500",
// (1234, 3) -> "1.234". Exact for every int64 (no floating point). An
// exponent outside 0..6 is clamped into that range.
std::string formatDecimalMinor(std::int64_t minor, int exponent);

}  // namespace cartrelay::core
