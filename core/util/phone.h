#pragma once

#include <string>
#include <string_view>

namespace cartrelay::core {

// A phone number as cartrelay keeps it.
struct NormalisedPhone {
  // E.164 ("+905321234567") when `valid`; otherwise the input trimmed, kept so
  // an operator can see what the shop sent. Empty for empty input.
  std::string value;
  bool valid = false;
  // ISO 3166-1 alpha-2 of a valid number ("TR"); "" when invalid or when the
  // number is shared by several regions (e.g. "001" non-geographic).
  std::string region;

  bool operator==(const NormalisedPhone&) const = default;
};

// Normalises a free-text phone number with libphonenumber (DESIGN.md
// "Phones"). `default_region` (ISO 3166-1 alpha-2, e.g. "TR") applies to
// numbers written without a country code: "0532 123 45 67" and
// "+90 (532) 123 45 67" and "0090 532 123 45 67" all give +905321234567 with
// region TR. A number that does not parse, or parses to a number that is not
// valid for its region, is returned with valid=false and must never be sent
// to; nothing is guessed (a national number with an empty region is invalid).
//
// Thread-safety: safe from any thread (libphonenumber's util is immutable).
NormalisedPhone normalisePhone(std::string_view raw, std::string_view default_region);

}  // namespace cartrelay::core
