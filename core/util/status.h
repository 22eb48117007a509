#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace cartrelay::core {

// Status is the error vocabulary of cartrelay's own code: nothing we write
// throws across a public function. Each code maps to exactly one outcome so a
// caller never has to inspect the message to decide what to do:
//
//   kInvalidArgument  -> HTTP 400, not retried (bad input)
//   kUnauthenticated  -> HTTP 401 (bad or missing signature/token)
//   kNotFound         -> HTTP 404
//   kTooLarge         -> HTTP 413
//   kDuplicate        -> 2xx, the work was already done; not reprocessed
//   kUnavailable      -> HTTP 503, retry later (store or peer down)
//   kPermanent        -> failed for good, never retried
//   kInternal         -> HTTP 500, a bug
//
// Messages must never contain personal data (phone, e-mail, names, addresses):
// they end up in logs and HTTP responses.
//
// Thread-safety: a value type; distinct objects may be used concurrently.
class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,
    kUnauthenticated,
    kNotFound,
    kTooLarge,
    kDuplicate,
    kUnavailable,
    kPermanent,
    kInternal,
  };

  Status() = default;
  Status(const Status&) = default;
  Status& operator=(const Status&) = default;
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status ok() { return Status(); }
  static Status invalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status unauthenticated(std::string msg) {
    return {Code::kUnauthenticated, std::move(msg)};
  }
  static Status notFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status tooLarge(std::string msg) { return {Code::kTooLarge, std::move(msg)}; }
  static Status duplicate(std::string msg) { return {Code::kDuplicate, std::move(msg)}; }
  static Status unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status permanent(std::string msg) { return {Code::kPermanent, std::move(msg)}; }
  static Status internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool isOk() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "UNAVAILABLE: store: connection refused"; "OK" for success.
  std::string toString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status withContext(std::string_view context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// Stable upper-case name of a code ("INVALID_ARGUMENT"), used in logs and JSON.
std::string_view toString(Status::Code code);

// The HTTP status a request handler answers for a code (200 for kOk and kDuplicate).
int httpStatusFor(Status::Code code);

}  // namespace cartrelay::core

// Propagates a non-OK Status from an expression to the caller.
#define CARTRELAY_RETURN_IF_ERROR(expr)                      \
  do {                                                       \
    ::cartrelay::core::Status cartrelay_status_ = (expr);    \
    if (!cartrelay_status_.isOk()) return cartrelay_status_; \
  } while (false)
