#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/cli/compliance_report_sections.h"
#include "core/util/text.h"

// The report's retention table and security measures
// (compliance_report.h documents the keys).
namespace cartrelay::app::cli::report_detail {

bool isTr(const config::AppConfig& c) { return c.compliance.jurisdiction == "TR"; }

namespace {

using nlohmann::json;

// A whole number of days stays an integer so that scripts comparing against
// the configured "30d" need no rounding; only the inbox periods (which allow
// hours) can be fractional.
json daysJson(std::int64_t ms) {
  if (ms % kDayMs == 0) return ms / kDayMs;
  return static_cast<double>(ms) / static_cast<double>(kDayMs);
}

std::string daysText(std::int64_t ms) {
  if (ms % kDayMs == 0) {
    const std::int64_t days = ms / kDayMs;
    return std::to_string(days) + (days == 1 ? " day" : " days");
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f days", static_cast<double>(ms) / kDayMs);
  std::string exact = ms % kHourMs == 0 ? std::to_string(ms / kHourMs) + " h"
                                        : std::to_string(ms / 60'000) + " min";
  return std::string(buffer) + " (" + exact + ")";
}

std::string durationText(std::int64_t ms) {
  if (ms % kDayMs == 0) return daysText(ms);
  if (ms % kHourMs == 0) return std::to_string(ms / kHourMs) + " h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + " min";
  return std::to_string(ms / 1000) + " s";
}

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// ---- retention ------------------------------------------------------------

struct RetentionSpec {
  std::string_view key;
  std::int64_t config::ComplianceConfig::*period;
  std::string_view data_class;
  std::string_view starts;
  std::string_view basis_tr;
  std::string_view basis_eu;
  std::string_view kind_tr;
  std::string_view kind_eu;
};

constexpr std::string_view kStorageLimitation =
    "storage limitation, GDPR Art. 5(1)(e); KVKK Art. 4(2)(d), 7";
constexpr std::string_view kMinimisation =
    "minimisation and storage limitation, GDPR Art. 5(1)(c),(e); KVKK Art. 4(2)(ç),(d)";

// compliance-rules.md table (d); the inbox rows are cartrelay's own copies of
// the payloads, covered by the same minimisation principle.
constexpr std::array<RetentionSpec, 9> kRetention = {{
    {"inbox", &config::ComplianceConfig::retention_inbox_ms,
     "raw webhook and poll bodies, once processed", "after processing", kMinimisation,
     kMinimisation, "PRACTICE", "PRACTICE"},
    {"inbox_quarantined", &config::ComplianceConfig::retention_inbox_quarantined_ms,
     "raw bodies of quarantined events, kept for an operator to fix and retry", "after quarantine",
     kMinimisation, kMinimisation, "PRACTICE", "PRACTICE"},
    {"carts", &config::ComplianceConfig::retention_carts_ms, "abandoned carts not converted",
     "after the cart's last activity", kStorageLimitation, kStorageLimitation, "PRACTICE",
     "PRACTICE"},
    {"message_content", &config::ComplianceConfig::retention_message_content_ms,
     "rendered message content: recipient and template parameters (the send record stays)",
     "after the send decision", "minimisation, GDPR Art. 5(1)(c),(e); KVKK Art. 4(2)(ç)",
     "minimisation, GDPR Art. 5(1)(c),(e)", "PRACTICE", "PRACTICE"},
    {"commercial_records", &config::ComplianceConfig::retention_commercial_records_ms,
     "records of commercial messages: time, template, consent reference, İYS transaction, "
     "delivery status",
     "from the record date",
     "Regulation on Commercial Communication (RG 15.07.2015 No. 29417) Art. 12: 3 years",
     "accountability and proof of consent, GDPR Art. 5(2), 7(1); legal claims, Art. 17(3)(e)",
     "TR-LAW V2", "EU-LAW V1 (period: policy)"},
    {"transactional_records", &config::ComplianceConfig::retention_transactional_records_ms,
     "records of transactional messages (metadata)", "from the record date",
     "dispute support (KVKK Art. 5(2)(e))", "dispute support (GDPR Art. 17(3)(e))", "PRACTICE",
     "PRACTICE"},
    {"consent_proof", &config::ComplianceConfig::retention_consent_proof_ms,
     "consent events (ONAY/RET) with consent-text hash and İYS ids",
     "after the withdrawal (RET) or end of validity",
     "Regulation Art. 12: consent records kept 3 years from the end of validity; GDPR Art. 7(1) "
     "+ Art. 17(3)(b),(e)",
     "GDPR Art. 7(1) (demonstrate consent) + Art. 17(3)(b),(e); no fixed period (3 years is a "
     "policy choice)",
     "TR-LAW V2", "EU-LAW V1 (period: policy)"},
    {"orders", &config::ComplianceConfig::retention_orders_ms,
     "order copies in the daemon: ids, status, totals, items", "after the order was placed",
     "the shop keeps its legal books on its own platform (TTK Art. 82: 10 years; VUK: 5 years); "
     "the daemon's copy only serves journeys and attribution",
     "the shop keeps its legal books on its own platform; the daemon's copy only serves journeys "
     "and attribution",
     "PRACTICE", "PRACTICE"},
    {"inactive_customers", &config::ComplianceConfig::retention_inactive_customers_ms,
     "customer profiles with no activity (erased: the data key is destroyed)",
     "after the last activity", kStorageLimitation, kStorageLimitation, "PRACTICE", "PRACTICE"},
}};

}  // namespace

json retentionOf(const config::AppConfig& c) {
  const bool tr = isTr(c);
  json out = json::array();
  for (const auto& spec : kRetention) {
    const std::int64_t ms = c.compliance.*spec.period;
    out.push_back({
        {"key", spec.key},
        {"data_class", spec.data_class},
        {"config_key", "compliance.retention." + std::string(spec.key)},
        {"period_ms", ms},
        {"days", daysJson(ms)},
        {"period", daysText(ms) + " " + std::string(spec.starts)},
        {"legal_basis", tr ? spec.basis_tr : spec.basis_eu},
        {"basis_kind", tr ? spec.kind_tr : spec.kind_eu},
    });
  }
  auto fixed = [](std::string_view key, std::string_view data_class, std::string_view period,
                  std::string_view basis, std::string_view kind) {
    return json{{"key", key},           {"data_class", data_class}, {"config_key", nullptr},
                {"period_ms", nullptr}, {"days", nullptr},          {"period", period},
                {"legal_basis", basis}, {"basis_kind", kind}};
  };
  out.push_back(fixed("audit_log",
                      "audit chain records, signed checkpoints and anchors (no raw personal data)",
                      "kept; never pruned in this version",
                      tr ? "accountability; records of commercial messages (Regulation Art. 12: 3 "
                           "years); checkpoints hold no personal data"
                         : "accountability, GDPR Art. 5(2); checkpoints hold no personal data",
                      "DESIGN"));
  out.push_back(fixed("suppression_list", "suppression list: keyed phone hash and RET date",
                      "as long as the shop sends marketing",
                      "needed to honour an opt-out after erasure (compliance-rules.md rule 46)",
                      "PRACTICE / DESIGN"));
  out.push_back(fixed("destruction_records",
                      "records of erasure, destruction and anonymisation (audit chain)",
                      "in the audit chain: at least 3 years (kept)",
                      tr ? "By-law on Erasure, Destruction or Anonymisation Art. 7(1): at least "
                           "3 years"
                         : "accountability, GDPR Art. 5(2)",
                      tr ? "TR-LAW V2" : "DESIGN"));
  return out;
}

// ---- security measures ----------------------------------------------------

namespace {

std::string webhookDetail(const config::AppConfig& c) {
  std::vector<std::string> parts;
  for (const auto& shop : c.shops) {
    std::string part =
        "shop " + shop.name + ": " +
        (shop.platform == "shopify" ? "X-Shopify-Hmac-Sha256" : "X-WC-Webhook-Signature") +
        " (HMAC-SHA256 with its webhook_secret)";
    if (!shop.webhook_secret_previous.empty()) part += ", previous secret accepted while rotating";
    if (!shop.cart_webhook_token.empty()) {
      part += "; cart-plugin route /webhooks/cart/" + shop.name +
              "/<token> enabled (a secret token in the URL, no signature)";
    }
    parts.push_back(std::move(part));
  }
  parts.push_back(std::string("WhatsApp: X-Hub-Signature-256 with whatsapp.app_secret (") +
                  (c.whatsapp.app_secret.empty() ? "not set" : "set") + ")");
  return core::joinStrings(parts, "; ") +
         ". A bad signature is refused with 401 and never processed";
}

}  // namespace

json securityOf(const config::AppConfig& c, json* attention) {
  auto measure = [](std::string_view key, std::string_view name, std::string detail) {
    return json{{"key", key}, {"measure", name}, {"detail", std::move(detail)}};
  };
  json out = json::array();
  out.push_back(measure(
      "encryption_at_rest", "Encryption at rest",
      "AES-256-GCM under per-customer data keys (carts, consent events and inbox rows have their "
      "own): phone, e-mail, names, address except the country, birthday, cart recovery links, "
      "consent recipients and evidence, message recipients and parameters, raw webhook bodies. "
      "Erasure destroys the data key (crypto-shredding)"));
  out.push_back(measure("key_files", "Key files outside the database",
                        "master.key and lookup.key in " + c.daemon.key_dir +
                            ", the audit checkpoint key audit.key in " + c.daemon.state_dir +
                            "; readable only by the service, the daemon refuses keys readable "
                            "by others"));
  out.push_back(measure("pseudonymisation", "Keyed hashes instead of raw personal data",
                        "phone and e-mail are found by HMAC-SHA256 under lookup.key; the log, "
                        "the audit chain and the suppression list hold only these hashes"));
  out.push_back(measure("webhook_signatures", "Signature-verified webhooks", webhookDetail(c)));

  std::string transport = "inbound through a TLS proxy in front of " + c.daemon.listen.host + ":" +
                          std::to_string(c.daemon.listen.port);
  if (!c.daemon.public_url.empty()) transport += " (public URL " + c.daemon.public_url + ")";
  transport += "; outbound to Meta through " + c.whatsapp.api_base;
  if (!c.daemon.public_url.empty() && !startsWith(c.daemon.public_url, "https://")) {
    attention->push_back(
        "daemon.public_url is not https://: webhooks would carry personal data "
        "unencrypted");
  }
  out.push_back(measure("transport", "Encryption in transit (TLS)", std::move(transport)));

  out.push_back(measure(
      "audit_chain", "Tamper-evident audit chain",
      "every gate decision is appended in the same transaction as its outbox row, hash-chained "
      "(SHA-256) with no raw personal data; RFC 9162 Merkle checkpoints signed with a "
      "forward-evolving Ed25519 key (audit.key) every " +
          std::to_string(c.compliance.audit_checkpoint_entries) + " records and at least every " +
          durationText(c.compliance.audit_checkpoint_interval_ms) + " while records arrive"));
  if (c.compliance.audit_anchor_file.empty()) {
    attention->push_back(
        "compliance.audit_anchor_file is not set: checkpoints are anchored only "
        "in the daemon's log, so a wholly rewritten chain is harder to detect");
  }
  out.push_back(
      measure("audit_anchor", "Checkpoint anchor outside the database",
              c.compliance.audit_anchor_file.empty()
                  ? "NONE: checkpoints are anchored only in the daemon's log (journald)"
                  : "every signed checkpoint is appended to " + c.compliance.audit_anchor_file));
  out.push_back(measure("audit_verification", "Daily verification",
                        "the daemon verifies the whole chain at start and every 24 h; on failure "
                        "commercial sends are denied (AUDIT_INTEGRITY_FAILED). `cartrelay audit "
                        "verify` checks it on demand against the anchor file"));
  out.push_back(measure("destruction_job", "Periodic destruction job",
                        "runs at start and daily (the KVKK Deletion By-law Art. 11(2) allows at "
                        "most 6 months), and now with `cartrelay retention run`: deletes or "
                        "anonymises data past the retention periods above and records each "
                        "destruction in the audit chain; raw webhook bodies are swept by the "
                        "inbox on their own periods"));
  out.push_back(
      measure("data_subject_rights", "Data-subject requests",
              std::string("`cartrelay subject export` (access, portability) and `cartrelay subject "
                          "erase` (erasure), by --phone, --email or --customer; both audited. ") +
                  (isTr(c) ? "Answer within 30 days (KVKK Art. 11, 13(2))"
                           : "Answer within one month (GDPR Art. 12(3), 15, 17, 20)")));
  out.push_back(measure("opt_out", "Immediate opt-out",
                        "an inbound reply matching one of " +
                            core::joinStrings(c.compliance.opt_out_keywords, ", ") +
                            " withdraws consent at once; commercial sends stop"));
  out.push_back(measure("admin_access", "Admin API and dashboard",
                        c.daemon.admin_token.empty()
                            ? "disabled (no daemon.admin_token)"
                            : "bearer token required (daemon.admin_token set)"));
  return out;
}

}  // namespace cartrelay::app::cli::report_detail
