#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <soci/soci.h>

namespace cartrelay::core::store::detail {

// Lvalue holders for nullable columns: SOCI binds a value and an indicator
// by reference, and both must outlive the statement's execution.
//
// Text: the empty string is stored as NULL and NULL reads back as "".
struct NullableText {
  std::string value;
  soci::indicator ind = soci::i_null;

  NullableText() = default;
  explicit NullableText(std::string v)
      : value(std::move(v)), ind(value.empty() ? soci::i_null : soci::i_ok) {}
  std::string get() const { return ind == soci::i_ok ? value : std::string(); }
};

struct NullableInt {
  std::int64_t value = 0;
  soci::indicator ind = soci::i_null;

  NullableInt() = default;
  explicit NullableInt(std::optional<std::int64_t> v)
      : value(v.value_or(0)), ind(v ? soci::i_ok : soci::i_null) {}
  std::optional<std::int64_t> get() const {
    return ind == soci::i_ok ? std::optional<std::int64_t>(value) : std::nullopt;
  }
};

}  // namespace cartrelay::core::store::detail
