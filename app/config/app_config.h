#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/config/values.h"
#include "connectors/whatsapp/message_request.h"

namespace cartrelay::app::config {

// Typed configuration, built once by the loader (app/config/loader.h) and
// handed to components by const reference. Secrets hold their resolved value
// (a "file:" secret has been read). Durations are milliseconds, sizes bytes.

struct DaemonConfig {
  ListenAddress listen;
  std::string public_url;
  std::string state_dir;
  std::string database_url;
  std::string database_password;
  int database_pool_size = 4;
  std::string key_dir;
  std::string timezone;
  std::string admin_token;
  std::int64_t max_body_bytes = 0;
  std::int64_t read_timeout_ms = 0;
  int http_threads = 16;
  std::int64_t shutdown_timeout_ms = 0;
  std::string log_level;
};

struct ShopConfig {
  std::string name;      // the NAME of [shop.NAME]
  std::string platform;  // "shopify" | "woocommerce"
  std::string shop_domain;
  std::string base_url;
  std::string webhook_secret;
  std::string webhook_secret_previous;
  std::string api_token;
  std::string consumer_key;
  std::string consumer_secret;
  std::string country;
  std::string currency;
  std::string timezone;
  std::int64_t poll_interval_ms = 0;
  int backfill_days = 0;
  std::string api_version;              // Shopify Admin API version, "2026-07"
  std::string admin_api_url;            // Shopify: empty = https://<shop_domain>
  std::string consent_meta_key;         // WooCommerce: meta key of the WhatsApp opt-in
  bool consent_capture_counts = false;  // consent_capture = consent
  std::string consent_kvkk_notice;
  std::string cart_webhook_token;  // empty = /webhooks/cart/<shop>/... disabled
};

struct WhatsAppConfig {
  std::string mode;  // "sandbox" | "live"
  std::string api_base;
  std::string api_version;
  std::string phone_number_id;
  std::string waba_id;
  std::string access_token;
  std::string app_secret;
  std::string verify_token;
  int max_messages_per_second = 80;
  int daily_unique_recipients = 250;
  std::string sandbox_log;
  std::int64_t template_sync_interval_ms = 0;
  std::int64_t link_ttl_ms = 0;  // how long a tracked link works
};

struct ComplianceConfig {
  std::string jurisdiction;    // "TR" | "EU"
  std::string transfer_basis;  // empty = not recorded
  TimeWindow quiet_hours;
  int max_per_day = 1;
  int max_per_week = 3;
  std::vector<std::string> opt_out_keywords;
  std::vector<std::string> opt_in_keywords;
  std::string opt_out_confirmation;  // the free-form reply to an opt-out; "" = none
  std::string iys;                   // "off" | "api"
  std::string iys_url;
  std::string iys_username;
  std::string iys_password;
  std::string iys_code;
  std::string iys_brand_code;
  std::int64_t iys_max_staleness_ms = 0;
  std::int64_t iys_sync_interval_ms = 0;
  std::int64_t retention_inbox_ms = 0;
  std::int64_t retention_inbox_quarantined_ms = 0;
  std::int64_t retention_carts_ms = 0;
  std::int64_t retention_message_content_ms = 0;
  std::int64_t retention_commercial_records_ms = 0;
  std::int64_t retention_transactional_records_ms = 0;
  std::int64_t retention_consent_proof_ms = 0;
  std::int64_t retention_orders_ms = 0;
  std::int64_t retention_inactive_customers_ms = 0;
  std::string audit_anchor_file;  // absolute, or empty = log only
  std::int64_t audit_checkpoint_entries = 1000;
  std::int64_t audit_checkpoint_interval_ms = 0;
};

struct TemplateConfig {
  std::string name;
  std::string meta_name;
  std::string language;
  std::string category;  // MARKETING | UTILITY | AUTHENTICATION
  std::string purpose;   // compliance::Purpose text form
  std::string sender_id;
  std::string opt_out;
  // How the template's parameters, header and buttons are sent
  // (parameter_format, body_params, header, buttons); meta_name and
  // language are filled in too.
  whatsapp::TemplateLayout layout;
};

struct JourneyStep {
  std::int64_t delay_ms = 0;
  std::string template_name;
};

struct JourneyConfig {
  std::string name;
  bool enabled = true;
  std::string trigger;
  std::vector<JourneyStep> steps;
};

struct SegmentConfig {
  std::string name;
  std::string expr;
  std::string description;
};

struct AppConfig {
  std::string source_path;    // the INI file it came from
  std::string source_sha256;  // hex SHA-256 of its text (recorded in the audit chain)
  DaemonConfig daemon;
  std::vector<ShopConfig> shops;
  WhatsAppConfig whatsapp;
  ComplianceConfig compliance;
  std::vector<TemplateConfig> templates;
  std::vector<JourneyConfig> journeys;
  std::vector<SegmentConfig> segments;
};

}  // namespace cartrelay::app::config
