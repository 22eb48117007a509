#include "connectors/whatsapp/cloud_api_channel.h"

#include <mutex>
#include <random>
#include <utility>

#include <nlohmann/json.hpp>

#include "connectors/whatsapp/error_taxonomy.h"
#include "core/util/log.h"

namespace cartrelay::whatsapp {
namespace {

using core::ports::SendResult;
using Outcome = core::ports::SendResult::Outcome;

double randomJitter() {
  static std::mutex mu;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

SendResult result(Outcome outcome, std::string reason, int code = 0) {
  SendResult r;
  r.outcome = outcome;
  r.reason = std::move(reason);
  r.error_code = code;
  return r;
}

std::string trimSlash(std::string text) {
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

}  // namespace

CloudApiChannel::CloudApiChannel(CloudApiConfig config, core::net::HttpClient& http,
                                 std::function<double()> jitter)
    : config_(std::move(config)),
      http_(http),
      jitter_(jitter ? std::move(jitter) : std::function<double()>(randomJitter)),
      endpoint_(trimSlash(config_.api_base) + "/" + config_.api_version + "/" +
                config_.phone_number_id + "/messages") {}

SendResult CloudApiChannel::fromError(int http_status, const std::string& body, int attempt) const {
  const CloudApiError error = parseCloudApiError(http_status, body);
  const ErrorPolicy policy = classifyError(error);
  SendResult r = result(Outcome::kFailed, std::string(policy.reason), error.code);
  switch (policy.action) {
    case ErrorAction::kNever:
      r.template_status = std::string(templateStatusOf(error.code));
      return r;
    case ErrorAction::kOptOut:
      r.outcome = Outcome::kOptedOut;
      return r;
    case ErrorAction::kHalt:
      r.outcome = Outcome::kHalted;
      return r;
    case ErrorAction::kRetry:
    case ErrorAction::kRetryBounded:
    case ErrorAction::kRetryRecipient:
    case ErrorAction::kWaitDay:
      break;
  }
  // `attempt` sends have been made; retry number `attempt` comes next.
  if (attempt > maxAttempts(policy.action)) {
    r.reason += "_retries_exhausted";
    return r;
  }
  r.outcome = Outcome::kRetry;
  r.retry_after_ms = retryDelayMs(policy, attempt, jitter_());
  r.recipient_only =
      policy.action == ErrorAction::kRetryRecipient || policy.action == ErrorAction::kWaitDay;
  r.slow_down = policy.action == ErrorAction::kRetry;
  return r;
}

// The request body for `m`: a free-form text, or its template with the
// layout from the configuration.
core::Result<nlohmann::json> CloudApiChannel::requestBody(
    const core::ports::ClearedMessage::Content& m) const {
  const std::string callback = std::to_string(m.outbox_id);
  if (!m.text.empty()) return buildTextRequest(m.to, m.text, /*preview_url=*/false, callback);
  auto layout = config_.layouts.find(m.template_name);
  if (layout == config_.layouts.end()) {
    return core::Status::notFound("no layout for template '" + m.template_name + "'");
  }
  TemplateLayout sent_layout = layout->second;
  sent_layout.meta_name = m.meta_template;
  sent_layout.language = m.language;
  return buildTemplateRequest(sent_layout, m.to, m.params, callback);
}

SendResult CloudApiChannel::send(const core::ports::ClearedMessage& message) {
  const auto& m = message.content();
  auto body = requestBody(m);
  if (!body.isOk() && body.status().code() == core::Status::Code::kNotFound) {
    core::log::error("whatsapp.template_layout_missing")
        .kv("outbox_id", m.outbox_id)
        .kv("template", m.template_name);
    return result(Outcome::kFailed, "template_layout_missing");
  }
  if (!body.isOk()) {
    // The message names the parameter, never its value.
    core::log::error("whatsapp.invalid_params")
        .kv("outbox_id", m.outbox_id)
        .kv("template", m.template_name)
        .status(body.status());
    return result(Outcome::kFailed, "invalid_params");
  }

  core::net::HttpRequest request;
  request.method = "POST";
  request.url = endpoint_;
  request.headers = {{"Authorization", "Bearer " + config_.access_token},
                     {"Content-Type", "application/json"}};
  request.body = body->dump();
  auto answer = http_.send(request);
  if (!answer.isOk()) {
    if (core::net::requestNeverSent(answer.status())) {
      // Meta cannot have seen it: the network's own retry schedule.
      ErrorPolicy policy{ErrorAction::kRetry, false, "network", 0};
      if (m.attempt > maxAttempts(policy.action)) {
        return result(Outcome::kFailed, "network_retries_exhausted");
      }
      SendResult r = result(Outcome::kRetry, "network");
      r.retry_after_ms = retryDelayMs(policy, m.attempt, jitter_());
      r.slow_down = true;
      return r;
    }
    core::log::warn("whatsapp.no_answer").kv("outbox_id", m.outbox_id).status(answer.status());
    return result(Outcome::kUnknown, "no_answer");
  }
  if (answer->status >= 200 && answer->status < 300) {
    auto json = nlohmann::json::parse(answer->body, nullptr, false);
    const nlohmann::json* id = nullptr;
    if (json.is_object() && json.contains("messages") && json["messages"].is_array() &&
        !json["messages"].empty() && json["messages"][0].is_object() &&
        json["messages"][0].contains("id") && json["messages"][0]["id"].is_string()) {
      id = &json["messages"][0]["id"];
    }
    if (id == nullptr || id->get<std::string>().empty()) {
      return result(Outcome::kUnknown, "malformed_answer");
    }
    SendResult r = result(Outcome::kAccepted, "accepted");
    r.provider_message_id = id->get<std::string>();
    return r;
  }
  return fromError(answer->status, answer->body, m.attempt);
}

}  // namespace cartrelay::whatsapp
