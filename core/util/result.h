#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "core/util/status.h"

namespace cartrelay::core {

// Result<T> holds either a T or a non-OK Status (std::expected is C++23).
// Accessing value() of an error result is a programming error: it asserts in
// debug builds and is undefined otherwise, so check isOk() first.
//
// Thread-safety: a value type.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).isOk() && "Result built from an OK Status carries no value");
  }
  Result(const Result&) = default;
  Result& operator=(const Result&) = default;
  Result(Result&&) noexcept = default;
  Result& operator=(Result&&) noexcept = default;

  bool isOk() const { return std::holds_alternative<T>(data_); }

  // The error; Status::ok() when the result holds a value.
  Status status() const { return isOk() ? Status::ok() : std::get<Status>(data_); }

  const T& value() const& {
    assert(isOk());
    return std::get<T>(data_);
  }
  T& value() & {
    assert(isOk());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(isOk());
    return std::get<T>(std::move(data_));
  }

  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace cartrelay::core

#define CARTRELAY_CONCAT_INNER_(a, b) a##b
#define CARTRELAY_CONCAT_(a, b) CARTRELAY_CONCAT_INNER_(a, b)

// CARTRELAY_ASSIGN_OR_RETURN(auto x, expr): evaluates expr (a Result<T>), returns
// its Status from the enclosing function on error, else moves the value into x.
#define CARTRELAY_ASSIGN_OR_RETURN(lhs, expr)                       \
  auto CARTRELAY_CONCAT_(cartrelay_result_, __LINE__) = (expr);     \
  if (!CARTRELAY_CONCAT_(cartrelay_result_, __LINE__).isOk())       \
    return CARTRELAY_CONCAT_(cartrelay_result_, __LINE__).status(); \
  lhs = std::move(CARTRELAY_CONCAT_(cartrelay_result_, __LINE__)).value()
