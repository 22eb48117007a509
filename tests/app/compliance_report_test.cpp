#include "app/cli/compliance_report.h"

#include <algorithm>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "app/config/loader.h"

namespace cartrelay::app::cli {
namespace {

using nlohmann::json;

// A TR shop on Shopify with a transfer basis, İYS on, every retention period
// set to a value different from its default, and one template per kind of
// purpose (including a transactional purpose in a MARKETING template).
const char kTurkish[] = R"([daemon]
listen = 127.0.0.1:9090
public_url = https://relay.example.com
database = sqlite:///tmp/x.db
key_dir = /etc/cartrelay/keys

[shop.istanbul]
platform = shopify
shop_domain = istanbul.myshopify.com
webhook_secret = s3cret
country = TR
currency = TRY

[compliance]
jurisdiction = TR
transfer_basis = standard_contract
iys = api
iys_username = api-user
iys_password = iys-password-never-shown
iys_code = 123456
iys_brand_code = 654321
retention.inbox = 3d
retention.inbox_quarantined = 12h
retention.carts = 14d
retention.message_content = 60d
retention.commercial_records = 1100d
retention.transactional_records = 400d
retention.consent_proof = 1200d
retention.orders = 500d
retention.inactive_customers = 800d
audit_anchor_file = /srv/anchors/cartrelay.jsonl

[template.cart_1h]
meta_name = abandoned_cart_1h
category = MARKETING
purpose = abandoned_cart
sender_id = İstanbul Mağaza
opt_out = RET yazın

[template.review]
meta_name = review_after_delivery
category = MARKETING
purpose = review_request
sender_id = İstanbul Mağaza
opt_out = RET yazın

[template.birthday]
meta_name = happy_birthday
category = MARKETING
purpose = greeting
sender_id = İstanbul Mağaza
opt_out = RET yazın

[template.shipped]
meta_name = order_shipped
category = UTILITY
purpose = shipping

[template.promo_receipt]
meta_name = receipt_with_offer
category = MARKETING
purpose = order_update
sender_id = İstanbul Mağaza
opt_out = RET yazın

[journey.abandoned_cart]
trigger = cart_abandoned
steps = 1h:cart_1h
)";

// An EU WooCommerce shop with defaults everywhere that matters: no transfer
// basis, İYS off, no anchor file.
const char kEuropean[] = R"([daemon]
listen = 127.0.0.1:9090
database = sqlite:///tmp/x.db

[shop.berlin]
platform = woocommerce
base_url = https://shop.example.de
webhook_secret = s3cret
country = DE
currency = EUR

[compliance]
jurisdiction = EU
retention.carts = 21d

[template.winback]
meta_name = we_miss_you
category = MARKETING
purpose = winback
sender_id = Berlin Shop
opt_out = Reply STOP
)";

json reportOf(const char* text) {
  config::LoadResult loaded = config::loadConfigText(text, "/etc/cartrelay/cartrelay.ini");
  std::string errors;
  for (const auto& e : loaded.errors) errors += e.toString() + "\n";
  EXPECT_TRUE(loaded.config) << errors;
  if (!loaded.config) return json::object();
  return buildComplianceReport(*loaded.config);
}

const json* findByKey(const json& list, const std::string& key) {
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const json& item) { return item.value("key", "") == key; });
  return it == list.end() ? nullptr : &*it;
}

std::string textOf(const json& report) {
  std::ostringstream out;
  printComplianceReportText(report, out);
  return out.str();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(ComplianceReport, EveryRetentionPeriodAppearsInDaysWithItsBasis) {
  json report = reportOf(kTurkish);
  const json& retention = report.at("retention");
  const std::pair<const char*, json> expected[] = {
      {"inbox", 3},
      {"inbox_quarantined", 0.5},
      {"carts", 14},
      {"message_content", 60},
      {"commercial_records", 1100},
      {"transactional_records", 400},
      {"consent_proof", 1200},
      {"orders", 500},
      {"inactive_customers", 800},
  };
  for (const auto& [key, days] : expected) {
    const json* row = findByKey(retention, key);
    ASSERT_NE(row, nullptr) << key;
    EXPECT_EQ(row->at("days"), days) << key;
    EXPECT_EQ(row->at("config_key"), "compliance.retention." + std::string(key));
    EXPECT_FALSE(row->at("legal_basis").get<std::string>().empty()) << key;
    EXPECT_FALSE(row->at("data_class").get<std::string>().empty()) << key;
  }
  EXPECT_EQ(findByKey(retention, "inbox_quarantined")->at("period_ms"), 12 * 3600 * 1000);
  EXPECT_TRUE(contains(findByKey(retention, "commercial_records")->at("legal_basis"), "Art. 12"));
  EXPECT_EQ(findByKey(retention, "commercial_records")->at("basis_kind"), "TR-LAW V2");

  // The fixed ones, with no configured period.
  for (const char* key : {"audit_log", "suppression_list", "destruction_records"}) {
    const json* row = findByKey(retention, key);
    ASSERT_NE(row, nullptr) << key;
    EXPECT_TRUE(row->at("days").is_null()) << key;
    EXPECT_TRUE(row->at("config_key").is_null()) << key;
  }
  EXPECT_TRUE(contains(findByKey(retention, "audit_log")->at("period"), "never pruned"));
  EXPECT_TRUE(contains(findByKey(retention, "destruction_records")->at("period"), "3 years"));

  std::string text = textOf(report);
  EXPECT_TRUE(contains(text, "14 days after the cart's last activity")) << text;
  EXPECT_TRUE(contains(text, "1100 days from the record date")) << text;
  EXPECT_TRUE(contains(text, "0.50 days (12 h) after quarantine")) << text;
  EXPECT_TRUE(contains(text, "compliance.retention.inactive_customers")) << text;
}

TEST(ComplianceReport, TurkishShopRecordsTransferBasisAndIys) {
  json report = reportOf(kTurkish);
  EXPECT_EQ(report.at("controller").at("jurisdiction"), "TR");
  EXPECT_TRUE(contains(report.at("controller").at("laws").dump(), "6563"));
  const json& shop = report.at("controller").at("shops").at(0);
  EXPECT_EQ(shop.at("name"), "istanbul");
  EXPECT_EQ(shop.at("platform"), "shopify");
  EXPECT_EQ(shop.at("country"), "TR");
  EXPECT_EQ(shop.at("site"), "istanbul.myshopify.com");

  const json& transfer = report.at("transfers").at(0);
  EXPECT_TRUE(transfer.at("recorded").get<bool>());
  EXPECT_EQ(transfer.at("transfer_basis"), "standard_contract");
  EXPECT_TRUE(contains(transfer.at("basis"), "standard contract"));
  EXPECT_TRUE(contains(transfer.at("law"), "KVKK Art. 9"));

  const json& recipients = report.at("recipients");
  ASSERT_NE(findByKey(recipients, "meta"), nullptr);
  EXPECT_EQ(findByKey(recipients, "meta")->at("role"), "processor");
  ASSERT_NE(findByKey(recipients, "iys"), nullptr);
  ASSERT_NE(findByKey(recipients, "shop.istanbul"), nullptr);
  EXPECT_TRUE(contains(findByKey(recipients, "shop.istanbul")->at("name"), "Shopify"));

  const json* anchor = findByKey(report.at("security_measures"), "audit_anchor");
  ASSERT_NE(anchor, nullptr);
  EXPECT_TRUE(contains(anchor->at("detail"), "/srv/anchors/cartrelay.jsonl"));
  const json* keys = findByKey(report.at("security_measures"), "key_files");
  EXPECT_TRUE(contains(keys->at("detail"), "/etc/cartrelay/keys"));

  // Secrets never appear, only whether they are set.
  EXPECT_FALSE(contains(report.dump(), "s3cret"));
  EXPECT_FALSE(contains(textOf(report), "s3cret"));
  EXPECT_FALSE(contains(report.dump(), "iys-password-never-shown"));
  EXPECT_FALSE(contains(textOf(report), "iys-password-never-shown"));
}

TEST(ComplianceReport, TemplatesAndJourneysAreListedUnderTheirPurpose) {
  json report = reportOf(kTurkish);
  const json& purposes = report.at("purposes");
  ASSERT_EQ(purposes.size(), 8u);

  auto templateNames = [&](const std::string& key) {
    std::vector<std::string> names;
    for (const auto& t : findByKey(purposes, key)->at("templates"))
      names.push_back(t.at("name").get<std::string>());
    std::sort(names.begin(), names.end());
    return names;
  };
  EXPECT_EQ(templateNames("abandoned_cart_reminders"), std::vector<std::string>{"cart_1h"});
  EXPECT_EQ(templateNames("review_requests"), std::vector<std::string>{"review"});
  EXPECT_EQ(templateNames("birthday_loyalty"), std::vector<std::string>{"birthday"});
  EXPECT_EQ(templateNames("transactional_notices"),
            (std::vector<std::string>{"promo_receipt", "shipped"}));
  EXPECT_TRUE(templateNames("win_back").empty());
  EXPECT_TRUE(templateNames("consent_management").empty());

  const json* cart = findByKey(purposes, "abandoned_cart_reminders");
  EXPECT_EQ(cart->at("class"), "COMMERCIAL");
  EXPECT_TRUE(contains(cart->at("legal_basis"), "ONAY"));
  EXPECT_TRUE(contains(cart->at("legal_basis"), "açık rıza"));
  EXPECT_EQ(cart->at("templates").at(0).at("meta_name"), "abandoned_cart_1h");
  EXPECT_EQ(cart->at("journeys").at(0).at("name"), "abandoned_cart");

  const json* transactional = findByKey(purposes, "transactional_notices");
  EXPECT_TRUE(contains(transactional->at("legal_basis"), "KVKK Art. 5(2)"));
  // Rule 39: the MARKETING category makes the order update commercial.
  for (const auto& t : transactional->at("templates")) {
    EXPECT_EQ(t.at("class"), t.at("name") == "promo_receipt" ? "COMMERCIAL" : "TRANSACTIONAL")
        << t.dump();
  }
  EXPECT_TRUE(contains(report.at("attention").dump(), "template.promo_receipt"));

  std::string text = textOf(report);
  EXPECT_TRUE(contains(text, "cart_1h (abandoned_cart_1h, MARKETING, abandoned_cart, COMMERCIAL)"))
      << text;
  EXPECT_TRUE(contains(text, "== Purposes and legal bases ==")) << text;
}

TEST(ComplianceReport, EuShopWithoutTransferBasisOrIys) {
  json report = reportOf(kEuropean);
  EXPECT_EQ(report.at("controller").at("jurisdiction"), "EU");
  EXPECT_TRUE(contains(report.at("controller").at("laws").dump(), "2016/679"));

  const json& transfer = report.at("transfers").at(0);
  EXPECT_FALSE(transfer.at("recorded").get<bool>());
  EXPECT_TRUE(transfer.at("transfer_basis").is_null());
  EXPECT_TRUE(contains(transfer.at("law"), "Chapter V"));

  EXPECT_EQ(findByKey(report.at("recipients"), "iys"), nullptr);
  ASSERT_NE(findByKey(report.at("recipients"), "shop.berlin"), nullptr);
  EXPECT_TRUE(
      contains(findByKey(report.at("recipients"), "shop.berlin")->at("name"), "WooCommerce"));

  const json* winback = findByKey(report.at("purposes"), "win_back");
  EXPECT_TRUE(contains(winback->at("legal_basis"), "6(1)(a)"));
  EXPECT_EQ(winback->at("templates").at(0).at("name"), "winback");
  EXPECT_TRUE(contains(findByKey(report.at("purposes"), "audit_accountability")->at("legal_basis"),
                       "6(1)(f)"));

  const json& retention = report.at("retention");
  EXPECT_EQ(findByKey(retention, "carts")->at("days"), 21);
  EXPECT_EQ(findByKey(retention, "inbox")->at("days"), 7);  // the default
  EXPECT_EQ(findByKey(retention, "consent_proof")->at("days"), 1095);

  const std::string attention = report.at("attention").dump();
  EXPECT_TRUE(contains(attention, "audit_anchor_file")) << attention;
  EXPECT_FALSE(contains(attention, "TRANSFER_BASIS_MISSING")) << attention;
  EXPECT_TRUE(
      contains(findByKey(report.at("security_measures"), "audit_anchor")->at("detail"), "NONE"));
}

TEST(ComplianceReport, MissingTurkishTransferBasisIsFlagged) {
  std::string text = kTurkish;
  text.replace(text.find("transfer_basis = standard_contract\n"),
               std::string("transfer_basis = standard_contract\n").size(), "");
  text.replace(text.find("iys = api\n"), std::string("iys = api\n").size(), "iys = off\n");
  json report = reportOf(text.c_str());

  const json& transfer = report.at("transfers").at(0);
  EXPECT_FALSE(transfer.at("recorded").get<bool>());
  EXPECT_EQ(transfer.at("basis"), "NOT RECORDED: TR sends are denied (TRANSFER_BASIS_MISSING)");
  EXPECT_TRUE(contains(report.at("attention").dump(), "TRANSFER_BASIS_MISSING"));
  EXPECT_TRUE(contains(report.at("attention").dump(), "compliance.iys = off"));
  EXPECT_EQ(findByKey(report.at("recipients"), "iys"), nullptr);

  std::string rendered = textOf(report);
  EXPECT_TRUE(contains(rendered, "NOT RECORDED: TR sends are denied (TRANSFER_BASIS_MISSING)"))
      << rendered;
}

TEST(ComplianceReport, DataCategoriesNameTheirProtection) {
  json turkish = reportOf(kTurkish);
  for (const char* key : {"identity", "contact", "address", "orders_carts", "consent_evidence",
                          "message_metadata", "raw_webhooks", "pseudonymous_hashes"}) {
    const json* category = findByKey(turkish.at("data_categories"), key);
    ASSERT_NE(category, nullptr) << key;
    EXPECT_FALSE(category->at("protection").get<std::string>().empty()) << key;
  }
  EXPECT_TRUE(contains(findByKey(turkish.at("data_categories"), "contact")->at("protection"),
                       "AES-256-GCM"));
  // Files with personal data in clear: Shopify's data-request exports (only
  // with a Shopify shop) and the sandbox log (only in sandbox mode).
  const json* exports = findByKey(turkish.at("data_categories"), "subject_exports");
  ASSERT_NE(exports, nullptr);
  EXPECT_TRUE(contains(exports->at("held_in"), "/exports/"));
  ASSERT_NE(findByKey(turkish.at("data_categories"), "sandbox_log"), nullptr);

  json european = reportOf(kEuropean);
  EXPECT_EQ(findByKey(european.at("data_categories"), "subject_exports"), nullptr);
}

TEST(ComplianceReport, ShopCountryOutsideTheJurisdictionIsFlagged) {
  std::string text = kEuropean;
  text.replace(text.find("country = DE"), std::string("country = DE").size(), "country = TR");
  const std::string attention = reportOf(text.c_str()).at("attention").dump();
  EXPECT_TRUE(contains(attention, "shop.berlin: country TR but compliance.jurisdiction = EU"))
      << attention;
  EXPECT_FALSE(contains(reportOf(kEuropean).at("attention").dump(), "shop.berlin"));
}

TEST(ComplianceReport, SameConfigurationGivesTheSameReport) {
  EXPECT_EQ(reportOf(kTurkish), reportOf(kTurkish));
}

TEST(ComplianceReport, TextHasEverySectionWithAlignedLabels) {
  std::string text = textOf(reportOf(kTurkish));
  for (const char* section :
       {"== Controller ==", "== Data subjects ==", "== Purposes and legal bases ==",
        "== Data categories ==", "== Recipients ==", "== International transfers ==",
        "== Retention ==", "== Security measures =="}) {
    EXPECT_TRUE(contains(text, section)) << section << "\n" << text;
  }
  // Records: the labels of one block share a width.
  EXPECT_TRUE(contains(text, "\nto:    Meta Platforms")) << text;
  EXPECT_TRUE(contains(text, "\njurisdiction: TR\n")) << text;
}

}  // namespace
}  // namespace cartrelay::app::cli
