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
#include "app/cli/compliance_report_sections.h"
#include "app/cli/table_output.h"
#include "compliance/purpose.h"

namespace cartrelay::app::cli {

using report_detail::isTr;
using report_detail::kDayMs;

namespace {

using nlohmann::json;

json nullIfEmpty(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

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
               "time, journey, step, template, gate decision and reason, delivery status, "
               "clicks on tracked links; recipient, template parameters and link targets",
               "messages (outbox), tracked links",
               "recipient, parameters and link targets AES-256-GCM under the message's key, "
               "cleared after compliance.retention.message_content (a link's target also when "
               "the link expires, whatsapp.link_ttl); links are found by the SHA-256 of their "
               "token; the rest kept as the send record"),
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
  report["retention"] = report_detail::retentionOf(config);
  report["security_measures"] = report_detail::securityOf(config, &attention);
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
