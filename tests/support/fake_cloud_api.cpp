#include "tests/support/fake_cloud_api.h"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <random>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "core/util/crypto.h"
#include "core/util/text.h"
#include "tests/support/fixtures.h"
#include "tests/support/http_client.h"

namespace cartrelay::testing {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// "href" of the errors[] objects in Meta's own failed-status example
// (webhook_status_failed.json).
constexpr const char* kErrorHref = "/documentation/business-messaging/whatsapp/support/error-codes";

std::int64_t steadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t epochMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t nowOr(std::int64_t seconds) { return seconds != 0 ? seconds : epochMillis() / 1000; }

// Never throws on odd bytes a test passed in: they become U+FFFD.
std::string dump(const OrderedJson& json) {
  return json.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

FakeResponse jsonResponse(int status, std::string body) {
  FakeResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// The meaning of the codes a test is likely to inject, from the reference §2
// table (paraphrased there from Meta's error-code page), except 131049 and
// 131056, whose texts are quoted in the reference.
std::string meaningOf(int code) {
  switch (code) {
    case 1:
      return "API Unknown";
    case 2:
      return "API Service";
    case 4:
      return "Application request limit reached";
    case 100:
      return "Invalid parameter";
    case 368:
      return "Temporarily blocked for policies violations";
    case 80007:
      return "WhatsApp Business Account rate limit reached";
    case 130429:
      return "Cloud API throughput reached";
    case 130472:
      return "User's number is part of an experiment";
    case 131000:
      return "Something went wrong";
    case 131016:
      return "Service temporarily unavailable";
    case 131026:
      return "Message undeliverable";
    case 131031:
      return "Business account locked";
    case 131042:
      return "Business eligibility payment issue";
    case 131047:
      return "Re-engagement message";
    case 131048:
      return "Spam rate limit hit";
    case 131049:
      return "This message was not delivered to maintain healthy ecosystem engagement.";
    case 131050:
      return "User stopped marketing messages from this business";
    case 131056:
      return "(Business Account, Consumer Account) pair rate limit hit";
    case 132000:
      return "Number of parameters does not match the template";
    case 132001:
      return "Template does not exist in that language or is not approved";
    case 132012:
      return "Parameter format does not match the template";
    case 132015:
      return "Template is paused";
    case 132016:
      return "Template is disabled";
    default:
      return "Error " + std::to_string(code) + " injected by the fake Cloud API";
  }
}

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start < path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Body validation ----------------------------------------------------------
// Each check returns "" when fine, else one sentence naming the field
// ("template.components[1].parameters[0].currency.amount_1000 must be ..."),
// which becomes error_data.details. Meta reports one problem per request,
// and so does this fake: the first one found.

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool isLowerName(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || isDigit(c) || c == '_'; });
}

// `to` as the reference §1 envelope shows it: an optional '+' and the
// international number, 8-15 digits.
bool isRecipient(const std::string& s) {
  const std::string digits = !s.empty() && s[0] == '+' ? s.substr(1) : s;
  return digits.size() >= 8 && digits.size() <= 15 &&
         std::all_of(digits.begin(), digits.end(), isDigit);
}

// "tr", "fil", "en_US", "zh_HK": the language codes Meta's template examples use.
bool isLanguageCode(const std::string& s) {
  const std::size_t underscore = s.find('_');
  const std::string language = s.substr(0, underscore);
  if (language.size() < 2 || language.size() > 3) return false;
  if (!std::all_of(language.begin(), language.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    return false;
  if (underscore == std::string::npos) return true;
  const std::string region = s.substr(underscore + 1);
  return region.size() >= 2 && region.size() <= 4 &&
         std::all_of(region.begin(), region.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c);
         });
}

// An absolute http(s) URL without blanks or control characters; Meta fetches
// media links itself (reference §1, SDK "http(s)://URL").
bool isLink(const std::string& s) {
  std::size_t scheme = 0;
  if (core::asciiLower(s.substr(0, 8)) == "https://") {
    scheme = 8;
  } else if (core::asciiLower(s.substr(0, 7)) == "http://") {
    scheme = 7;
  } else {
    return false;
  }
  if (s.size() <= scheme) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7F;
  });
}

std::string field(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string indexed(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string onlyKeys(const Json& object, const std::string& path,
                     std::initializer_list<std::string_view> allowed) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end())
      return field(path, it.key()) + " is not a known field";
  }
  return "";
}

std::string stringMember(const Json& object, const std::string& path, std::string_view key,
                         std::string* out) {
  const auto it = object.find(key);
  if (it == object.end()) return field(path, key) + " is missing";
  if (!it->is_string()) return field(path, key) + " must be a string";
  *out = it->get<std::string>();
  if (out->empty()) return field(path, key) + " must not be empty";
  return "";
}

std::string objectMember(const Json& object, const std::string& path, std::string_view key,
                         const Json** out) {
  const auto it = object.find(key);
  if (it == object.end()) return field(path, key) + " is missing";
  if (!it->is_object()) return field(path, key) + " must be an object";
  *out = &*it;
  return "";
}

std::string arrayMember(const Json& object, const std::string& path, std::string_view key,
                        const Json** out) {
  const auto it = object.find(key);
  if (it == object.end()) return field(path, key) + " is missing";
  if (!it->is_array()) return field(path, key) + " must be an array";
  if (it->empty()) return field(path, key) + " must not be empty";
  *out = &*it;
  return "";
}

#define FAKE_CHECK(expr)                    \
  do {                                      \
    std::string problem_ = (expr);          \
    if (!problem_.empty()) return problem_; \
  } while (false)

// What an accepted send records, filled while validating.
struct SendFields {
  std::string to;
  std::string type;
  std::string template_name;
  std::string language;
  Json components;
  std::string biz_opaque_callback_data;
  std::string text_body;
};

std::string checkCurrency(const Json& parameter, const std::string& path) {
  const Json* currency = nullptr;
  FAKE_CHECK(objectMember(parameter, path, "currency", &currency));
  const std::string at = field(path, "currency");
  FAKE_CHECK(onlyKeys(*currency, at, {"fallback_value", "code", "amount_1000"}));
  std::string text;
  FAKE_CHECK(stringMember(*currency, at, "fallback_value", &text));
  FAKE_CHECK(stringMember(*currency, at, "code", &text));
  if (text.size() != 3 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return field(at, "code") + " must be 3 upper-case letters (ISO 4217)";
  const auto amount = currency->find("amount_1000");
  if (amount == currency->end()) return field(at, "amount_1000") + " is missing";
  if (!amount->is_number_integer())
    return field(at, "amount_1000") + " must be a JSON integer (the amount x 1000)";
  return "";
}

// One header or body parameter. `named` is set to whether it carries
// parameter_name.
std::string checkParameter(const Json& parameter, const std::string& path, bool in_header,
                           bool* named) {
  if (!parameter.is_object()) return path + " must be an object";
  std::string type;
  FAKE_CHECK(stringMember(parameter, path, "type", &type));
  *named = parameter.contains("parameter_name");
  if (*named) {
    const Json& name = parameter.at("parameter_name");
    if (!name.is_string() || !isLowerName(name.get<std::string>()))
      return field(path, "parameter_name") + " must be a name of a-z, 0-9 and _";
  }
  std::string text;
  if (type == "text") {
    FAKE_CHECK(onlyKeys(parameter, path, {"type", "text", "parameter_name"}));
    return stringMember(parameter, path, "text", &text);
  }
  if (type == "currency") {
    FAKE_CHECK(onlyKeys(parameter, path, {"type", "currency", "parameter_name"}));
    return checkCurrency(parameter, path);
  }
  if (type == "date_time") {
    FAKE_CHECK(onlyKeys(parameter, path, {"type", "date_time", "parameter_name"}));
    const Json* date_time = nullptr;
    FAKE_CHECK(objectMember(parameter, path, "date_time", &date_time));
    FAKE_CHECK(onlyKeys(*date_time, field(path, "date_time"), {"fallback_value"}));
    return stringMember(*date_time, field(path, "date_time"), "fallback_value", &text);
  }
  if (type == "image" || type == "video" || type == "document") {
    if (!in_header) return field(path, "type") + " " + type + " is allowed in the header only";
    FAKE_CHECK(onlyKeys(parameter, path, {"type", type}));
    const Json* media = nullptr;
    FAKE_CHECK(objectMember(parameter, path, type, &media));
    const std::string at = field(path, type);
    if (type == "document") {
      FAKE_CHECK(onlyKeys(*media, at, {"link", "filename"}));
      if (media->contains("filename")) FAKE_CHECK(stringMember(*media, at, "filename", &text));
    } else {
      FAKE_CHECK(onlyKeys(*media, at, {"link"}));
    }
    FAKE_CHECK(stringMember(*media, at, "link", &text));
    if (!isLink(text)) return field(at, "link") + " must be an http(s) URL";
    return "";
  }
  return field(path, "type") + " must be text, currency, date_time, image, video or document";
}

std::string checkButton(const Json& component, const std::string& path,
                        std::set<std::string>* indexes) {
  FAKE_CHECK(onlyKeys(component, path, {"type", "sub_type", "index", "parameters"}));
  std::string sub_type;
  FAKE_CHECK(stringMember(component, path, "sub_type", &sub_type));
  if (sub_type != "url" && sub_type != "quick_reply")
    return field(path, "sub_type") + " must be \"url\" or \"quick_reply\"";
  // Reference §1: "The index is a string"; up to 10 buttons (§7), so "0".."9".
  const auto index = component.find("index");
  if (index == component.end()) return field(path, "index") + " is missing";
  if (!index->is_string())
    return field(path, "index") + " must be a string of digits (\"0\"), not another JSON type";
  const std::string value = index->get<std::string>();
  if (value.size() != 1 || !isDigit(value[0]))
    return field(path, "index") + " must be a string of one digit";
  if (!indexes->insert(value).second)
    return field(path, "index") + " \"" + value + "\" is used by another button";

  const Json* parameters = nullptr;
  FAKE_CHECK(arrayMember(component, path, "parameters", &parameters));
  if (parameters->size() != 1)
    return field(path, "parameters") + " must hold exactly one parameter";
  const Json& parameter = parameters->front();
  const std::string at = indexed(field(path, "parameters"), 0);
  if (!parameter.is_object()) return at + " must be an object";
  std::string type;
  FAKE_CHECK(stringMember(parameter, at, "type", &type));
  std::string text;
  if (sub_type == "url") {
    // The dynamic suffix appended to the template's approved URL prefix.
    if (type != "text") return field(at, "type") + " must be \"text\" for a url button";
    FAKE_CHECK(onlyKeys(parameter, at, {"type", "text"}));
    return stringMember(parameter, at, "text", &text);
  }
  if (type != "payload") return field(at, "type") + " must be \"payload\" for a quick_reply button";
  FAKE_CHECK(onlyKeys(parameter, at, {"type", "payload"}));
  return stringMember(parameter, at, "payload", &text);
}

std::string checkTemplate(const Json& tmpl, SendFields* out) {
  const std::string path = "template";
  FAKE_CHECK(onlyKeys(tmpl, path, {"name", "language", "components"}));
  FAKE_CHECK(stringMember(tmpl, path, "name", &out->template_name));
  if (out->template_name.size() > 512 || !isLowerName(out->template_name))
    return "template.name must be 1-512 characters of a-z, 0-9 and _";
  const Json* language = nullptr;
  FAKE_CHECK(objectMember(tmpl, path, "language", &language));
  FAKE_CHECK(onlyKeys(*language, "template.language", {"code", "policy"}));
  FAKE_CHECK(stringMember(*language, "template.language", "code", &out->language));
  if (!isLanguageCode(out->language))
    return "template.language.code must be a language code like \"tr\" or \"en_US\"";
  if (language->contains("policy")) {
    const Json& policy = language->at("policy");
    if (!policy.is_string() || policy.get<std::string>() != "deterministic")
      return "template.language.policy must be \"deterministic\"";
  }
  if (!tmpl.contains("components")) return "";

  const Json& components = tmpl.at("components");
  if (!components.is_array()) return "template.components must be an array";
  out->components = components;
  bool seen_header = false;
  bool seen_body = false;
  std::set<std::string> indexes;
  for (std::size_t i = 0; i < components.size(); ++i) {
    const Json& component = components[i];
    const std::string at = indexed("template.components", i);
    if (!component.is_object()) return at + " must be an object";
    std::string type;
    FAKE_CHECK(stringMember(component, at, "type", &type));
    if (type == "button") {
      FAKE_CHECK(checkButton(component, at, &indexes));
      continue;
    }
    if (type != "header" && type != "body")
      return field(at, "type") + " must be \"header\", \"body\" or \"button\"";
    const bool header = type == "header";
    bool& seen = header ? seen_header : seen_body;
    if (seen) return at + " is a second " + type + " component";
    seen = true;
    FAKE_CHECK(onlyKeys(component, at, {"type", "parameters"}));
    const Json* parameters = nullptr;
    FAKE_CHECK(arrayMember(component, at, "parameters", &parameters));
    if (header && parameters->size() != 1)
      return field(at, "parameters") + " must hold exactly one header parameter";
    bool first_named = false;
    for (std::size_t j = 0; j < parameters->size(); ++j) {
      const std::string parameter_at = indexed(field(at, "parameters"), j);
      bool named = false;
      FAKE_CHECK(checkParameter((*parameters)[j], parameter_at, header, &named));
      // Named templates name every body parameter, positional ones none
      // (reference §1 "Template message body").
      if (j == 0) first_named = named;
      if (!header && named != first_named)
        return field(parameter_at, "parameter_name") +
               " must be on every body parameter or on none (named vs positional template)";
    }
  }
  return "";
}

std::string checkText(const Json& text, SendFields* out) {
  FAKE_CHECK(onlyKeys(text, "text", {"body", "preview_url"}));
  FAKE_CHECK(stringMember(text, "text", "body", &out->text_body));
  if (text.contains("preview_url") && !text.at("preview_url").is_boolean())
    return "text.preview_url must be a boolean";
  return "";
}

std::string checkSend(const Json& body, SendFields* out) {
  FAKE_CHECK(onlyKeys(body, "",
                      {"messaging_product", "recipient_type", "to", "type", "template", "text",
                       "biz_opaque_callback_data"}));
  std::string product;
  FAKE_CHECK(stringMember(body, "", "messaging_product", &product));
  if (product != "whatsapp") return "messaging_product must be \"whatsapp\"";
  if (body.contains("recipient_type")) {
    const Json& recipient_type = body.at("recipient_type");
    if (!recipient_type.is_string() || recipient_type.get<std::string>() != "individual")
      return "recipient_type must be \"individual\"";
  }
  FAKE_CHECK(stringMember(body, "", "to", &out->to));
  if (!isRecipient(out->to)) return "to must be an optional '+' followed by 8-15 digits";
  if (body.contains("biz_opaque_callback_data")) {
    const Json& data = body.at("biz_opaque_callback_data");
    if (!data.is_string()) return "biz_opaque_callback_data must be a string";
    out->biz_opaque_callback_data = data.get<std::string>();
  }
  FAKE_CHECK(stringMember(body, "", "type", &out->type));
  const Json* payload = nullptr;
  if (out->type == "template") {
    if (body.contains("text")) return "text must not be present when type is \"template\"";
    FAKE_CHECK(objectMember(body, "", "template", &payload));
    return checkTemplate(*payload, out);
  }
  if (out->type == "text") {
    if (body.contains("template")) return "template must not be present when type is \"text\"";
    FAKE_CHECK(objectMember(body, "", "text", &payload));
    return checkText(*payload, out);
  }
  return "type must be \"template\" or \"text\"";
}

#undef FAKE_CHECK

}  // namespace

FakeCloudApi::FakeCloudApi() : FakeCloudApi(Options{}) {}

FakeCloudApi::FakeCloudApi(Options options)
    : options_(std::move(options)),
      token_expired_body_(Json::parse(readFixture("whatsapp/error_190_token_expired.json")).dump()),
      reengagement_details_(
          Json::parse(readFixture("whatsapp/error_131047_reengagement_error_object.json"))
              .at("error_data")
              .at("details")
              .get<std::string>()),
      server_([this](const RecordedRequest& request) { return handle(request); }) {
  std::random_device random;
  char tag[16];
  std::snprintf(tag, sizeof tag, "%08x", static_cast<unsigned>(random()));
  instance_tag_ = tag;
  auto_thread_ = std::thread([this] { autoStatusLoop(); });
}

FakeCloudApi::~FakeCloudApi() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  auto_cv_.notify_all();
  if (auto_thread_.joinable()) auto_thread_.join();
}

std::string FakeCloudApi::messagesPath() const {
  return "/" + options_.version + "/" + options_.phone_number_id + "/messages";
}

std::string FakeCloudApi::templatesPath() const {
  return "/" + options_.version + "/" + options_.waba_id + "/message_templates";
}

void FakeCloudApi::setTokenValid(bool valid) {
  std::lock_guard<std::mutex> lock(mu_);
  token_valid_ = valid;
}

void FakeCloudApi::setTemplates(nlohmann::json templates) {
  if (!templates.is_array()) throw std::invalid_argument("setTemplates needs a JSON array");
  std::lock_guard<std::mutex> lock(mu_);
  templates_ = std::move(templates);
}

void FakeCloudApi::failNextWith(int code, int count, int http_status, std::string details) {
  if (count <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_.push_back(PlannedFailure{code, count, http_status, std::move(details)});
}

void FakeCloudApi::failRecipient(std::string to_digits, int code) {
  std::lock_guard<std::mutex> lock(mu_);
  failing_recipients_[std::move(to_digits)] = code;
}

void FakeCloudApi::clearRecipientFailure(const std::string& to_digits) {
  std::lock_guard<std::mutex> lock(mu_);
  failing_recipients_.erase(to_digits);
}

void FakeCloudApi::setThroughputLimit(int per_second) {
  std::lock_guard<std::mutex> lock(mu_);
  throughput_limit_ = std::max(per_second, 0);
}

std::size_t FakeCloudApi::acceptedCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_.size();
}

std::vector<FakeCloudApi::AcceptedMessage> FakeCloudApi::accepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

std::vector<FakeCloudApi::Rejection> FakeCloudApi::rejections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejections_;
}

std::vector<FakeCloudApi::Rejection> FakeCloudApi::invalidRequests() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Rejection> out;
  for (const Rejection& rejection : rejections_) {
    if (rejection.cause != RejectCause::kInjected) out.push_back(rejection);
  }
  return out;
}

std::size_t FakeCloudApi::maxAcceptedInAnyWindow(std::int64_t window_ms) const {
  std::vector<std::int64_t> times;
  {
    std::lock_guard<std::mutex> lock(mu_);
    times.reserve(accepted_.size());
    for (const AcceptedMessage& message : accepted_) times.push_back(message.received_steady_ms);
  }
  std::sort(times.begin(), times.end());
  std::size_t best = 0;
  std::size_t first = 0;
  for (std::size_t last = 0; last < times.size(); ++last) {
    while (times[last] - times[first] >= window_ms) ++first;
    best = std::max(best, last - first + 1);
  }
  return best;
}

bool FakeCloudApi::waitForAccepted(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return accepted_cv_.wait_for(lock, timeout, [&] { return accepted_.size() >= n; });
}

std::string FakeCloudApi::errorBodyLocked(int code, const std::string& details) {
  if (code == 190) return token_expired_body_;
  std::string text = details;
  if (text.empty()) text = code == 131047 ? reengagement_details_ : meaningOf(code);
  char trace[32];
  std::snprintf(trace, sizeof trace, "AFakeTrace%012llu",
                static_cast<unsigned long long>(next_trace_++));
  OrderedJson error = {{"message", "(#" + std::to_string(code) + ") " + meaningOf(code)},
                       {"type", "OAuthException"},
                       {"code", code},
                       {"error_data", {{"messaging_product", "whatsapp"}, {"details", text}}},
                       {"fbtrace_id", trace}};
  return dump(OrderedJson{{"error", std::move(error)}});
}

FakeResponse FakeCloudApi::rejectLocked(const RecordedRequest& request, RejectCause cause,
                                        int http_status, int code, const std::string& details,
                                        const std::string& to) {
  Rejection rejection;
  rejection.cause = cause;
  rejection.http_status = http_status;
  rejection.code = code;
  rejection.details = details;
  rejection.method = request.method;
  rejection.path = request.path;
  rejection.to = to;
  rejection.body = request.body;
  rejections_.push_back(std::move(rejection));
  return jsonResponse(http_status, errorBodyLocked(code, details));
}

FakeResponse FakeCloudApi::reject(const RecordedRequest& request, RejectCause cause,
                                  int http_status, int code, const std::string& details,
                                  const std::string& to) {
  std::lock_guard<std::mutex> lock(mu_);
  return rejectLocked(request, cause, http_status, code, details, to);
}

FakeResponse FakeCloudApi::handle(const RecordedRequest& request) {
  const std::vector<std::string> parts = split(request.path);
  const bool routed = parts.size() == 3 && parts[0] == options_.version;
  const bool messages = routed && parts[2] == "messages";
  const bool templates = routed && parts[2] == "message_templates";
  if (!messages && !templates) {
    return reject(request, RejectCause::kInvalidRequest, 404, 2500,
                  "Unknown path components: " + request.path);
  }
  const std::string wanted = messages ? "POST" : "GET";
  if (request.method != wanted) {
    return reject(request, RejectCause::kInvalidRequest, 405, 100,
                  "Unsupported request - method type: " + core::asciiLower(request.method) + " (" +
                      wanted + " expected)");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!token_valid_) {
      return rejectLocked(request, RejectCause::kInjected, 401, 190,
                          "access token expired (setTokenValid(false))", "");
    }
    if (request.header("authorization").value_or("") != "Bearer " + options_.access_token) {
      return rejectLocked(request, RejectCause::kBadToken, 401, 190,
                          "Authorization is not \"Bearer <configured token>\"", "");
    }
  }
  if (messages && parts[1] != options_.phone_number_id) {
    return reject(request, RejectCause::kInvalidRequest, 400, 100,
                  "phone number id " + parts[1] + " is not this account's (" +
                      options_.phone_number_id + ")");
  }
  if (templates && parts[1] != options_.waba_id) {
    return reject(request, RejectCause::kInvalidRequest, 400, 100,
                  "WABA id " + parts[1] + " is not this account's (" + options_.waba_id + ")");
  }
  return messages ? send(request) : listTemplates(request);
}

FakeResponse FakeCloudApi::listTemplates(const RecordedRequest& request) {
  // Graph's cursor paging: `paging.cursors` always, `paging.next` only when
  // there is a next page. The cursor here is the next offset in "c<N>"
  // form, opaque to the client like Meta's.
  std::size_t limit = 25;
  std::size_t offset = 0;
  try {
    if (auto wanted = request.param("limit")) limit = std::stoul(*wanted);
    if (auto after = request.param("after")) {
      if (after->size() < 2 || (*after)[0] != 'c') throw std::invalid_argument("cursor");
      offset = std::stoul(after->substr(1));
    }
  } catch (const std::exception&) {
    return reject(request, RejectCause::kInvalidRequest, 400, 100, "Invalid limit or cursor");
  }
  std::lock_guard<std::mutex> lock(mu_);
  // nlohmann::json and ordered_json do not mix in one initializer list.
  const OrderedJson all = OrderedJson::parse(templates_.dump());
  OrderedJson data = OrderedJson::array();
  for (std::size_t i = offset; i < all.size() && i < offset + limit; ++i) data.push_back(all[i]);
  const std::size_t end = offset + data.size();
  OrderedJson paging{
      {"cursors",
       {{"before", "c" + std::to_string(offset)}, {"after", "c" + std::to_string(end)}}}};
  if (end < all.size()) {
    paging["next"] = baseUrl() + request.path + "?limit=" + std::to_string(limit) + "&after=c" +
                     std::to_string(end);
  }
  return jsonResponse(200, dump(OrderedJson{{"data", std::move(data)}, {"paging", paging}}));
}

FakeResponse FakeCloudApi::send(const RecordedRequest& request) {
  // Reference §1: cartrelay sends JSON, so anything else is its bug (Graph
  // would also take a form body; this fake does not).
  const std::string content_type = core::asciiLower(request.header("content-type").value_or(""));
  if (content_type.rfind("application/json", 0) != 0) {
    return reject(request, RejectCause::kInvalidRequest, 400, 100,
                  "Content-Type must be application/json");
  }
  const Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return reject(request, RejectCause::kInvalidRequest, 400, 100,
                  "request body is not a JSON object");
  }
  SendFields fields;
  const std::string problem = checkSend(body, &fields);
  if (!problem.empty()) {
    return reject(request, RejectCause::kInvalidRequest, 400, 100, problem, fields.to);
  }
  const std::string wa_id = fields.to[0] == '+' ? fields.to.substr(1) : fields.to;

  std::unique_lock<std::mutex> lock(mu_);
  if (!fail_next_.empty()) {
    PlannedFailure& failure = fail_next_.front();
    const PlannedFailure planned = failure;
    if (--failure.remaining <= 0) fail_next_.pop_front();
    return rejectLocked(request, RejectCause::kInjected, planned.http_status, planned.code,
                        planned.details, fields.to);
  }
  if (const auto it = failing_recipients_.find(wa_id); it != failing_recipients_.end()) {
    return rejectLocked(request, RejectCause::kInjected, 400, it->second, "", fields.to);
  }
  const std::int64_t now = steadyMillis();
  if (throughput_limit_ > 0) {
    // accepted_ is in receive order (times are taken under this lock).
    int in_window = 0;
    for (auto it = accepted_.rbegin(); it != accepted_.rend(); ++it) {
      if (now - it->received_steady_ms >= 1000) break;
      ++in_window;
    }
    if (in_window >= throughput_limit_) {
      return rejectLocked(request, RejectCause::kInjected, 400, 130429, "", fields.to);
    }
  }

  AcceptedMessage message;
  message.wamid = newWamidLocked();
  message.to = fields.to;
  message.wa_id = wa_id;
  message.type = fields.type;
  message.template_name = fields.template_name;
  message.language = fields.language;
  message.components = fields.components;
  message.biz_opaque_callback_data = fields.biz_opaque_callback_data;
  message.text_body = fields.text_body;
  message.request_body = request.body;
  message.received_steady_ms = now;
  message.received_epoch_ms = epochMillis();
  accepted_.push_back(message);

  bool queued = false;
  if (!auto_statuses_.empty() && !stopping_) {
    for (const std::string& status : auto_statuses_) {
      if (webhook_port_ == 0 || auto_queue_.size() >= kMaxQueuedAutoStatuses) {
        ++auto_dropped_;
        continue;
      }
      QueuedStatus item;
      item.due_steady_ms = now + auto_options_.delay.count();
      item.update.wamid = message.wamid;
      item.update.status = status;
      item.update.recipient_digits = wa_id;
      item.update.options.biz_opaque_callback_data = message.biz_opaque_callback_data;
      if (status == "sent") item.update.options.pricing = auto_options_.pricing_on_sent;
      auto_queue_.push_back(std::move(item));
      queued = true;
    }
  }
  lock.unlock();
  accepted_cv_.notify_all();
  if (queued) auto_cv_.notify_all();

  OrderedJson contact = {{"input", message.to}, {"wa_id", wa_id}};
  OrderedJson id = {{"id", message.wamid}};
  const OrderedJson answer = {{"messaging_product", "whatsapp"},
                              {"contacts", OrderedJson::array({std::move(contact)})},
                              {"messages", OrderedJson::array({std::move(id)})}};
  return jsonResponse(200, dump(answer));
}

std::string FakeCloudApi::newWamidLocked() const {
  char id[64];
  std::snprintf(id, sizeof id, "wamid.fake%s_%08llu", instance_tag_.c_str(),
                static_cast<unsigned long long>(next_id_++));
  return id;
}

std::string FakeCloudApi::newWamid() const {
  std::lock_guard<std::mutex> lock(mu_);
  return newWamidLocked();
}

// Webhooks ------------------------------------------------------------------

void FakeCloudApi::setWebhookTarget(int port, std::string app_secret, std::string path) {
  std::lock_guard<std::mutex> lock(mu_);
  webhook_port_ = port;
  app_secret_ = std::move(app_secret);
  webhook_path_ = std::move(path);
}

nlohmann::ordered_json FakeCloudApi::envelope(const std::string& field,
                                              nlohmann::ordered_json value) const {
  OrderedJson change = {{"value", std::move(value)}, {"field", field}};
  OrderedJson entry = {{"id", options_.waba_id}, {"changes", OrderedJson::array({change})}};
  return OrderedJson{{"object", "whatsapp_business_account"},
                     {"entry", OrderedJson::array({entry})}};
}

nlohmann::ordered_json FakeCloudApi::messagesValue() const {
  return OrderedJson{{"messaging_product", "whatsapp"},
                     {"metadata",
                      {{"display_phone_number", options_.display_phone_number},
                       {"phone_number_id", options_.phone_number_id}}}};
}

std::string FakeCloudApi::statusBody(const std::string& wamid, const std::string& status,
                                     const std::string& recipient_digits) const {
  return statusBody(wamid, status, recipient_digits, StatusOptions{});
}

std::string FakeCloudApi::statusBody(const std::string& wamid, const std::string& status,
                                     const std::string& recipient_digits,
                                     const StatusOptions& options) const {
  return statusesBody({StatusUpdate{wamid, status, recipient_digits, options}});
}

std::string FakeCloudApi::statusesBody(const std::vector<StatusUpdate>& updates) const {
  OrderedJson statuses = OrderedJson::array();
  for (const StatusUpdate& update : updates) {
    const StatusOptions& options = update.options;
    // Key order of webhook_status_sent_biz_opaque_callback_data_pywa.json.
    OrderedJson status = {{"id", update.wamid},
                          {"status", update.status},
                          {"timestamp", std::to_string(nowOr(options.timestamp_s))},
                          {"recipient_id", update.recipient_digits}};
    if (!options.biz_opaque_callback_data.empty())
      status["biz_opaque_callback_data"] = options.biz_opaque_callback_data;
    if (options.pricing) {
      status["pricing"] = {{"billable", options.pricing->billable},
                           {"pricing_model", options.pricing->pricing_model},
                           {"type", options.pricing->type},
                           {"category", options.pricing->category}};
    }
    if (update.status == "failed") {
      std::vector<StatusError> errors = options.errors;
      if (errors.empty()) errors.push_back(StatusError{});
      OrderedJson list = OrderedJson::array();
      for (const StatusError& error : errors) {
        list.push_back({{"code", error.code},
                        {"title", error.title},
                        {"message", error.message},
                        {"error_data", {{"details", error.details}}},
                        {"href", kErrorHref}});
      }
      status["errors"] = std::move(list);
    }
    statuses.push_back(std::move(status));
  }
  OrderedJson value = messagesValue();
  value["statuses"] = std::move(statuses);
  return dump(envelope("messages", std::move(value)));
}

std::string FakeCloudApi::inboundTextBody(const std::string& from_digits,
                                          const std::string& text) const {
  return inboundTextBody(from_digits, text, InboundOptions{});
}

std::string FakeCloudApi::inboundTextBody(const std::string& from_digits, const std::string& text,
                                          const InboundOptions& options) const {
  OrderedJson value = messagesValue();
  value["contacts"] =
      OrderedJson::array({{{"profile", {{"name", options.profile_name}}}, {"wa_id", from_digits}}});
  OrderedJson message = {{"from", from_digits},
                         {"id", options.wamid.empty() ? newWamid() : options.wamid},
                         {"timestamp", std::to_string(nowOr(options.timestamp_s))},
                         {"type", "text"},
                         {"text", {{"body", text}}}};
  value["messages"] = OrderedJson::array({message});
  return dump(envelope("messages", std::move(value)));
}

std::string FakeCloudApi::buttonReplyBody(const std::string& from_digits,
                                          const std::string& payload,
                                          const std::string& button_text,
                                          const std::string& context_wamid) const {
  return buttonReplyBody(from_digits, payload, button_text, context_wamid, InboundOptions{});
}

std::string FakeCloudApi::buttonReplyBody(const std::string& from_digits,
                                          const std::string& payload,
                                          const std::string& button_text,
                                          const std::string& context_wamid,
                                          const InboundOptions& options) const {
  OrderedJson value = messagesValue();
  value["contacts"] =
      OrderedJson::array({{{"profile", {{"name", options.profile_name}}}, {"wa_id", from_digits}}});
  OrderedJson message = {
      {"context", {{"from", options_.display_phone_number}, {"id", context_wamid}}},
      {"from", from_digits},
      {"id", options.wamid.empty() ? newWamid() : options.wamid},
      {"timestamp", std::to_string(nowOr(options.timestamp_s))},
      {"type", "button"},
      {"button", {{"payload", payload}, {"text", button_text}}}};
  value["messages"] = OrderedJson::array({message});
  return dump(envelope("messages", std::move(value)));
}

std::string FakeCloudApi::userPreferencesBody(const std::string& wa_id, const std::string& value,
                                              std::int64_t timestamp_s) const {
  OrderedJson body = messagesValue();
  body["contacts"] = OrderedJson::array({{{"wa_id", wa_id}}});
  // The sentences of the user_preferences reference page (reference §6).
  body["user_preferences"] =
      OrderedJson::array({{{"wa_id", wa_id},
                           {"detail", "User requested to " + value + " marketing messages"},
                           {"category", "marketing_messages"},
                           {"value", value},
                           {"timestamp", nowOr(timestamp_s)}}});
  return dump(envelope("user_preferences", std::move(body)));
}

std::string FakeCloudApi::templateStatusBody(const std::string& event, std::int64_t template_id,
                                             const std::string& name, const std::string& language,
                                             const std::string& category, const std::string& reason,
                                             std::int64_t time_s) const {
  // Key order of webhook_template_status_approved.json ("entry" before "object").
  OrderedJson value = {{"event", event},
                       {"message_template_id", template_id},
                       {"message_template_name", name},
                       {"message_template_language", language},
                       {"reason", reason},
                       {"message_template_category", category}};
  OrderedJson change = {{"value", std::move(value)}, {"field", "message_template_status_update"}};
  OrderedJson entry = {
      {"id", options_.waba_id}, {"time", nowOr(time_s)}, {"changes", OrderedJson::array({change})}};
  return dump(
      OrderedJson{{"entry", OrderedJson::array({entry})}, {"object", "whatsapp_business_account"}});
}

std::string FakeCloudApi::signatureFor(const std::string& body) const {
  std::string secret;
  {
    std::lock_guard<std::mutex> lock(mu_);
    secret = app_secret_;
  }
  return "sha256=" + core::crypto::hexEncode(core::crypto::hmacSha256(secret, body));
}

FakeCloudApi::PostResult FakeCloudApi::post(const std::string& body) {
  return postRaw(body, signatureFor(body), /*automatic=*/false);
}

FakeCloudApi::PostResult FakeCloudApi::postUnsigned(const std::string& body) {
  return postRaw(body, std::nullopt, /*automatic=*/false);
}

FakeCloudApi::PostResult FakeCloudApi::postWithSignature(const std::string& body,
                                                         const std::string& signature_header) {
  return postRaw(body, signature_header, /*automatic=*/false);
}

FakeCloudApi::PostResult FakeCloudApi::postRaw(const std::string& body,
                                               const std::optional<std::string>& signature,
                                               bool automatic) {
  int port = 0;
  std::string path;
  {
    std::lock_guard<std::mutex> lock(mu_);
    port = webhook_port_;
    path = webhook_path_;
  }
  PostResult result;
  if (port != 0) {
    std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
    if (signature) headers["X-Hub-Signature-256"] = *signature;
    const HttpResult answer = httpRequest(port, "POST", path, body, headers);
    result.status = answer.status;
    result.body = answer.body;
  } else {
    result.body = "no webhook target set (setWebhookTarget)";
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    posted_.push_back(PostedWebhook{body, signature, automatic, result});
  }
  posted_cv_.notify_all();
  return result;
}

std::vector<FakeCloudApi::PostedWebhook> FakeCloudApi::postedWebhooks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return posted_;
}

bool FakeCloudApi::waitForPosted(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return posted_cv_.wait_for(lock, timeout, [&] { return posted_.size() >= n; });
}

void FakeCloudApi::setAutoStatuses(std::vector<std::string> statuses) {
  setAutoStatuses(std::move(statuses), AutoStatusOptions{});
}

void FakeCloudApi::setAutoStatuses(std::vector<std::string> statuses, AutoStatusOptions options) {
  std::lock_guard<std::mutex> lock(mu_);
  auto_statuses_ = std::move(statuses);
  auto_options_ = std::move(options);
}

std::size_t FakeCloudApi::autoStatusesDropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return auto_dropped_;
}

void FakeCloudApi::autoStatusLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    auto_cv_.wait(lock, [&] { return stopping_ || !auto_queue_.empty(); });
    if (stopping_) return;
    const std::int64_t wait_ms = auto_queue_.front().due_steady_ms - steadyMillis();
    if (wait_ms > 0) {
      auto_cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stopping_; });
      continue;
    }
    const StatusUpdate update = std::move(auto_queue_.front().update);
    auto_queue_.pop_front();
    lock.unlock();
    // One at a time, so the statuses of a send arrive in the order given.
    const std::string body =
        statusBody(update.wamid, update.status, update.recipient_digits, update.options);
    postRaw(body, signatureFor(body), /*automatic=*/true);
    lock.lock();
  }
}

}  // namespace cartrelay::testing
