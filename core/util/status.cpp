#include "core/util/status.h"

namespace cartrelay::core {

std::string_view toString(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case Status::Code::kUnauthenticated:
      return "UNAUTHENTICATED";
    case Status::Code::kNotFound:
      return "NOT_FOUND";
    case Status::Code::kTooLarge:
      return "TOO_LARGE";
    case Status::Code::kDuplicate:
      return "DUPLICATE";
    case Status::Code::kUnavailable:
      return "UNAVAILABLE";
    case Status::Code::kPermanent:
      return "PERMANENT";
    case Status::Code::kInternal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

int httpStatusFor(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
    case Status::Code::kDuplicate:
      return 200;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kUnauthenticated:
      return 401;
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kTooLarge:
      return 413;
    case Status::Code::kUnavailable:
      return 503;
    // A permanent failure of our own processing is still our failure, not the caller's.
    case Status::Code::kPermanent:
    case Status::Code::kInternal:
      return 500;
  }
  return 500;
}

std::string Status::toString() const {
  if (isOk()) return "OK";
  std::string out(core::toString(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

Status Status::withContext(std::string_view context) const {
  if (isOk()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message_;
  return Status(code_, std::move(msg));
}

}  // namespace cartrelay::core
