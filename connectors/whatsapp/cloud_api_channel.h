#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "connectors/whatsapp/message_request.h"
#include "core/net/http_fetch.h"
#include "core/ports/message_channel.h"

namespace cartrelay::whatsapp {

// Where and as whom the channel sends ([whatsapp] in the INI).
struct CloudApiConfig {
  std::string api_base;         // "https://graph.facebook.com" (http:// only to loopback)
  std::string api_version;      // "v23.0"
  std::string phone_number_id;  // the sending number's id at Meta
  std::string access_token;     // a system-user token; never logged
  // Each [template.NAME]'s parameter layout, by NAME. The channel sends the
  // template under the name and language the gate cleared.
  std::map<std::string, TemplateLayout, std::less<>> layouts;
};

// The MessageChannel of whatsapp.mode = live: one cleared message is one
// POST {api_base}/{api_version}/{phone_number_id}/messages with the
// template's components (message_request.h) and our outbox id as
// biz_opaque_callback_data, so every status webhook names its message
// (whatsapp-cloud-api.md §1).
//
// What an answer means (error_taxonomy.h, reference §2):
//   2xx with messages[0].id            kAccepted
//   retryable codes, within their budget kRetry (retry_after_ms from the
//                                       code's schedule for content.attempt;
//                                       recipient_only for 131056, slow_down
//                                       for throughput and rate limits)
//   retryable, budget spent; permanent  kFailed
//   131050                              kOptedOut
//   190, 368, 131031, 131042            kHalted
//   no connection made (DNS, refused,   kRetry: Meta cannot have seen it
//     TLS handshake)
//   request sent, answer lost           kUnknown: never sent again
//                                       automatically (the message may exist)
//   2xx without a message id            kUnknown
//
// Nothing it logs or returns holds the recipient, the parameters or the
// token. Ownership: `http` must outlive the channel. Thread-safety: send()
// may be called from several threads (the config is immutable; `http` is
// thread-safe; `jitter` must be too).
class CloudApiChannel final : public core::ports::MessageChannel {
 public:
  // `jitter` returns values in [0, 1) that spread retries; unset means a
  // thread-safe random source.
  CloudApiChannel(CloudApiConfig config, core::net::HttpClient& http,
                  std::function<double()> jitter = {});

  core::ports::SendResult send(const core::ports::ClearedMessage& message) override;
  std::string_view name() const override { return "whatsapp"; }

  // The endpoint messages go to (for logs: holds no secret).
  const std::string& endpoint() const { return endpoint_; }

 private:
  // kNotFound when a template message's template has no layout here;
  // kInvalidArgument from the request builders.
  core::Result<nlohmann::json> requestBody(const core::ports::ClearedMessage::Content& m) const;
  core::ports::SendResult fromError(int http_status, const std::string& body, int attempt) const;

  CloudApiConfig config_;
  core::net::HttpClient& http_;
  std::function<double()> jitter_;
  std::string endpoint_;
};

}  // namespace cartrelay::whatsapp
