#pragma once

#include <exception>
#include <string_view>

#include "core/util/status.h"

namespace cartrelay::core::store::detail {

// Converts the exception currently being handled into a Status. Call it only
// inside a catch block. `context` names the operation ("store",
// "customers.upsert") and prefixes the message.
//
// kUnavailable: lost/refused connection, server shutting down, too many
// connections, lock wait timeout, deadlock, Galera not ready; SQLite busy,
// locked, I/O error, disk full, cannot open. kInternal: everything else.
//
// Messages never carry SQL parameter values: SOCI's context (which quotes
// the statement and its bound values) is dropped, and for MariaDB the
// server's text is kept only for errors whose text cannot contain data
// (connection and access errors); other errors are reported by number.
Status statusFromCurrentException(std::string_view context) noexcept;

// True when `e` is a unique-key (or other constraint) violation on either
// engine. Repositories use it to turn a lost insert race into kUnavailable.
bool isConstraintViolation(const std::exception& e) noexcept;

}  // namespace cartrelay::core::store::detail

namespace cartrelay::core::store::detail {

// Runs fn (returning Status or Result<T>) and converts any exception into the
// same return type, so repository methods never throw.
template <typename Fn>
auto guarded(std::string_view context, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    return statusFromCurrentException(context);
  }
}

}  // namespace cartrelay::core::store::detail
