#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_http_server.h"

namespace cartrelay::testing {

// A fake WhatsApp Cloud API (Meta's Graph API) on 127.0.0.1 for tests that
// drive cartrelay, built on FakeHttpServer. It is a test double: it checks
// the request shapes shared/reference/whatsapp-cloud-api.md documents and
// answers in the shapes of shared/fixtures/whatsapp/, but it is not a model
// of Meta's full validation, pricing or delivery. It is deliberately
// stricter than Meta where that catches a cartrelay bug (unknown keys, a
// missing Content-Type), so a malformed request fails the test instead of
// passing silently.
//
//   POST /{version}/{phone_number_id}/messages      (reference §1 "Sending")
//   GET  /{version}/{waba_id}/message_templates     (reference §7; pages of
//        `limit` (default 25) from the cursor `after`; other parameters ignored)
//
// Both need "Authorization: Bearer <Options::access_token>": a missing or
// other token, or any token while setTokenValid(false), answers 401 with the
// body of error_190_token_expired.json. Another phone number id or WABA id
// answers 400 code 100; an unknown path 404; a wrong method 405 (Meta-shaped
// {"error":{..}} bodies, code 100 / 2500 chosen by this fake).
//
// A send is checked in this order, and the first failure answers:
//   1. path, method, token, phone number id (above);
//   2. the body (see validate rules below) -> 400, code 100,
//      {"error":{"message":"(#100) Invalid parameter","type":"OAuthException",
//      "code":100,"error_data":{"messaging_product":"whatsapp","details":D},
//      "fbtrace_id":..}} where D names the offending field, e.g.
//      "template.components[2].index must be a string of digits ("0"), not
//      another JSON type";
//   3. failNextWith() errors, oldest first;
//   4. failRecipient() codes;
//   5. the throughput limit (130429);
//   6. accepted: 200 with send_response.json's shape
//      {"messaging_product":"whatsapp","contacts":[{"input":TO,"wa_id":DIGITS}],
//       "messages":[{"id":"wamid.<unique>"}]}.
// Errors of steps 3-5 use the Graph error envelope of reference §1 ("Error
// response"); 190 is the fixture body, 131047 takes its details from
// error_131047_reengagement_error_object.json, 131056 has the wire message
// quoted in reference §1, other codes carry "(#CODE) " plus the meaning from
// the reference §2 table (a paraphrase, not Meta's text).
//
// Body rules (reference §1 "Template message body", "Component shapes",
// "Free-form text"; fixtures send_template_request_{named,positional}_params,
// constructed_send_template_abandoned_cart_tr, send_text_request,
// template_object_all_param_types_sdk):
//   - Content-Type application/json; a JSON object with only these keys:
//     messaging_product "whatsapp"; recipient_type "individual" (optional);
//     to: optional '+' then 8-15 digits; type "template" (with "template",
//     no "text") or "text" (with "text", no "template");
//     biz_opaque_callback_data (optional string).
//   - template: name of a-z, 0-9, _ (1-512 chars, reference §7); language
//     {code like "tr" / "en_US", optional policy "deterministic"};
//     components (optional array) of at most one header, at most one body,
//     and buttons.
//   - header: exactly one parameter; body: one or more. Parameter types:
//     text {text: non-empty string}; currency {fallback_value: non-empty
//     string, code: 3 upper-case letters, amount_1000: JSON integer};
//     date_time {fallback_value}; image/video/document {link: http(s) URL}
//     (document may add filename), media in the header only. Non-media
//     parameters may carry parameter_name (a-z, 0-9, _); in the body, on every
//     parameter or on none (named vs positional templates).
//   - button: sub_type url|quick_reply, index a string of one digit, unique
//     among the buttons (up to 10 buttons, reference §7), parameters exactly
//     [{type:"text",text}] for url and [{type:"payload",payload}] for
//     quick_reply.
//   - text: {body: non-empty string, preview_url: optional bool}.
//   - Every object rejects keys not listed here.
//
// Webhooks: the body builders produce the shapes of the webhook_*.json
// fixtures (see each builder), and post() sends them to cartrelay signed
// with X-Hub-Signature-256 = "sha256=" + lower-hex HMAC-SHA256(app secret,
// exact body bytes) (reference §5 "Signature", SOURCES.md "Webhook POSTs").
// The HMAC is computed here with core::crypto, independently of
// connectors/whatsapp/signature.h, so a bug there cannot hide here.
//
// Times: each accepted send records the steady clock (ms) and the system
// clock (Unix epoch ms) under the fake's lock, so accepted() is in receive
// order and the throughput limit and maxAcceptedInAnyWindow() agree.
//
// Thread-safety: all methods may be called from any thread while the server
// answers requests; the server runs handlers on several threads at once.
// Auto statuses are posted by one background thread that the destructor
// stops and joins (statuses still queued then are dropped; a post in flight
// is bounded by the 10 s timeout of httpRequest).
class FakeCloudApi {
 public:
  // Identity of the fake number and account. Defaults are the ids of Meta's
  // own examples (webhook_inbound_text.json, send_text_request.json's URL).
  struct Options {
    std::string version = "v23.0";
    std::string phone_number_id = "106540352242922";
    std::string display_phone_number = "15550783881";
    std::string waba_id = "102290129340398";
    std::string access_token = "fake-system-user-token";
  };

  // One send the fake accepted (answered 200 with a wamid).
  struct AcceptedMessage {
    std::string wamid;
    std::string to;                        // as sent ("+905551234567")
    std::string wa_id;                     // `to` without the '+'
    std::string type;                      // "template" | "text"
    std::string template_name;             // template only
    std::string language;                  // template only: language.code
    nlohmann::json components;             // template.components as sent; null if none
    std::string biz_opaque_callback_data;  // "" if absent
    std::string text_body;                 // text only: text.body
    std::string request_body;              // the raw request body
    std::int64_t received_steady_ms = 0;   // std::chrono::steady_clock, ms
    std::int64_t received_epoch_ms = 0;    // std::chrono::system_clock, Unix ms
  };

  // Why a request was answered with an error.
  enum class RejectCause {
    kInvalidRequest,  // cartrelay's fault: bad body, Content-Type, path id, method
    kBadToken,        // cartrelay's fault: missing or other Bearer token
    kInjected,        // the test asked for it: failNextWith, failRecipient,
                      // throughput limit, setTokenValid(false)
  };

  // One API request answered with an error (sends and template lists).
  struct Rejection {
    RejectCause cause = RejectCause::kInvalidRequest;
    int http_status = 0;
    int code = 0;         // Meta error code answered
    std::string details;  // error_data.details (names the field for code 100)
    std::string method;   // of the request
    std::string path;     // of the request
    std::string to;       // the body's `to` when it had one
    std::string body;     // the raw request body
  };

  // Status webhook `pricing` (reference §4 "Pricing fields in status
  // webhooks"; webhook_status_sent_marketing_pmp.json).
  struct Pricing {
    bool billable = true;
    std::string pricing_model = "PMP";
    std::string category = "marketing";  // marketing | utility | authentication | service ...
    std::string type = "regular";        // regular | free_customer_service | free_entry_point
  };

  // One entry of a failed status's errors[] (webhook_status_failed.json).
  struct StatusError {
    int code = 131026;
    std::string title = "Message undeliverable.";
    std::string message = "Message undeliverable.";
    std::string details = "Message Undeliverable.";
  };

  struct StatusOptions {
    std::int64_t timestamp_s = 0;          // Unix seconds; 0 = now
    std::string biz_opaque_callback_data;  // omitted when empty
    std::optional<Pricing> pricing;        // omitted when nullopt
    // For "failed": the errors[]; when empty, one default StatusError
    // (131026) is sent, because Meta always explains a failure (reference §5).
    // Ignored for other statuses.
    std::vector<StatusError> errors;
  };

  struct StatusUpdate {
    std::string wamid;
    std::string status;  // sent | delivered | read | played | failed
    std::string recipient_digits;
    StatusOptions options;
  };

  struct InboundOptions {
    std::string wamid;             // generated ("wamid.<unique>") when empty
    std::int64_t timestamp_s = 0;  // Unix seconds; 0 = now
    std::string profile_name = "Test User";
  };

  struct AutoStatusOptions {
    // Wait after the send's answer was produced, before the first status of
    // that send is posted. Small, so the webhook sometimes overtakes the
    // send answer inside cartrelay (the race of reference "What senders get
    // wrong" 2, which cartrelay must handle).
    std::chrono::milliseconds delay{5};
    std::optional<Pricing> pricing_on_sent;  // pricing object on "sent" statuses
  };

  // What cartrelay (or whoever listens) answered to a webhook post.
  struct PostResult {
    int status = 0;  // 0: no HTTP answer, or no webhook target set
    std::string body;
  };

  // Every webhook this fake posted, in order.
  struct PostedWebhook {
    std::string body;
    std::optional<std::string> signature;  // the X-Hub-Signature-256 sent, if any
    bool automatic = false;                // posted by setAutoStatuses
    PostResult result;
  };

  // Reads error_190_token_expired.json and error_131047_reengagement_error_object.json
  // (throws std::runtime_error if a fixture is missing), starts the server and
  // the auto-status thread.
  FakeCloudApi();
  explicit FakeCloudApi(Options options);
  FakeCloudApi(const FakeCloudApi&) = delete;
  FakeCloudApi& operator=(const FakeCloudApi&) = delete;
  // Stops the auto-status thread first, then the server.
  ~FakeCloudApi();

  const Options& options() const { return options_; }
  FakeHttpServer& server() { return server_; }
  int port() const { return server_.port(); }
  std::string baseUrl() const { return server_.baseUrl(); }  // "http://127.0.0.1:<port>"
  // "/{version}/{phone_number_id}/messages"
  std::string messagesPath() const;
  // "/{version}/{waba_id}/message_templates"
  std::string templatesPath() const;

  // Authentication -------------------------------------------------------
  // While false, every API request answers 401 with the 190 fixture (the
  // token expired; reference §2, "What senders get wrong" 7).
  void setTokenValid(bool valid);

  // Templates --------------------------------------------------------------
  // The `data` of GET message_templates, e.g. [{"name":"abandoned_cart_reminder",
  // "language":"tr","status":"APPROVED","category":"MARKETING","id":"123"}].
  // Throws std::invalid_argument unless `templates` is an array.
  void setTemplates(nlohmann::json templates);

  // Programmable failures ------------------------------------------------------
  // The next `count` sends that pass validation answer `http_status` with a
  // Graph error of `code`; `details` replaces the default error_data.details
  // when non-empty. Queued after earlier calls. No wamid is issued.
  void failNextWith(int code, int count = 1, int http_status = 400, std::string details = "");
  // Every valid send to `to_digits` (the number without '+') answers 400
  // with `code` (e.g. 131026, 131050) until clearRecipientFailure().
  void failRecipient(std::string to_digits, int code);
  void clearRecipientFailure(const std::string& to_digits);
  // At most `per_second` accepted sends in any sliding 1000 ms window; a
  // send beyond that answers 400 with 130429 (reference §3). 0 = no limit.
  void setThroughputLimit(int per_second);
  // Transport failures of the underlying server (they happen before any of
  // the above and are not recorded as rejections).
  void failNext(FailureMode mode, int count = 1) { server_.failNext(mode, count); }
  void releaseHangs() { server_.releaseHangs(); }
  void setHangLimitMs(std::int64_t ms) { server_.setHangLimitMs(ms); }

  // Counters and records --------------------------------------------------------
  std::size_t acceptedCount() const;
  // Every HTTP request the server received: sends, template lists, rejected,
  // hung and dropped ones.
  std::size_t requestCount() const { return server_.requestCount(); }
  std::vector<RecordedRequest> requests() const { return server_.requests(); }
  std::vector<AcceptedMessage> accepted() const;
  std::vector<Rejection> rejections() const;
  // rejections() without kInjected ones: what cartrelay got wrong. An e2e
  // test should end with this empty.
  std::vector<Rejection> invalidRequests() const;
  // The largest number of accepted sends whose receive times (steady clock)
  // lie within any window of `window_ms` (t_last - t_first < window_ms).
  std::size_t maxAcceptedInAnyWindow(std::int64_t window_ms) const;
  // Blocks until at least `n` sends were accepted or `timeout` passed; true
  // if they were.
  bool waitForAccepted(std::size_t n, std::chrono::milliseconds timeout) const;

  // Webhooks back to cartrelay ---------------------------------------------------
  // Where post() sends: http://127.0.0.1:<port><path>, signed with app_secret.
  void setWebhookTarget(int port, std::string app_secret, std::string path = "/webhooks/whatsapp");

  // Body builders. Each returns compact JSON bytes with the key order of its
  // fixture; the envelope is {"object":"whatsapp_business_account","entry":
  // [{"id":waba_id,"changes":[{"value":{"messaging_product":"whatsapp",
  // "metadata":{display_phone_number, phone_number_id},..},"field":..}]}]}.
  //
  // Status webhook(s) (webhook_status_sent_marketing_pmp.json,
  // webhook_status_failed.json, webhook_status_sent_biz_opaque_callback_data_pywa.json):
  // statuses[{id, status, timestamp (a STRING of Unix seconds), recipient_id,
  // biz_opaque_callback_data?, pricing?, errors? (failed only)}]. No
  // `conversation`: Meta omits it from v24.0 on (reference §5).
  std::string statusBody(const std::string& wamid, const std::string& status,
                         const std::string& recipient_digits) const;
  std::string statusBody(const std::string& wamid, const std::string& status,
                         const std::string& recipient_digits, const StatusOptions& options) const;
  // Several statuses in one change's statuses[] (Meta batches; reference §5).
  std::string statusesBody(const std::vector<StatusUpdate>& updates) const;
  // An inbound text (webhook_inbound_text.json): contacts[{profile{name},
  // wa_id}], messages[{from, id, timestamp, type:"text", text{body}}].
  std::string inboundTextBody(const std::string& from_digits, const std::string& text) const;
  std::string inboundTextBody(const std::string& from_digits, const std::string& text,
                              const InboundOptions& options) const;
  // A template quick-reply click (webhook_button_reply.json): messages[{context
  // {from: display number, id: context_wamid}, from, id, timestamp,
  // type:"button", button{payload, text}}].
  std::string buttonReplyBody(const std::string& from_digits, const std::string& payload,
                              const std::string& button_text,
                              const std::string& context_wamid) const;
  std::string buttonReplyBody(const std::string& from_digits, const std::string& payload,
                              const std::string& button_text, const std::string& context_wamid,
                              const InboundOptions& options) const;
  // field "user_preferences" (webhook_user_preferences_resume.json; reference
  // §6): contacts[{wa_id}], user_preferences[{wa_id, detail, category:
  // "marketing_messages", value, timestamp (a NUMBER, as in the fixture)}].
  // `value` is "stop" or "resume"; detail is Meta's documented sentence
  // ("User requested to stop|resume marketing messages"). timestamp_s 0 = now.
  std::string userPreferencesBody(const std::string& wa_id, const std::string& value,
                                  std::int64_t timestamp_s = 0) const;
  // field "message_template_status_update" (webhook_template_status_approved.json):
  // entry[{id, time, changes[{value{event, message_template_id (a number),
  // message_template_name, message_template_language, reason,
  // message_template_category}}]}]; no messaging_product/metadata, as in the
  // fixture. time_s 0 = now.
  std::string templateStatusBody(const std::string& event, std::int64_t template_id,
                                 const std::string& name, const std::string& language,
                                 const std::string& category, const std::string& reason = "NONE",
                                 std::int64_t time_s = 0) const;

  // "sha256=" + lower-hex HMAC-SHA256(app secret of setWebhookTarget, body).
  std::string signatureFor(const std::string& body) const;
  // POSTs `body` to the webhook target with Content-Type application/json
  // and the right X-Hub-Signature-256. Status 0 when no target is set or
  // nothing answered.
  PostResult post(const std::string& body);
  // The same without the signature header / with `signature_header` as its
  // value, for negative tests.
  PostResult postUnsigned(const std::string& body);
  PostResult postWithSignature(const std::string& body, const std::string& signature_header);
  std::vector<PostedWebhook> postedWebhooks() const;
  // Blocks until at least `n` webhooks were posted (and answered or given
  // up) or `timeout` passed; true if they were.
  bool waitForPosted(std::size_t n, std::chrono::milliseconds timeout) const;

  // After each accepted send, post one status webhook per entry of
  // `statuses` ("sent", "delivered", "read", "failed"), in order, for the new
  // wamid and recipient, with the send's biz_opaque_callback_data echoed.
  // Needs setWebhookTarget. An empty list turns this off. At most
  // kMaxQueuedAutoStatuses wait at once; more are dropped and counted.
  void setAutoStatuses(std::vector<std::string> statuses);
  void setAutoStatuses(std::vector<std::string> statuses, AutoStatusOptions options);
  std::size_t autoStatusesDropped() const;

  static constexpr std::size_t kMaxQueuedAutoStatuses = 100'000;

 private:
  struct QueuedStatus {
    std::int64_t due_steady_ms = 0;
    StatusUpdate update;
  };

  FakeResponse handle(const RecordedRequest& request);
  FakeResponse send(const RecordedRequest& request);
  FakeResponse listTemplates(const RecordedRequest& request);
  // A Graph error answer, recorded as a rejection. Caller holds mu_.
  FakeResponse rejectLocked(const RecordedRequest& request, RejectCause cause, int http_status,
                            int code, const std::string& details, const std::string& to);
  FakeResponse reject(const RecordedRequest& request, RejectCause cause, int http_status, int code,
                      const std::string& details, const std::string& to = "");
  // The Graph error body for `code`. Caller holds mu_ (fbtrace counter).
  std::string errorBodyLocked(int code, const std::string& details);
  std::string newWamidLocked() const;
  std::string newWamid() const;
  nlohmann::ordered_json envelope(const std::string& field, nlohmann::ordered_json value) const;
  nlohmann::ordered_json messagesValue() const;
  PostResult postRaw(const std::string& body, const std::optional<std::string>& signature,
                     bool automatic);
  void autoStatusLoop();

  const Options options_;
  std::string token_expired_body_;  // error_190_token_expired.json, compact
  std::string reengagement_details_;
  std::string instance_tag_;  // random, so wamids differ between fake instances

  mutable std::mutex mu_;
  mutable std::condition_variable accepted_cv_;
  mutable std::condition_variable posted_cv_;
  std::condition_variable auto_cv_;
  bool token_valid_ = true;
  nlohmann::json templates_ = nlohmann::json::array();
  struct PlannedFailure {
    int code;
    int remaining;
    int http_status;
    std::string details;
  };
  std::deque<PlannedFailure> fail_next_;
  std::map<std::string, int> failing_recipients_;
  int throughput_limit_ = 0;
  std::vector<AcceptedMessage> accepted_;
  std::vector<Rejection> rejections_;
  mutable std::uint64_t next_id_ = 1;  // wamids, also from const builders
  std::uint64_t next_trace_ = 1;
  int webhook_port_ = 0;
  std::string webhook_path_ = "/webhooks/whatsapp";
  std::string app_secret_;
  std::vector<PostedWebhook> posted_;
  std::vector<std::string> auto_statuses_;
  AutoStatusOptions auto_options_;
  std::deque<QueuedStatus> auto_queue_;
  std::size_t auto_dropped_ = 0;
  bool stopping_ = false;
  std::thread auto_thread_;
  FakeHttpServer server_;  // last: starts after the data above exists, stops first
};

}  // namespace cartrelay::testing
