#pragma once

#include <cstdint>
#include <string>

namespace cartrelay::core::model {

// An amount of money: integer minor units (kuruş, cents) plus the ISO 4217
// code ("TRY", "EUR"). Never a floating-point value: 199.90 TRY is
// {19990, "TRY"}. Currencies with other exponents (JPY 0, KWD 3) are the
// mapper's business; Money only carries the integer and the code.
struct Money {
  std::int64_t minor = 0;
  std::string currency;  // ISO 4217, upper case; empty when unknown

  bool operator==(const Money&) const = default;
};

}  // namespace cartrelay::core::model
