#include "app/cli/compliance_report.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "app/cli/command_support.h"
#include "app/cli/table_output.h"
#include "compliance/purpose.h"

namespace cartrelay::app::cli {
namespace {

using nlohmann::json;

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

bool isTr(const config::AppConfig& c) { return c.compliance.jurisdiction == "TR"; }

json nullIfEmpty(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

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

// EU and EEA member states (ISO 3166-1 alpha-2), for the jurisdiction check:
// compliance-rules.md applies the EU rules when the shop is established there.
bool isEuOrEea(std::string_view country) {
  static const std::set<std::string_view> kCountries = {
      "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
      "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"};
  return kCountries.count(country) > 0;
}

// ---- controller -----------------------------------------------------------

json lawsOf(const config::AppConfig& c) {
  if (isTr(c)) {
    return json::array(
        {"KVKK: Law No. 6698 on the Protection of Personal Data",
         "Law No. 6563 on the Regulation of Electronic Commerce and the Regulation on Commercial "
         "Communication and Commercial Electronic Messages (RG 15.07.2015 No. 29417), with İYS",
         "By-law on Erasure, Destruction or Anonymisation of Personal Data (RG 28.10.2017 No. "
         "30224)",
         "By-law on the Transfer of Personal Data Abroad (RG 10.07.2024 No. 32598)"});
  }
  return json::array({"GDPR: Regulation (EU) 2016/679",
                      "ePrivacy Directive 2002/58/EC Art. 13, as transposed by the member state"});
}

std::string siteOf(const config::ShopConfig& shop) {
  return shop.platform == "shopify" ? shop.shop_domain : shop.base_url;
}

bool pollingConfigured(const config::ShopConfig& shop) {
  if (shop.platform == "shopify") return !shop.api_token.empty();
  return !shop.consumer_key.empty() && !shop.consumer_secret.empty();
}

json controllerOf(const config::AppConfig& c, json* attention) {
  json shops = json::array();
  for (const auto& shop : c.shops) {
    shops.push_back({
        {"name", shop.name},
        {"platform", shop.platform},
        {"country", shop.country},
        {"currency", shop.currency},
        {"site", nullIfEmpty(siteOf(shop))},
        {"consent_capture",
         shop.consent_capture_counts
             ? "consent: the platform's WhatsApp opt-in counts as consent"
             : "evidence: the platform's WhatsApp opt-in is recorded, never sent on"},
        {"kvkk_notice", nullIfEmpty(shop.consent_kvkk_notice)},
        {"intake", pollingConfigured(shop) ? "signed webhooks and API polling"
                                           : "signed webhooks (no API credentials: no polling)"},
    });
    // The configuration names one rule set; compliance-rules.md applies the
    // other one too when the shop is established under it.
    if (!isTr(c) && shop.country == "TR") {
      attention->push_back("shop." + shop.name +
                           ": country TR but compliance.jurisdiction = EU; if the shop is "
                           "established in Türkiye or messages +90 numbers, KVKK and law 6563 "
                           "apply as well");
    } else if (isTr(c) && isEuOrEea(shop.country)) {
      attention->push_back("shop." + shop.name + ": country " + shop.country +
                           " but compliance.jurisdiction = TR; if the shop is established in the "
                           "EU/EEA or messages people there, the GDPR applies as well");
    }
  }
  return {
      {"jurisdiction", c.compliance.jurisdiction},
      {"laws", lawsOf(c)},
      {"role",
       "Each shop below is the controller. cartrelay runs on the shop's own server as part of "
       "the shop's processing; no third party operates it. The controller's and the DPO's name "
       "and contact details (GDPR Art. 30(1)(a)) are not in cartrelay's configuration: add "
       "them to this record."},
      {"shops", std::move(shops)},
  };
}

json dataSubjects() {
  return json::array({
      "customers of the shops (registered and guest) whose data the platform sends",
      "visitors who left contact details in a checkout they did not complete (abandoned carts)",
      "people who gave or withdrew consent to WhatsApp messages, including by a reply",
  });
}

// ---- purposes -------------------------------------------------------------

struct PurposeSpec {
  std::string_view key;
  std::string_view name;
  std::string_view klass;
  std::string_view basis_tr;
  std::string_view basis_eu;
};

// compliance-rules.md rules 2-7 (TR: Law 6563 Art. 6 and KVKK Art. 5) and
// 21 (EU: GDPR Art. 6(1)(a), ePrivacy Art. 13): every reminder purpose is
// commercial and needs consent; transactional notices rest on the contract.
constexpr std::string_view kCommercialTr =
    "Law 6563 Art. 6(1): prior consent (ONAY), registered in İYS; and KVKK Art. 5(1): explicit "
    "consent (açık rıza), given separately from the information notice (aydınlatma)";
constexpr std::string_view kCommercialEu =
    "GDPR Art. 6(1)(a) and Art. 7: consent; ePrivacy Directive Art. 13(1) (the soft opt-in of "
    "Art. 13(2) is not used)";

constexpr std::array<PurposeSpec, 8> kPurposes = {{
    {"abandoned_cart_reminders", "Abandoned-cart reminders", "COMMERCIAL", kCommercialTr,
     kCommercialEu},
    {"review_requests", "Review requests after delivery", "COMMERCIAL", kCommercialTr,
     kCommercialEu},
    {"win_back", "Win-back of inactive customers", "COMMERCIAL", kCommercialTr, kCommercialEu},
    {"birthday_loyalty", "Birthday greetings and loyalty offers", "COMMERCIAL", kCommercialTr,
     kCommercialEu},
    {"campaigns", "Campaigns", "COMMERCIAL", kCommercialTr, kCommercialEu},
    {"transactional_notices", "Transactional notices (order, shipping, payment)", "TRANSACTIONAL",
     "KVKK Art. 5(2)(c): necessary for the performance of the contract, and 5(2)(ç) for notices "
     "the law requires; Law 6563 Art. 6: no commercial-message consent needed",
     "GDPR Art. 6(1)(b): performance of the contract; Art. 6(1)(c) for notices the law requires"},
    {"consent_management", "Consent management: consents, withdrawals (RET), suppression",
     "ACCOUNTABILITY",
     "KVKK Art. 5(2)(ç): legal obligation (Law 6563 Art. 6-8, Regulation Art. 12: proof of "
     "consent for 3 years, honouring RET)",
     "GDPR Art. 6(1)(c): legal obligation (Art. 7(1): demonstrate consent; Art. 21(3): honour "
     "objections)"},
    {"audit_accountability",
     "Audit and accountability: tamper-evident record of every send decision", "ACCOUNTABILITY",
     "KVKK Art. 5(2)(ç): legal obligation (KVKK Art. 12 data security, Regulation Art. 12 "
     "records) and Art. 5(2)(f): legitimate interest",
     "GDPR Art. 6(1)(f): legitimate interest in accountability (Art. 5(2)); Art. 6(1)(c) where "
     "it proves consent (Art. 7(1))"},
}};

// Which report purpose a template's `purpose` belongs to. An unknown value
// (the loader rejects those) goes under campaigns: commercial, the
// conservative reading of rule 4.
std::string_view reportPurposeOf(std::string_view template_purpose) {
  if (template_purpose == "abandoned_cart") return "abandoned_cart_reminders";
  if (template_purpose == "review_request") return "review_requests";
  if (template_purpose == "winback") return "win_back";
  if (template_purpose == "loyalty" || template_purpose == "greeting") return "birthday_loyalty";
  if (template_purpose == "order_update" || template_purpose == "shipping" ||
      template_purpose == "payment") {
    return "transactional_notices";
  }
  return "campaigns";
}

// The class the gate gives the template (rules 1-4, 39), so a transactional
// purpose in a MARKETING template shows up as commercial here as it does
// there.
std::string templateClass(const config::TemplateConfig& t) {
  auto purpose = compliance::parsePurpose(t.purpose);
  auto category = compliance::parseTemplateCategory(t.category);
  if (!purpose || !category) return "COMMERCIAL";
  return std::string(compliance::toString(compliance::classifyPurpose(*purpose, *category)));
}

json purposesOf(const config::AppConfig& c, json* attention) {
  json out = json::array();
  for (const auto& spec : kPurposes) {
    json templates = json::array();
    std::set<std::string> template_names;
    for (const auto& t : c.templates) {
      if (reportPurposeOf(t.purpose) != spec.key) continue;
      template_names.insert(t.name);
      const std::string klass = templateClass(t);
      templates.push_back({{"name", t.name},
                           {"meta_name", t.meta_name},
                           {"language", t.language},
                           {"category", t.category},
                           {"purpose", t.purpose},
                           {"class", klass}});
      if (klass != spec.klass && spec.klass == "TRANSACTIONAL") {
        attention->push_back("template." + t.name + ": purpose " + t.purpose + " in a " +
                             t.category +
                             " template is commercial (rule 39): it needs consent like the "
                             "reminders");
      }
    }
    json journeys = json::array();
    for (const auto& j : c.journeys) {
      bool uses = false;
      for (const auto& step : j.steps) uses = uses || template_names.count(step.template_name) > 0;
      if (uses)
        journeys.push_back({{"name", j.name}, {"trigger", j.trigger}, {"enabled", j.enabled}});
    }
    out.push_back({
        {"key", spec.key},
        {"name", spec.name},
        {"class", spec.klass},
        {"legal_basis", isTr(c) ? spec.basis_tr : spec.basis_eu},
        {"templates", std::move(templates)},
        {"journeys", std::move(journeys)},
    });
  }
  return out;
}

// ---- data categories ------------------------------------------------------

// What the store keeps and how (DESIGN.md "PII at rest", core/model,
// compliance/subject_rights.h): a fact of this version, not configuration.
json dataCategories(const config::AppConfig& c, json* attention) {
  auto category = [](std::string_view key, std::string_view name, std::string_view data,
                     std::string_view held_in, std::string_view protection) {
    return json{{"key", key},
                {"name", name},
                {"data", data},
                {"held_in", held_in},
                {"protection", protection}};
  };
  constexpr std::string_view kCustomerKey =
      "AES-256-GCM under the customer's own data key (wrapped by master.key); erasure destroys "
      "the key";
  json out = json::array({
      category("identity", "Identity", "first and last name; birthday when the shop records it",
               "customer profiles; consent events (name of the consenting person)", kCustomerKey),
      category("contact", "Contact", "phone number (E.164), e-mail address",
               "customer profiles; consent events; messages (recipient)",
               "AES-256-GCM under the customer's data key; looked up only by keyed HMAC-SHA256 "
               "hashes (lookup.key), never stored in clear"),
      category("address", "Address", "street, city, province, postal code; country",
               "customer profiles",
               "AES-256-GCM under the customer's data key, except the country code (kept plain "
               "for the jurisdiction and segments)"),
      category("orders_carts", "Order and cart data",
               "items, totals, currency, status and times of carts and orders; the cart's "
               "recovery link",
               "carts, orders (linked to the customer record)",
               "kept in clear but tied to a person only through the encrypted customer "
               "record; the recovery link (a bearer link) is encrypted under the cart's data "
               "key"),
      category("consent_evidence", "Consent evidence",
               "status (ONAY/RET), dates, source, capture point, notice version, consent-text "
               "hash, İYS ids; recipient; capture evidence",
               "consent events (append-only)",
               "recipient and evidence AES-256-GCM under the subject's data key; linked by a "
               "keyed hash; cleared on erasure except the minimal proof"),
      category("message_metadata", "Message metadata",
               "time, journey, step, template, gate decision and reason, delivery status; "
               "recipient and template parameters",
               "messages (outbox)",
               "recipient and parameters AES-256-GCM, cleared after "
               "compliance.retention.message_content; the rest kept as the send record"),
      category(
          "raw_webhooks", "Raw webhook bodies",
          "payloads as received from the shops and Meta (may hold any of the above)", "inbox",
          "AES-256-GCM under a data key of their own; deleted after compliance.retention.inbox"),
      category("pseudonymous_hashes", "Pseudonymous keyed hashes",
               "HMAC-SHA256 of the normalised phone number and e-mail address",
               "daemon log (journald), audit chain, suppression list, lookup columns",
               "keyed with lookup.key, so not reversible without it; still pseudonymous personal "
               "data. The audit chain and the log hold no raw personal data"),
  });
  // Files outside the database that hold personal data in clear. Neither is
  // reached by the destruction job, so the report tells the operator to
  // delete them by hand.
  bool shopify = false;
  for (const auto& shop : c.shops) shopify = shopify || shop.platform == "shopify";
  if (shopify) {
    const std::string dir = c.daemon.state_dir + "/exports";
    out.push_back(category(
        "subject_exports", "Data-request exports",
        "everything held about one person, as JSON (answers to Shopify's customers/data_request)",
        dir + "/data-request-<id>.json",
        "plain JSON, mode 0600; not removed by the destruction job: delete each file once the "
        "merchant has handed it over"));
    attention->push_back("Shopify data requests are written in clear to " + dir +
                         "; delete each export once it has been handed over");
  }
  if (c.whatsapp.mode != "live") {
    out.push_back(category(
        "sandbox_log", "Sandbox message log",
        "one JSON line per cleared message: recipient phone number, template and parameters",
        c.whatsapp.sandbox_log,
        "plain JSON lines (nothing goes to Meta in sandbox mode); not removed by the destruction "
        "job: delete it after rehearsing"));
  }
  return out;
}

// ---- recipients and transfers ---------------------------------------------

json recipientsOf(const config::AppConfig& c) {
  json out = json::array();
  out.push_back({
      {"key", "meta"},
      {"name", "Meta Platforms (WhatsApp Cloud API)"},
      {"role", "processor"},
      {"data",
       "recipient phone number, template name and parameters of each message cleared by the "
       "gate; delivery statuses and replies come back"},
      {"status", c.whatsapp.mode == "live"
                     ? "live: messages are sent through " + c.whatsapp.api_base
                     : "sandbox: nothing is sent to Meta until whatsapp.mode = live; cleared "
                       "messages go to " +
                           c.whatsapp.sandbox_log + " instead"},
  });
  if (c.compliance.iys == "api") {
    out.push_back({
        {"key", "iys"},
        {"name", "İYS (İleti Yönetim Sistemi), the commercial-message registry"},
        {"role", "recipient by law (Law 6563, Regulation Art. 10/A)"},
        {"data",
         "phone number, consent status (ONAY/RET), consent date, source and recipient type"},
        {"status", "compliance.iys = api: consents are checked and registered"},
    });
  }
  for (const auto& shop : c.shops) {
    const std::string platform = shop.platform == "shopify" ? "Shopify" : "WooCommerce";
    std::string name = platform + " shop " + shop.name;
    if (!siteOf(shop).empty()) name += " (" + siteOf(shop) + ")";
    out.push_back({
        {"key", "shop." + shop.name},
        {"name", name},
        {"role", "source: the shop's own platform"},
        {"data", "customers, carts, orders and the platform's consent state, sent to cartrelay"},
        {"status", pollingConfigured(shop) ? "webhooks and API polling" : "webhooks"},
    });
  }
  return out;
}

// KVKK Art. 9 as amended by Law 7499 (rule 49): the names of the
// compliance.transfer_basis values.
std::string transferBasisText(const std::string& value) {
  if (value == "adequacy") return "adequacy decision of the Board (KVKK Art. 9(1))";
  if (value == "standard_contract") {
    return "standard contract (KVKK Art. 9(4)), notified to the Authority within 5 business "
           "days of signing";
  }
  if (value == "bcr") return "binding corporate rules approved by the Board (KVKK Art. 9(4))";
  if (value == "explicit_consent") {
    return "explicit consent of the person, a derogation for occasional transfers (KVKK Art. "
           "9(6))";
  }
  return value;
}

json transfersOf(const config::AppConfig& c, json* attention) {
  constexpr std::string_view kData = "phone number and message content of every message sent";
  json out = json::array();
  if (isTr(c)) {
    const bool recorded = !c.compliance.transfer_basis.empty();
    if (!recorded) {
      attention->push_back(
          "compliance.transfer_basis is not set: every TR send is denied "
          "(TRANSFER_BASIS_MISSING) until the KVKK Art. 9 basis is recorded");
    }
    out.push_back({
        {"key", "meta"},
        {"destination", "Meta Platforms (WhatsApp Cloud API), outside Türkiye"},
        {"data", kData},
        {"law",
         "KVKK Art. 9 as amended by Law 7499 (in force 1 June 2024); hosting on a Turkish server "
         "does not avoid this transfer"},
        {"recorded", recorded},
        {"transfer_basis", nullIfEmpty(c.compliance.transfer_basis)},
        {"basis", recorded ? transferBasisText(c.compliance.transfer_basis)
                           : "NOT RECORDED: TR sends are denied (TRANSFER_BASIS_MISSING)"},
    });
  } else {
    // Rule 50: the configuration has no key for the EU transfer tool yet, so
    // the report says where to record it rather than inventing one.
    attention->push_back(
        "EU: record Meta's data processing terms and the GDPR Chapter V transfer tool for the "
        "Meta leg in the shop's Art. 30 record; cartrelay's configuration does not hold them");
    out.push_back({
        {"key", "meta"},
        {"destination", "Meta Platforms (WhatsApp Cloud API), as processor or sub-processor"},
        {"data", kData},
        {"law",
         "GDPR Chapter V (Art. 44-49) for the Meta leg; the daemon itself keeps its data on the "
         "shop's server"},
        {"recorded", false},
        {"transfer_basis", nullptr},
        {"basis",
         "the transfer tool named in Meta's data processing terms; not recorded in the "
         "configuration"},
    });
  }
  return out;
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
  return join(parts, "; ") + ". A bad signature is refused with 401 and never processed";
}

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
                            join(c.compliance.opt_out_keywords, ", ") +
                            " withdraws consent at once; commercial sends stop"));
  out.push_back(measure("admin_access", "Admin API and dashboard",
                        c.daemon.admin_token.empty()
                            ? "disabled (no daemon.admin_token)"
                            : "bearer token required (daemon.admin_token set)"));
  return out;
}

}  // namespace

nlohmann::json buildComplianceReport(const config::AppConfig& config) {
  json attention = json::array();
  json report;
  report["title"] =
      "Record of processing activities (GDPR Art. 30) and data inventory (KVKK VERBİS)";
  report["config"] = {{"path", config.source_path}, {"sha256", config.source_sha256}};
  report["controller"] = controllerOf(config, &attention);
  report["data_subjects"] = dataSubjects();
  report["purposes"] = purposesOf(config, &attention);
  report["data_categories"] = dataCategories(config, &attention);
  report["recipients"] = recipientsOf(config);
  report["transfers"] = transfersOf(config, &attention);
  report["retention"] = retentionOf(config);
  report["security_measures"] = securityOf(config, &attention);
  if (isTr(config) && config.compliance.iys != "api") {
    attention.push_back(
        "compliance.iys = off: cartrelay neither checks nor registers consents in İYS; commercial "
        "consents must reach İYS within 3 business days by other means (rules 8, 10)");
  }
  report["attention"] = std::move(attention);
  return report;
}

int complianceReportCommand(const std::string& config_path, bool json_output) {
  auto config = loadOrReport(config_path);
  if (!config) return kExitUsage;
  const json report = buildComplianceReport(*config);
  if (json_output) {
    // Configured names and paths are the operator's text: never let invalid
    // UTF-8 in one of them abort the whole document.
    std::cout << report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    printComplianceReportText(report, std::cout);
  }
  return kExitOk;
}

}  // namespace cartrelay::app::cli
