#pragma once

#include <string>
#include <string_view>

#include "app/http/http_request.h"
#include "core/util/status.h"

namespace cartrelay::app::http {

// Seconds a client is asked to wait before retrying a 503 (Retry-After).
inline constexpr int kRetryAfterSeconds = 5;

inline constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
inline constexpr std::string_view kApplicationJson = "application/json";

// What a handler answers. HttpServer adds Content-Length, Date, Connection
// and X-Request-Id itself (handlers' values for those are ignored) and a
// Retry-After to any 503 that lacks one.
//
// Thread-safety: a value type.
struct HttpResponse {
  int status = 200;
  // Empty means no Content-Type header (e.g. for 204).
  std::string content_type = std::string(kTextPlain);
  // Extra response headers (Allow, Location, Retry-After, ...).
  Headers headers;
  std::string body;
  // Appended as `error=` to the request's log line and never sent to the
  // client. Same rule as Status messages: no personal data, no secrets.
  std::string log_detail;

  // `text/plain; charset=utf-8`.
  static HttpResponse text(int status, std::string body);
  // `application/json`; body must already be JSON.
  static HttpResponse json(int status, std::string body);
  // No body and no Content-Type (204, 302 with Location, ...).
  static HttpResponse empty(int status);
  // `{"error":"<code>","message":"<message>"}` with that status.
  static HttpResponse error(int status, std::string_view code, std::string_view message);
  // The response for a Status: httpStatusFor(code) with
  //   OK / DUPLICATE  -> {"status":"OK"} / {"status":"DUPLICATE"}
  //   kInternal, kPermanent -> {"error":"INTERNAL","message":"internal error"}; the real
  //                    message goes to log_detail only, since it may describe internals
  //   any other error -> {"error":"<CODE>","message":"<status message>"}
  //   kUnavailable    -> also Retry-After: kRetryAfterSeconds
  // log_detail is set to status.toString() for every non-OK status.
  static HttpResponse fromStatus(const core::Status& status);
};

// The standard reason phrase ("Not Found"); "Unknown" for codes we never send.
std::string_view reasonPhrase(int status);

}  // namespace cartrelay::app::http
