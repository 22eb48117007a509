#include "app/cli/send_command.h"

#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/cli/shop_session.h"
#include "app/message_sending.h"
#include "app/version.h"
#include "compliance/audit_verifier.h"
#include "compliance/outbox_view.h"
#include "compliance/reason.h"

namespace cartrelay::app::cli {
namespace {

constexpr std::string_view kCommand = "send";
// How long to wait for a send the daemon took over (its HTTP timeout).
constexpr auto kWaitForDaemon = std::chrono::seconds(35);

// --param K=V into the JSON object the gate and the channel take.
std::optional<nlohmann::json> paramsOf(const std::vector<std::string>& pairs) {
  nlohmann::json params = nlohmann::json::object();
  for (const std::string& pair : pairs) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      printError(kCommand, "--param must be NAME=VALUE (got one without a name or '=')");
      return std::nullopt;
    }
    params[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return params;
}

bool succeeded(const compliance::SendGate::Outcome& outcome, const std::string& state) {
  if (outcome.decision.outcome == compliance::Decision::Outcome::kDefer) return true;
  if (outcome.decision.outcome == compliance::Decision::Outcome::kDeny) return false;
  return state == "sent" || state == "delivered" || state == "read" || state == "queued";
}

}  // namespace

int sendCommand(const SendOptions& options) {
  if (options.to.empty() || options.template_name.empty()) {
    printError(kCommand, "--to PHONE and --template NAME are required");
    return kExitUsage;
  }
  auto params = paramsOf(options.params);
  if (!params) return kExitUsage;
  int exit_code = kExitOk;
  auto session = openShopSession(options.config_path, options.shop, kCommand, &exit_code);
  if (!session) return exit_code;
  OperatorStore& store = *session->store;
  const config::AppConfig& config = store.config();

  auto verified =
      compliance::verifyAuditChain(store.database(), config.compliance.audit_anchor_file);
  const bool intact =
      verified.isOk() && verified->outcome == compliance::AuditVerifyReport::Outcome::kIntact;
  std::map<std::string, std::int64_t, std::less<>> shop_ids;
  for (const core::model::Shop& shop : store.shops()) shop_ids[shop.name] = shop.id;
  core::metrics::Metrics metrics(version());
  MessageSending::Hooks hooks;
  hooks.audit_intact = [intact] { return intact; };
  auto sending =
      MessageSending::create(config, store.database(), store.keys(), store.clock(), *session->audit,
                             *session->ledger, metrics, shop_ids, std::move(hooks));
  if (!sending.isOk()) {
    printError(kCommand, sending.status().toString());
    return kExitUsage;
  }

  compliance::SendRequest request;
  request.shop_id = session->shop.id;
  request.phone = options.to;
  request.template_name = options.template_name;
  request.params = std::move(*params);
  auto outcome = (*sending)->gate().submit(request);
  if (!outcome.isOk()) {
    printError(kCommand, outcome.status().message());
    return outcome.status().code() == core::Status::Code::kInvalidArgument ? kExitUsage
                                                                           : kExitFailure;
  }
  if (outcome->decision.outcome == compliance::Decision::Outcome::kAllow && !outcome->duplicate) {
    (*sending)->dispatcher().sendNow(outcome->outbox_id);
  }

  // A running daemon's sender may have claimed the message first: then it
  // is `sending` there, and the answer comes within the Cloud API timeout.
  std::optional<compliance::OutboxEntry> entry;
  const auto give_up = std::chrono::steady_clock::now() + kWaitForDaemon;
  while (outcome->outbox_id != 0) {
    auto loaded = store.database().querySession(
        [&](soci::session& s) { return compliance::loadOutboxEntry(s, outcome->outbox_id); });
    if (loaded.isOk()) entry = *loaded;
    if (!entry || entry->state != "sending" || std::chrono::steady_clock::now() > give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::string state = entry ? entry->state : std::string();
  const std::string reason =
      outcome->decision.reason ? std::string(compliance::toString(*outcome->decision.reason)) : "";
  if (options.json) {
    nlohmann::json out = {
        {"decision", compliance::toString(outcome->decision.outcome)},
        {"reason", reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(reason)},
        {"outbox_id", outcome->outbox_id},
        {"channel", (*sending)->channel().name()},
        {"state", state.empty() ? nlohmann::json(nullptr) : nlohmann::json(state)}};
    if (entry && !entry->wamid.empty()) out["wamid"] = entry->wamid;
    if (entry && entry->error_code != 0) out["error_code"] = entry->error_code;
    if (entry && !entry->error_reason.empty()) out["error_reason"] = entry->error_reason;
    if (outcome->decision.outcome == compliance::Decision::Outcome::kDefer) {
      out["retry_at"] = core::formatIso8601(outcome->decision.retry_at);
    }
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "decision: " << compliance::toString(outcome->decision.outcome);
    if (!reason.empty()) std::cout << " (" << reason << ")";
    if (outcome->decision.outcome == compliance::Decision::Outcome::kDefer) {
      std::cout << " until " << core::formatIso8601(outcome->decision.retry_at);
    }
    std::cout << "\noutbox: " << outcome->outbox_id << "\n";
    if (entry) {
      std::cout << "state: " << entry->state;
      if (!entry->wamid.empty()) std::cout << " (" << entry->wamid << ")";
      if (entry->error_code != 0 || !entry->error_reason.empty()) {
        std::cout << " error " << entry->error_code << " " << entry->error_reason;
      }
      std::cout << "\nchannel: " << (*sending)->channel().name() << "\n";
    }
  }
  if ((*sending)->dispatcher().halted()) {
    printError(kCommand, "the channel is halted: " + (*sending)->dispatcher().haltReason());
  }
  return succeeded(*outcome, state) ? kExitOk : kExitFailure;
}

}  // namespace cartrelay::app::cli
