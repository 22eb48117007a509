#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/config/app_config.h"

// `cartrelay compliance report [--json]`: the record of processing activities
// (GDPR Art. 30) and the data inventory with its retention table (KVKK VERBİS
// and the retention and destruction policy), compliance-rules.md rules 51-52.
//
// Everything in it comes from the configuration and from what this version
// of cartrelay does with personal data; nothing is read from the database, so
// the report can be produced before the daemon ever ran. It is paperwork for
// the shop's DPO, not legal advice: the legal bases quoted are those of
// compliance-rules.md, whose Turkish items still need a lawyer's review.
namespace cartrelay::app::cli {

// Builds the report from `config`. Pure: no I/O, no clock, no secrets (a
// secret is only ever reported as set or not set), so the same configuration
// always gives the same document.
//
// The document is one JSON object with these keys (snake_case, stable; lists
// keep the order shown in the text output):
//   "title"             string
//   "config"            {"path", "sha256"}: the INI file it was built from
//   "controller"        {"jurisdiction": "TR"|"EU", "laws": [string],
//                        "role": string, "shops": [{"name", "platform",
//                        "country", "currency", "site", "consent_capture",
//                        "kvkk_notice", "intake"}]}
//   "data_subjects"     [string]
//   "purposes"          [{"key", "name", "class" (COMMERCIAL | TRANSACTIONAL |
//                        ACCOUNTABILITY), "legal_basis", "templates":
//                        [{"name", "meta_name", "language", "category",
//                        "purpose", "class"}], "journeys": [{"name",
//                        "trigger", "enabled"}]}]
//                       keys: abandoned_cart_reminders, review_requests,
//                       win_back, birthday_loyalty, campaigns,
//                       transactional_notices, consent_management,
//                       audit_accountability (always all eight, in this order)
//   "data_categories"   [{"key", "name", "data", "held_in", "protection"}]:
//                       identity, contact, address, orders_carts,
//                       consent_evidence, message_metadata, raw_webhooks,
//                       pseudonymous_hashes; then "subject_exports" when a
//                       shop is on Shopify and "sandbox_log" in sandbox mode
//                       (files that hold personal data in clear)
//   "recipients"        [{"key", "name", "role", "data", "status"}]: "meta",
//                       "iys" (only with compliance.iys = api), then one
//                       "shop.<NAME>" per shop (the source of the data)
//   "transfers"         [{"key", "destination", "data", "law", "recorded"
//                        (bool), "transfer_basis" (the configured value or
//                        null), "basis"}]
//   "retention"         [{"key", "data_class", "config_key" (or null),
//                        "period_ms" (or null), "days" (number or null),
//                        "period", "legal_basis", "basis_kind"}]: the nine
//                       compliance.retention.* periods, then audit_log,
//                       suppression_list and destruction_records
//   "security_measures" [{"key", "measure", "detail"}]
//   "attention"         [string]: gaps a DPO should act on (missing
//                       transfer basis, no anchor file, ...); may be empty
// A period that is a whole number of days has an integer "days"; otherwise
// (the inbox periods allow hours) a fractional one.
nlohmann::json buildComplianceReport(const config::AppConfig& config);

// Writes a report built by buildComplianceReport as text: a title, then one
// section per key above with aligned "label: value" records
// (table_output.h's Listing, so control characters in configured names
// cannot break the layout). Lists inside a record are joined on one line.
void printComplianceReportText(const nlohmann::json& report, std::ostream& out);

// The command: loads `config_path` (problems on stderr as "section.key:
// message") and prints the report on stdout, as text or, with `json`, as the
// pretty-printed object. Never opens the database or the key files.
// Returns 0, or 2 for a configuration error.
int complianceReportCommand(const std::string& config_path, bool json);

}  // namespace cartrelay::app::cli
