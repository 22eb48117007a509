#include "tests/support/fake_iys.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/util/clock.h"
#include "core/util/time_zone.h"

namespace cartrelay::testing {
namespace {

using Json = nlohmann::json;

std::int64_t steadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

FakeResponse json(int status, const Json& body) {
  FakeResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

FakeResponse error(int status, const std::string& code, const std::string& message) {
  return json(status, {{"errors", {{{"code", code}, {"message", message}}}}});
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool isPhone(const std::string& text) {
  if (text.size() < 9 || text.size() > 16 || text[0] != '+') return false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (!isDigit(text[i])) return false;
  }
  return true;
}

bool isUpperName(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!((c >= 'A' && c <= 'Z') || isDigit(c) || c == '_')) return false;
  }
  return true;
}

// "YYYY-MM-DD HH:MM:SS" with plausible ranges. Deliberately independent of
// the client's parser so a formatting bug there cannot hide here.
bool isConsentDate(const std::string& text) {
  if (text.size() != 19) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool sep = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;
    if (!sep && !isDigit(text[i])) return false;
  }
  if (text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':')
    return false;
  const int month = std::stoi(text.substr(5, 2));
  const int day = std::stoi(text.substr(8, 2));
  const int hour = std::stoi(text.substr(11, 2));
  const int minute = std::stoi(text.substr(14, 2));
  const int second = std::stoi(text.substr(17, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 &&
         second <= 59;
}

// A string member, or nullopt when absent or not a string.
std::optional<std::string> member(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Json recordJson(const FakeIys::Record& r) {
  Json out = {{"recipient", r.recipient},
              {"recipientType", r.recipient_type},
              {"type", r.type},
              {"status", r.status},
              {"creationDate", r.creation_date},
              {"transactionId", r.transaction_id},
              {"retailerAccessCount", 0}};
  if (!r.source.empty()) out["source"] = r.source;
  if (!r.consent_date.empty()) out["consentDate"] = r.consent_date;
  return out;
}

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    const std::size_t slash = path.find('/', start);
    parts.push_back(
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

}  // namespace

FakeIys::FakeIys() : server_([this](const RecordedRequest& request) { return handle(request); }) {}

std::string FakeIys::nowInTurkey() {
  static const std::optional<core::TimeZone> zone = [] {
    auto loaded = core::TimeZone::load("Europe/Istanbul");
    return loaded.isOk() ? std::optional<core::TimeZone>(*loaded) : std::nullopt;
  }();
  const core::EpochMillis now = core::SystemClock().nowMillis();
  // Without tzdata the fake still works; only creationDate is off.
  const core::TimeZone::Local t =
      zone ? zone->localAt(now) : core::TimeZone::Local{1970, 1, 1, 4, 0, 0, 0};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  return text;
}

void FakeIys::storeLocked(Record& record) {
  if (record.creation_date.empty()) record.creation_date = nowInTurkey();
  if (record.transaction_id.empty()) {
    char id[32];
    std::snprintf(id, sizeof id, "fake-tx-%06d", next_transaction_++);
    record.transaction_id = id;
  }
  store_[Key{record.recipient, record.type, record.recipient_type}] = record;
}

void FakeIys::preloadConsent(Record record) {
  std::lock_guard<std::mutex> lock(mu_);
  storeLocked(record);
}

void FakeIys::addChange(Record record) {
  std::lock_guard<std::mutex> lock(mu_);
  storeLocked(record);
  changes_.push_back(std::move(record));
}

std::optional<FakeIys::Record> FakeIys::consent(const std::string& recipient,
                                                const std::string& type,
                                                const std::string& recipient_type) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = store_.find(Key{recipient, type, recipient_type});
  if (it == store_.end()) return std::nullopt;
  return it->second;
}

std::size_t FakeIys::consentCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return store_.size();
}

void FakeIys::setTokenLifetimeSeconds(std::int64_t seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  token_lifetime_s_ = seconds;
}

void FakeIys::expireAllTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& issued : tokens_) revoked_.insert(issued.first);
}

void FakeIys::rejectAllTokens(bool reject) {
  std::lock_guard<std::mutex> lock(mu_);
  reject_tokens_ = reject;
}

int FakeIys::tokensIssued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_issued_;
}

void FakeIys::setDown(bool down) {
  std::lock_guard<std::mutex> lock(mu_);
  down_ = down;
}

void FakeIys::rateLimitNext(int count, const std::string& retry_after) {
  std::lock_guard<std::mutex> lock(mu_);
  rate_limit_next_ = count;
  retry_after_ = retry_after;
}

void FakeIys::answerNext(FakeResponse response, int count) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < count; ++i) answer_next_.push_back(response);
}

std::vector<RecordedRequest> FakeIys::requestsTo(const std::string& suffix) const {
  std::vector<RecordedRequest> out;
  for (RecordedRequest& request : server_.requests()) {
    const std::string& path = request.path;
    if (path.size() >= suffix.size() &&
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(std::move(request));
    }
  }
  return out;
}

FakeResponse FakeIys::handle(const RecordedRequest& request) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return error(503, "FAKE_DOWN", "Service Unavailable");
    if (rate_limit_next_ > 0) {
      --rate_limit_next_;
      FakeResponse response = error(429, "FAKE_RATE_LIMIT", "Too Many Requests");
      response.headers.emplace_back("Retry-After", retry_after_);
      return response;
    }
  }
  if (request.path == "/oauth2/token") {
    if (request.method != "POST") return error(405, "FAKE_METHOD", "Method Not Allowed");
    return token(request);
  }

  const std::vector<std::string> parts = split(request.path);
  if (parts.size() < 5 || parts.size() > 6 || parts[0] != "sps" || parts[2] != "brands" ||
      parts[4] != "consents") {
    return error(404, "FAKE_NO_ROUTE", "Not Found");
  }
  const std::string action = parts.size() == 6 ? parts[5] : "";
  if (action != "" && action != "status" && action != "changes")
    return error(404, "FAKE_NO_ROUTE", "Not Found");

  {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string authorization = request.header("authorization").value_or("");
    const std::string prefix = "Bearer ";
    bool valid = false;
    if (authorization.rfind(prefix, 0) == 0) {
      const std::string presented = authorization.substr(prefix.size());
      auto it = tokens_.find(presented);
      valid = it != tokens_.end() && it->second > steadyMillis() && !revoked_.count(presented) &&
              !reject_tokens_;
    }
    if (!valid) {
      return json(401, {{"error", "invalid_token"},
                        {"error_description", "Access token expired or invalid"}});
    }
    if (parts[1] != kIysCode || parts[3] != kBrandCode)
      return error(403, "FAKE_FORBIDDEN", "No access to this brand");
    if (!answer_next_.empty()) {
      FakeResponse canned = answer_next_.front();
      answer_next_.erase(answer_next_.begin());
      return canned;
    }
  }

  const std::string wanted = action == "changes" ? "GET" : "POST";
  if (request.method != wanted) return error(405, "FAKE_METHOD", "Method Not Allowed");
  if (action == "status") return status(request);
  if (action == "changes") return changes(request);
  return addConsent(request);
}

FakeResponse FakeIys::token(const RecordedRequest& request) {
  const Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object())
    return json(400, {{"error", "invalid_request"}, {"error_description", "body is not JSON"}});
  const auto username = member(body, "username");
  const auto password = member(body, "password");
  const auto grant = member(body, "grant_type");
  if (!username || !password || grant.value_or("") != "password")
    return json(400, {{"error", "invalid_request"},
                      {"error_description", "username, password and grant_type=password"}});
  if (*username != kUsername || *password != kPassword)
    return json(401, {{"error", "invalid_grant"}, {"error_description", "Bad credentials"}});

  std::lock_guard<std::mutex> lock(mu_);
  ++tokens_issued_;
  const std::string access = "fake-access-" + std::to_string(tokens_issued_);
  tokens_[access] = steadyMillis() + token_lifetime_s_ * 1000;
  return json(200, {{"access_token", access},
                    {"refresh_token", "fake-refresh-" + std::to_string(tokens_issued_)},
                    {"token_type", "Bearer"},
                    {"expires_in", token_lifetime_s_}});
}

FakeResponse FakeIys::addConsent(const RecordedRequest& request) {
  const Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object())
    return error(400, kErrorBadValue, "request body is not a JSON object");

  Record record;
  const std::pair<const char*, std::string*> required[] = {
      {"recipient", &record.recipient},
      {"recipientType", &record.recipient_type},
      {"type", &record.type},
      {"status", &record.status}};
  for (const auto& [key, target] : required) {
    const auto value = member(body, key);
    if (!value) return error(400, kErrorMissingField, std::string(key) + " is required");
    *target = *value;
  }
  const std::string quoted = " (recipient " + record.recipient + ")";
  if (!isPhone(record.recipient))
    return error(400, kErrorBadValue, "recipient is not a phone number" + quoted);
  if (record.recipient_type != "BIREYSEL" && record.recipient_type != "TACIR")
    return error(400, kErrorBadValue, "recipientType must be BIREYSEL or TACIR" + quoted);
  if (record.type != "ARAMA" && record.type != "MESAJ" && record.type != "EPOSTA")
    return error(400, kErrorBadValue, "type must be ARAMA, MESAJ or EPOSTA" + quoted);
  if (record.status != "ONAY" && record.status != "RET")
    return error(400, kErrorBadValue, "status must be ONAY or RET" + quoted);

  const bool individual = record.recipient_type == "BIREYSEL";
  record.source = member(body, "source").value_or("");
  record.consent_date = member(body, "consentDate").value_or("");
  if (individual && record.source.empty())
    return error(400, kErrorMissingField, "source is required" + quoted);
  if (!record.source.empty() && !isUpperName(record.source))
    return error(400, kErrorBadValue, "source is not a source name" + quoted);
  if (individual && record.consent_date.empty())
    return error(400, kErrorMissingField, "consentDate is required" + quoted);
  if (!record.consent_date.empty() && !isConsentDate(record.consent_date))
    return error(400, kErrorBadDate, "consentDate must be YYYY-MM-DD HH:MM:SS" + quoted);

  std::lock_guard<std::mutex> lock(mu_);
  if (record.status == "RET" &&
      store_.find(Key{record.recipient, record.type, record.recipient_type}) == store_.end()) {
    return error(400, kErrorFirstRet, "the first record cannot be RET" + quoted);
  }
  storeLocked(record);
  return json(200,
              {{"transactionId", record.transaction_id}, {"creationDate", record.creation_date}});
}

FakeResponse FakeIys::status(const RecordedRequest& request) {
  const Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object())
    return error(400, kErrorBadValue, "request body is not a JSON object");
  const auto recipient = member(body, "recipient");
  const auto recipient_type = member(body, "recipientType");
  const auto type = member(body, "type");
  if (!recipient || !recipient_type || !type)
    return error(400, kErrorMissingField, "recipient, recipientType and type are required");
  if (!isPhone(*recipient))
    return error(400, kErrorBadValue, "recipient is not a phone number (" + *recipient + ")");

  std::lock_guard<std::mutex> lock(mu_);
  auto it = store_.find(Key{*recipient, *type, *recipient_type});
  if (it == store_.end())
    return error(404, kErrorNotFound, "no consent found for recipient " + *recipient);
  return json(200, recordJson(it->second));
}

FakeResponse FakeIys::changes(const RecordedRequest& request) {
  long limit = 100;
  if (const auto text = request.param("limit")) {
    char* end = nullptr;
    limit = std::strtol(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || limit < 1 || limit > 1000)
      return error(400, kErrorBadValue, "limit must be 1..1000");
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::size_t offset = 0;
  if (const auto after = request.param("after")) {
    char* end = nullptr;
    const unsigned long long parsed =
        after->size() > 1 && (*after)[0] == 'c' ? std::strtoull(after->c_str() + 1, &end, 10) : 0;
    if (end == nullptr || *end != '\0' || parsed > changes_.size())
      return error(400, kErrorBadCursor, "unknown cursor");
    offset = static_cast<std::size_t>(parsed);
  }
  Json list = Json::array();
  std::size_t index = offset;
  for (; index < changes_.size() && list.size() < static_cast<std::size_t>(limit); ++index)
    list.push_back(recordJson(changes_[index]));
  return json(200, {{"after", "c" + std::to_string(index)}, {"list", list}});
}

}  // namespace cartrelay::testing
