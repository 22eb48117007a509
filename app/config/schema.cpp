#include "app/config/schema.h"

#include <array>
#include <limits>

namespace cartrelay::app::config {
namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = 1024 * kKiB;

using T = ValueType;

// The one table. examples/cartrelay.ini repeats each description as a comment
// (tests/app/config/example_ini_test.cpp checks that every key below appears
// there), and the package ships that file as documentation.
constexpr std::array kSchema = {
    // [daemon]
    KeySpec{"daemon", "listen", T::kListen, "127.0.0.1:8080", false, 0, 0, "",
            "Address and port of the HTTP server (webhooks, health, metrics). Put a TLS proxy "
            "in front of it; bind 0.0.0.0 only behind one."},
    KeySpec{"daemon", "public_url", T::kUrl, "", false, 0, 0, "",
            "External https:// base URL of this daemon, used in tracked links and webhook "
            "addresses shown to the operator."},
    KeySpec{"daemon", "state_dir", T::kString, "/var/lib/cartrelay", false, 0, 0, "",
            "Directory for the SQLite database, the sandbox log and other state."},
    KeySpec{"daemon", "database", T::kUrl, "sqlite:///var/lib/cartrelay/cartrelay.db", false, 0, 0,
            "",
            "Store URL: sqlite:///absolute/path.db (embedded, default) or "
            "mysql://user@host:3306/dbname (MariaDB >= 10.6 / MySQL >= 8)."},
    KeySpec{"daemon", "database_password", T::kSecret, "", false, 0, 0, "",
            "MariaDB password; overrides a password in the URL. Use file:/path to keep it out "
            "of this file."},
    KeySpec{"daemon", "database_pool_size", T::kInt, "4", false, 1, 64, "",
            "MariaDB connections kept open (SQLite always uses one serialised writer)."},
    KeySpec{"daemon", "key_dir", T::kString, "/etc/cartrelay/keys", false, 0, 0, "",
            "Directory holding master.key and lookup.key (created by `cartrelay keygen`)."},
    KeySpec{"daemon", "timezone", T::kTimezone, "Europe/Istanbul", false, 0, 0, "",
            "Time zone for reports and schedules that have no shop of their own."},
    KeySpec{"daemon", "admin_token", T::kSecret, "", false, 0, 0, "",
            "Bearer token for /api/v1 and the dashboard; at least 32 characters. Unset "
            "disables both."},
    KeySpec{"daemon", "max_body_bytes", T::kSize, "1MiB", false, 1 * kKiB, 64 * kMiB, "",
            "Largest request body accepted; larger requests get 413."},
    KeySpec{"daemon", "read_timeout", T::kDuration, "10s", false, 1 * kSecond, 5 * kMinute, "",
            "How long a client may take to send a request before the connection is closed."},
    KeySpec{"daemon", "http_threads", T::kInt, "16", false, 2, 256, "",
            "Worker threads of the HTTP server."},
    KeySpec{"daemon", "shutdown_timeout", T::kDuration, "5s", false, 1 * kSecond, 60 * kSecond, "",
            "How long a graceful stop waits for in-flight requests and workers."},
    KeySpec{"daemon", "log_level", T::kEnum, "info", false, 0, 0, "debug|info|warn|error",
            "Lowest level written to stderr (journald)."},

    // [shop.NAME]
    KeySpec{"shop.*", "platform", T::kEnum, "", true, 0, 0, "shopify|woocommerce",
            "Which platform this shop runs on."},
    KeySpec{"shop.*", "shop_domain", T::kString, "", false, 0, 0, "",
            "Shopify only: the shop's myshopify.com domain (e.g. example.myshopify.com)."},
    KeySpec{"shop.*", "base_url", T::kUrl, "", false, 0, 0, "",
            "WooCommerce only: the shop's https:// base URL (e.g. https://shop.example.com)."},
    KeySpec{"shop.*", "webhook_secret", T::kSecret, "", true, 0, 0, "",
            "Secret the platform signs webhooks with (Shopify app client secret, WooCommerce "
            "webhook secret)."},
    KeySpec{"shop.*", "webhook_secret_previous", T::kSecret, "", false, 0, 0, "",
            "Previous secret, still accepted while a rotation is under way."},
    KeySpec{"shop.*", "api_token", T::kSecret, "", false, 0, 0, "",
            "Shopify only: Admin API access token used for polling."},
    KeySpec{"shop.*", "consumer_key", T::kSecret, "", false, 0, 0, "",
            "WooCommerce only: REST API consumer key used for polling."},
    KeySpec{"shop.*", "consumer_secret", T::kSecret, "", false, 0, 0, "",
            "WooCommerce only: REST API consumer secret used for polling."},
    KeySpec{"shop.*", "country", T::kCountry, "TR", false, 0, 0, "",
            "Default region for phone numbers written without a country code."},
    KeySpec{"shop.*", "currency", T::kCurrency, "TRY", false, 0, 0, "",
            "The shop's currency (ISO 4217)."},
    KeySpec{"shop.*", "timezone", T::kTimezone, "Europe/Istanbul", false, 0, 0, "",
            "The shop's time zone (quiet hours fall back to it, reports use it)."},
    KeySpec{"shop.*", "poll_interval", T::kDuration, "5m", false, 5 * kSecond, 1 * kDay, "",
            "How often the platform's API is polled for what webhooks missed."},
    KeySpec{"shop.*", "backfill_days", T::kInt, "90", false, 0, 365, "",
            "How far back the first poll reaches."},
    KeySpec{"shop.*", "api_version", T::kString, "2026-07", false, 0, 0, "",
            "Shopify only: the pinned Admin API version (YYYY-MM)."},
    KeySpec{"shop.*", "admin_api_url", T::kUrl, "", false, 0, 0, "",
            "Shopify only: Admin API base URL; empty means https://<shop_domain>."},
    KeySpec{"shop.*", "consent_meta_key", T::kString, "", false, 0, 0, "",
            "WooCommerce only: order/customer meta key that records the shopper's WhatsApp "
            "opt-in (evidence for the consent ledger)."},
    KeySpec{"shop.*", "consent_capture", T::kEnum, "evidence", false, 0, 0, "evidence|consent",
            "What a WhatsApp opt-in collected by the shop's platform is: evidence only, or a "
            "consent (only when the storefront's opt-in meets the rules: its own heading, not "
            "pre-ticked, the KVKK notice shown separately)."},
    KeySpec{"shop.*", "consent_kvkk_notice", T::kString, "", false, 0, 0, "",
            "Version of the KVKK information notice the storefront shows next to its opt-in."},
    KeySpec{"shop.*", "cart_webhook_token", T::kSecret, "", false, 0, 0, "",
            "Token in the URL /webhooks/cart/<shop>/<token> for abandoned-cart plugins that "
            "cannot sign (CartFlows); at least 32 characters; empty disables the route."},

    // [whatsapp]
    KeySpec{"whatsapp", "mode", T::kEnum, "sandbox", false, 0, 0, "sandbox|live",
            "sandbox writes each cleared message to sandbox_log instead of calling Meta."},
    KeySpec{"whatsapp", "api_base", T::kUrl, "https://graph.facebook.com", false, 0, 0, "",
            "Graph API base URL."},
    KeySpec{"whatsapp", "api_version", T::kString, "v23.0", false, 0, 0, "",
            "Graph API version, e.g. v23.0."},
    KeySpec{"whatsapp", "phone_number_id", T::kString, "", false, 0, 0, "",
            "Business phone number id (live mode)."},
    KeySpec{"whatsapp", "waba_id", T::kString, "", false, 0, 0, "",
            "WhatsApp Business Account id (template sync, live mode)."},
    KeySpec{"whatsapp", "access_token", T::kSecret, "", false, 0, 0, "",
            "System-user access token (live mode); use file:/path."},
    KeySpec{"whatsapp", "app_secret", T::kSecret, "", false, 0, 0, "",
            "App secret that signs Meta's webhooks (X-Hub-Signature-256)."},
    KeySpec{"whatsapp", "verify_token", T::kSecret, "", false, 0, 0, "",
            "Token Meta echoes in the webhook verification handshake."},
    KeySpec{"whatsapp", "max_messages_per_second", T::kInt, "80", false, 1, 1000, "",
            "Send rate per business number."},
    KeySpec{"whatsapp", "daily_unique_recipients", T::kInt, "250", false, 1, 10000000, "",
            "The portfolio's messaging limit: unique recipients per rolling 24 h."},
    KeySpec{"whatsapp", "sandbox_log", T::kString, "/var/lib/cartrelay/sandbox.jsonl", false, 0, 0,
            "", "Sandbox mode: file that receives one JSON line per cleared message."},
    KeySpec{"whatsapp", "template_sync_interval", T::kDuration, "1h", false, 1 * kMinute, 1 * kDay,
            "", "Live mode with waba_id: how often the templates' status at Meta is read."},
    KeySpec{"whatsapp", "link_ttl", T::kDuration, "30d", false, 1 * kHour, 365 * kDay, "",
            "How long a tracked link (GET /r/TOKEN) works after its message was sent; later "
            "clicks get 404."},

    // [compliance]
    KeySpec{"compliance", "jurisdiction", T::kEnum, "TR", false, 0, 0, "TR|EU",
            "Which rule set the send gate applies: TR (KVKK, law 6563, IYS) or EU (GDPR, "
            "ePrivacy)."},
    KeySpec{"compliance", "transfer_basis", T::kEnum, "", false, 0, 0,
            "adequacy|standard_contract|bcr|explicit_consent",
            "KVKK Art. 9 basis for transferring data to Meta; TR sends are denied until set."},
    KeySpec{"compliance", "quiet_hours", T::kTimeWindow, "08:00-21:00", false, 0, 0, "",
            "Commercial messages only inside this window, recipient-local time."},
    KeySpec{"compliance", "max_per_day", T::kInt, "1", false, 0, 100, "",
            "Commercial messages per subject per rolling 24 h."},
    KeySpec{"compliance", "max_per_week", T::kInt, "3", false, 0, 700, "",
            "Commercial messages per subject per rolling 7 days."},
    KeySpec{"compliance", "opt_out_keywords", T::kList,
            "STOP, DUR, DURDUR, İPTAL, IPTAL, RET, ABONELİKTEN ÇIK", false, 0, 0, "",
            "Inbound replies that withdraw consent (case-insensitive, Turkish casing)."},
    KeySpec{"compliance", "opt_in_keywords", T::kList, "", false, 0, 0, "",
            "Inbound replies recorded as evidence of a wish to receive messages (not consent)."},
    KeySpec{"compliance", "opt_out_confirmation", T::kString,
            "Pazarlama mesajlarından çıkarıldınız, size artık kampanya mesajı göndermeyeceğiz. "
            "You have been unsubscribed from marketing messages.",
            false, 0, 0, "",
            "Free-form WhatsApp reply confirming an opt-out, sent once per withdrawal inside the "
            "24 h service window; empty = none."},
    KeySpec{"compliance", "iys", T::kEnum, "off", false, 0, 0, "off|api",
            "Check and register consents with IYS (api) or not (off)."},
    KeySpec{"compliance", "iys_url", T::kUrl, "https://api.iys.org.tr", false, 0, 0, "",
            "IYS API base URL (https://api.sandbox.iys.org.tr for IYS's sandbox)."},
    KeySpec{"compliance", "iys_username", T::kString, "", false, 0, 0, "",
            "IYS API user; required with iys = api."},
    KeySpec{"compliance", "iys_password", T::kSecret, "", false, 0, 0, "",
            "IYS API password (file:/path recommended); required with iys = api."},
    KeySpec{"compliance", "iys_code", T::kString, "", false, 0, 0, "",
            "The service provider's IYS number; required with iys = api."},
    KeySpec{"compliance", "iys_brand_code", T::kString, "", false, 0, 0, "",
            "The brand's IYS code (every configured shop is this brand); required with iys = "
            "api."},
    KeySpec{"compliance", "iys_max_staleness", T::kDuration, "1h", false, 60 * kSecond, 1 * kDay,
            "", "How old a checked IYS status may be before commercial sends ask IYS again."},
    KeySpec{"compliance", "iys_sync_interval", T::kDuration, "5m", false, 1 * kSecond, 1 * kDay, "",
            "How often consents are uploaded to IYS and IYS's changes pulled."},
    KeySpec{"compliance", "retention.inbox", T::kDuration, "7d", false, 1 * kHour, 365 * kDay, "",
            "Raw webhook bodies are deleted this long after they were processed."},
    KeySpec{"compliance", "retention.inbox_quarantined", T::kDuration, "30d", false, 1 * kHour,
            365 * kDay, "",
            "Quarantined webhook bodies are kept this long for an operator to retry them."},
    KeySpec{"compliance", "retention.carts", T::kDuration, "30d", false, 1 * kDay, 3650 * kDay, "",
            "Carts that did not become an order are deleted this long after their last "
            "activity."},
    KeySpec{"compliance", "retention.message_content", T::kDuration, "90d", false, 1 * kDay,
            3650 * kDay, "",
            "A message's recipient and template parameters are cleared this long after it was "
            "decided; the send record stays."},
    KeySpec{"compliance", "retention.commercial_records", T::kDuration, "1095d", false, 365 * kDay,
            3650 * kDay, "",
            "Records of commercial messages (time, template, consent, status) are kept this "
            "long (law 6563 regulation Art. 12: 3 years)."},
    KeySpec{"compliance", "retention.transactional_records", T::kDuration, "365d", false, 1 * kDay,
            3650 * kDay, "", "Records of transactional messages are kept this long."},
    KeySpec{"compliance", "retention.consent_proof", T::kDuration, "1095d", false, 365 * kDay,
            3650 * kDay, "",
            "After a withdrawal, the consent history is kept this long as proof (3 years), then "
            "deleted."},
    KeySpec{"compliance", "retention.orders", T::kDuration, "365d", false, 1 * kDay, 3650 * kDay,
            "", "Order copies are deleted this long after the order was placed."},
    KeySpec{"compliance", "retention.inactive_customers", T::kDuration, "730d", false, 30 * kDay,
            3650 * kDay, "",
            "A customer profile with no activity for this long is erased (its data key "
            "destroyed)."},
    KeySpec{"compliance", "audit_anchor_file", T::kString, "", false, 0, 0, "",
            "Append-only file that receives every signed audit checkpoint, best on another "
            "host or an append-only mount; `cartrelay audit verify` checks the chain against "
            "it. Empty: checkpoints are anchored only in the daemon's log."},
    KeySpec{"compliance", "audit_checkpoint_entries", T::kInt, "1000", false, 1, 1000000, "",
            "Sign an audit checkpoint after this many new audit records."},
    KeySpec{"compliance", "audit_checkpoint_interval", T::kDuration, "10m", false, 1000, 24 * kHour,
            "", "Sign an audit checkpoint at least this often while records arrive."},

    // [template.NAME]
    KeySpec{"template.*", "meta_name", T::kString, "", true, 0, 0, "",
            "Name of the approved template at Meta."},
    KeySpec{"template.*", "language", T::kString, "tr", false, 0, 0, "",
            "Template language code (tr, en_US, ...)."},
    KeySpec{"template.*", "category", T::kEnum, "MARKETING", false, 0, 0,
            "MARKETING|UTILITY|AUTHENTICATION", "Template category as registered at Meta."},
    KeySpec{"template.*", "purpose", T::kEnum, "campaign", false, 0, 0,
            "order_update|shipping|payment|abandoned_cart|review_request|winback|loyalty|"
            "campaign|greeting",
            "What the message is for; abandoned_cart, review_request, winback, loyalty, campaign "
            "and greeting are always commercial."},
    KeySpec{"template.*", "sender_id", T::kString, "", false, 0, 0, "",
            "How the template names the sender (trade name or IYS brand); required for "
            "commercial templates (law 6563 Art. 5)."},
    KeySpec{"template.*", "opt_out", T::kString, "", false, 0, 0, "",
            "The template's opt-out instruction or button text (\"Reply STOP to unsubscribe\"); "
            "required for commercial templates (law 6563 Art. 8, ePrivacy Art. 13)."},
    KeySpec{"template.*", "parameter_format", T::kEnum, "positional", false, 0, 0,
            "positional|named",
            "How the template's body placeholders are written at Meta: {{1}} (positional) or "
            "{{first_name}} (named)."},
    KeySpec{"template.*", "body_params", T::kString, "", false, 0, 0, "",
            "The body's parameters in placeholder order, comma-separated NAME[:text|currency|"
            "date_time|link]; each NAME is a send parameter (currency values are \"249.90 "
            "TRY\"; a link's value is the target URL, sent as a tracked link "
            "<public_url>/r/TOKEN)."},
    KeySpec{"template.*", "header", T::kString, "none", false, 0, 0, "",
            "The header's media: none, or image:PARAM, video:PARAM, document:PARAM where PARAM "
            "holds an https link."},
    KeySpec{"template.*", "buttons", T::kString, "", false, 0, 0, "",
            "The template's buttons in order, comma-separated: url:PARAM (PARAM holds the URL's "
            "dynamic suffix), tracked_url:PARAM (PARAM holds the target URL; the button's URL "
            "at Meta is <public_url>/r/{{1}} and the suffix sent is a tracked-link token) or "
            "quick_reply:PAYLOAD."},

    // [journey.NAME]
    KeySpec{"journey.*", "enabled", T::kBool, "true", false, 0, 0, "", "Whether the journey runs."},
    KeySpec{"journey.*", "trigger", T::kEnum, "", true, 0, 0,
            "cart_abandoned|order_fulfilled|customer_inactive|birthday|loyalty_tier",
            "The event that starts the journey."},
    KeySpec{"journey.*", "steps", T::kList, "", true, 0, 0, "",
            "Comma-separated DELAY:TEMPLATE steps, e.g. 1h:cart_1h, 24h:cart_24h."},

    // [segment.NAME]
    KeySpec{"segment.*", "expr", T::kString, "", true, 0, 0, "",
            "Segment expression over customer metrics."},
    KeySpec{"segment.*", "description", T::kString, "", false, 0, 0, "",
            "Shown in reports and the dashboard."},
};

bool matchesSection(std::string_view pattern, std::string_view section) {
  if (pattern.size() < 2 || pattern.substr(pattern.size() - 2) != ".*") return pattern == section;
  std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // "shop."
  if (section.size() <= prefix.size() || section.substr(0, prefix.size()) != prefix) return false;
  std::string_view name = section.substr(prefix.size());
  if (name.size() > 32) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::span<const KeySpec> schema() { return kSchema; }

const KeySpec* findKey(std::string_view section, std::string_view key) {
  for (const KeySpec& spec : kSchema) {
    if (spec.key == key && matchesSection(spec.section, section)) return &spec;
  }
  return nullptr;
}

bool isKnownSection(std::string_view section) {
  for (const KeySpec& spec : kSchema) {
    if (matchesSection(spec.section, section)) return true;
  }
  return false;
}

}  // namespace cartrelay::app::config
