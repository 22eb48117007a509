#pragma once

#include <cstdint>

namespace cartrelay::core::store {

// What an upsert did. `id` is the row's store id (also when nothing was
// written). `applied` is false when the stored row was kept because it is
// newer (its platform_updated_at_ms is greater than the incoming one) or,
// for customers, because the customer was erased.
struct UpsertResult {
  std::int64_t id = 0;
  bool applied = false;

  bool operator==(const UpsertResult&) const = default;
};

}  // namespace cartrelay::core::store
