#include "app/cli/consent_commands.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

#include "app/cli/command_support.h"
#include "app/cli/shop_session.h"
#include "app/cli/table_output.h"
#include "compliance/audit_log.h"
#include "compliance/consent_csv.h"
#include "compliance/consent_ledger.h"
#include "core/util/phone.h"
#include "core/util/time_zone.h"

namespace cartrelay::app::cli {
namespace {

using compliance::ConsentEvent;
using compliance::ConsentLedger;
using compliance::ConsentState;

constexpr const char* kActor = "cli";

// The phone's E.164 form, or nullopt after printing why (never the number).
std::optional<std::string> e164Of(const ShopSession& session, const std::string& phone,
                                  std::string_view command) {
  if (phone.empty()) {
    printError(command, "--phone is required");
    return std::nullopt;
  }
  core::NormalisedPhone normalised = core::normalisePhone(phone, session.country);
  if (!normalised.valid) {
    printError(command,
               "--phone is not a valid phone number for shop country '" + session.country + "'");
    return std::nullopt;
  }
  return normalised.value;
}

std::string subjectOf(const ShopSession& session, const std::string& e164) {
  return session.store->keys().hasher().hash("phone", e164);
}

std::optional<core::EpochMillis> timeOf(const ShopSession& session, const std::string& at,
                                        std::string_view command) {
  if (at.empty()) return session.store->clock().nowMillis();
  auto parsed = core::parseIso8601(at);
  if (!parsed.isOk() || at.back() != 'Z') {
    printError(command, "--at must be an ISO 8601 UTC time such as 2026-11-22T10:00:00Z");
    return std::nullopt;
  }
  return *parsed;
}

// Records one event and reports the outcome; the exit code.
int recordAndReport(ShopSession& session, ConsentEvent event, const std::string& e164,
                    std::string_view command) {
  auto outcome = session.store->database().queryTransaction([&](soci::session& s) {
    return session.ledger->record(s, session.shop.id, event, e164, nlohmann::json::object(),
                                  kActor);
  });
  if (!outcome.isOk()) {
    printError(command, outcome.status().message());
    return outcome.status().code() == core::Status::Code::kInvalidArgument ? kExitUsage
                                                                           : kExitFailure;
  }
  if (!outcome->recorded) {
    std::cout << "refused: " << outcome->rejected << " (audit record " << outcome->audit_seq
              << ")\n";
    return kExitFailure;
  }
  std::cout << "recorded consent event " << outcome->recorded->id << ": "
            << compliance::toString(event.status) << " (audit record " << outcome->audit_seq
            << ")\n";
  return kExitOk;
}

const char* stateName(ConsentState::Status status) {
  switch (status) {
    case ConsentState::Status::kOnay:
      return "ONAY";
    case ConsentState::Status::kRet:
      return "RET";
    case ConsentState::Status::kNone:
      break;
  }
  return "none";
}

}  // namespace

int consentShowCommand(const ConsentTarget& target, bool json) {
  constexpr std::string_view kCommand = "consent show";
  int exit_code = kExitOk;
  auto session = openShopSession(target.config_path, target.shop, kCommand, &exit_code);
  if (!session) return exit_code;
  auto e164 = e164Of(*session, target.phone, kCommand);
  if (!e164) return kExitUsage;
  const std::string subject = subjectOf(*session, *e164);
  auto events = session->store->database().querySession(
      [&](soci::session& s) { return session->ledger->history(s, session->shop.id, subject); });
  if (!events.isOk()) {
    printError(kCommand, events.status().toString());
    return kExitFailure;
  }
  ConsentState state = compliance::foldConsent(*events);
  Listing listing({"id", "event_at", "status", "type", "source", "capture", "purposes", "kvkk",
                   "verified", "named", "withdrawal", "audit"});
  for (const ConsentEvent& e : *events) {
    const std::string scope = compliance::formatPurposeScope(e.purpose_scope);
    std::string status(compliance::toString(e.status));
    if (e.evidence_only) status += " (evidence)";
    if (e.block_all) status += " (block all)";
    listing.add(
        {std::to_string(e.id), timeCell(e.event_at), status, e.event_type, e.source,
         e.capture_point, scope.empty() ? "all" : scope, e.kvkk_notice_version, yesNo(e.verified),
         yesNo(e.complete), e.withdrawal_channel, std::to_string(e.audit_seq)},
        {{"id", e.id},
         {"event_at", timeJson(e.event_at)},
         {"received_at", timeJson(e.received_at)},
         {"status", compliance::toString(e.status)},
         {"event_type", e.event_type},
         {"source", e.source},
         {"capture_point", e.capture_point},
         {"purpose_scope", scope},
         {"kvkk_notice_version", e.kvkk_notice_version},
         {"legal_basis", e.legal_basis},
         {"verified", e.verified},
         {"name_on_record", e.complete},
         {"evidence_only", e.evidence_only},
         {"block_all", e.block_all},
         {"withdrawal_channel", e.withdrawal_channel},
         {"audit_seq", e.audit_seq}});
  }
  if (json) {
    std::ostringstream printed;
    listing.print(printed, OutputFormat::kJson);
    nlohmann::json out = {{"shop", session->shop.name},
                          {"subject_ref", subject},
                          {"events", nlohmann::json::parse(printed.str())},
                          {"current",
                           {{"status", stateName(state.status)},
                            {"event_id", state.event_id},
                            {"since", timeJson(state.event_at)},
                            {"block_all", state.block_all}}}};
    std::cout << out.dump(2) << "\n";
  } else {
    listing.print(std::cout, OutputFormat::kTable);
    std::cout << "current: " << stateName(state.status);
    if (state.status != ConsentState::Status::kNone) {
      std::cout << " since " << timeCell(state.event_at) << " (event " << state.event_id << ")";
    }
    if (state.block_all) std::cout << ", block all";
    std::cout << "\n";
  }
  return events->empty() ? kExitFailure : kExitOk;
}

int consentGrantCommand(const ConsentGrantOptions& o) {
  constexpr std::string_view kCommand = "consent grant";
  int exit_code = kExitOk;
  auto session = openShopSession(o.target.config_path, o.target.shop, kCommand, &exit_code);
  if (!session) return exit_code;
  auto e164 = e164Of(*session, o.target.phone, kCommand);
  auto at = timeOf(*session, o.at, kCommand);
  auto scope = compliance::parsePurposeScope(o.purposes);
  auto recipient =
      compliance::parseRecipientType(o.recipient_type.empty() ? "BIREYSEL" : o.recipient_type);
  if (!e164 || !at) return kExitUsage;
  if (!scope.isOk()) {
    printError(kCommand, "--purposes: " + scope.status().message());
    return kExitUsage;
  }
  if (!recipient) {
    printError(kCommand, "--recipient-type must be BIREYSEL or TACIR");
    return kExitUsage;
  }
  ConsentEvent e;
  e.subject_ref = subjectOf(*session, *e164);
  e.status = compliance::ConsentStatus::kOnay;
  e.event_type = "GRANT";
  e.source = o.source;
  e.capture_point = o.capture_point.empty() ? "manual" : o.capture_point;
  e.purpose_scope = *scope;
  e.recipient_type = *recipient;
  e.kvkk_notice_version = o.kvkk_notice_version;
  e.consent_text_id = o.consent_text_id;
  e.consent_text_version = o.consent_text_version;
  e.consent_text_sha256 = o.consent_text_sha256;
  e.legal_basis = o.legal_basis;
  e.verified = o.verified;
  e.complete = o.name_on_record;
  e.event_at = *at;
  return recordAndReport(*session, std::move(e), *e164, kCommand);
}

int consentWithdrawCommand(const ConsentWithdrawOptions& o) {
  constexpr std::string_view kCommand = "consent withdraw";
  int exit_code = kExitOk;
  auto session = openShopSession(o.target.config_path, o.target.shop, kCommand, &exit_code);
  if (!session) return exit_code;
  auto e164 = e164Of(*session, o.target.phone, kCommand);
  auto at = timeOf(*session, o.at, kCommand);
  if (!e164 || !at) return kExitUsage;
  ConsentEvent e;
  e.subject_ref = subjectOf(*session, *e164);
  e.status = compliance::ConsentStatus::kRet;
  e.event_type = "WITHDRAW";
  // The shop's own decision to set RET is HS_KARAR in İYS terms.
  e.source = "HS_KARAR";
  e.capture_point = "manual";
  e.withdrawal_channel = o.channel.empty() ? "manual" : o.channel;
  e.block_all = o.block_all;
  e.event_at = *at;
  return recordAndReport(*session, std::move(e), *e164, kCommand);
}

int consentImportCommand(const std::string& config_path, const std::string& shop,
                         const std::string& file) {
  constexpr std::string_view kCommand = "consent import";
  if (file.empty()) {
    printError(kCommand, "FILE.csv is required");
    return kExitUsage;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    printError(kCommand, file + ": cannot be read");
    return kExitUsage;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int exit_code = kExitOk;
  auto session = openShopSession(config_path, shop, kCommand, &exit_code);
  if (!session) return exit_code;
  auto turkiye = core::TimeZone::load("Europe/Istanbul");
  if (!turkiye.isOk()) {
    printError(kCommand, "time zone Europe/Istanbul: " + turkiye.status().message());
    return kExitUsage;
  }
  auto rows = compliance::parseConsentCsv(text, *turkiye);
  if (!rows.isOk()) {
    printError(kCommand, file + ": " + rows.status().message());
    return kExitUsage;
  }
  int recorded = 0;
  int refused = 0;
  for (const compliance::ConsentImportRow& row : *rows) {
    auto refuse = [&](const std::string& why) {
      ++refused;
      std::cout << "line " << row.line << ": refused: " << why << "\n";
    };
    if (!row.error.empty()) {
      refuse(row.error);
      continue;
    }
    core::NormalisedPhone phone = core::normalisePhone(row.phone, session->country);
    if (!phone.valid) {
      refuse("phone is not a valid number for shop country '" + session->country + "'");
      continue;
    }
    ConsentEvent event = row.event;
    event.subject_ref = subjectOf(*session, phone.value);
    auto outcome = session->store->database().queryTransaction(
        [&](soci::session& s) -> core::Result<ConsentLedger::Outcome> {
          if (!row.affirmative) {
            // Rule 13: a pre-ticked box or silence is no consent; the
            // refusal itself is evidence, so it is audited.
            ConsentLedger::Outcome out;
            CARTRELAY_ASSIGN_OR_RETURN(
                out.audit_seq, session->ledger->reject(s, session->shop.id, event.subject_ref,
                                                       "CONSENT_NOT_AFFIRMATIVE", kActor));
            out.rejected = "CONSENT_NOT_AFFIRMATIVE";
            return out;
          }
          return session->ledger->record(s, session->shop.id, event, phone.value,
                                         nlohmann::json::object(), kActor);
        });
    if (!outcome.isOk()) {
      refuse(outcome.status().message());
    } else if (!outcome->recorded) {
      refuse(outcome->rejected);
    } else {
      ++recorded;
    }
  }
  std::cout << "imported " << recorded << ", refused " << refused << " of " << rows->size()
            << " rows into shop " << session->shop.name << "\n";
  return refused == 0 ? kExitOk : kExitFailure;
}

}  // namespace cartrelay::app::cli
