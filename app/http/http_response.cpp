#include "app/http/http_response.h"

#include <nlohmann/json.hpp>

namespace cartrelay::app::http {
namespace {

// Status messages are meant to be ASCII, but a stray invalid UTF-8 byte must
// not turn an error answer into an exception: replace it instead.
std::string dumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

HttpResponse HttpResponse::text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::string(kTextPlain);
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::string(kApplicationJson);
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::empty(int status) {
  HttpResponse r;
  r.status = status;
  r.content_type.clear();
  return r;
}

HttpResponse HttpResponse::error(int status, std::string_view code, std::string_view message) {
  return json(status, dumpJson({{"error", code}, {"message", message}}));
}

HttpResponse HttpResponse::fromStatus(const core::Status& status) {
  const core::Status::Code code = status.code();
  const int http_status = core::httpStatusFor(code);
  if (code == core::Status::Code::kOk || code == core::Status::Code::kDuplicate) {
    HttpResponse r = json(http_status, dumpJson({{"status", core::toString(code)}}));
    if (!status.isOk()) r.log_detail = status.toString();
    return r;
  }
  HttpResponse r;
  if (code == core::Status::Code::kInternal || code == core::Status::Code::kPermanent) {
    r = error(http_status, core::toString(core::Status::Code::kInternal), "internal error");
  } else {
    r = error(http_status, core::toString(code), status.message());
  }
  if (code == core::Status::Code::kUnavailable) {
    r.headers.set("Retry-After", std::to_string(kRetryAfterSeconds));
  }
  r.log_detail = status.toString();
  return r;
}

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace cartrelay::app::http
