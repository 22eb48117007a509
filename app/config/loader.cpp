#include "app/config/loader.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include <boost/program_options/errors.hpp>
#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>

#include "app/config/schema.h"
#include "compliance/purpose.h"
#include "core/util/crypto.h"
#include "core/util/secret_file.h"

namespace cartrelay::app::config {
namespace {

namespace po = boost::program_options;
using core::Status;

constexpr std::string_view kFilePrefix = "file:";
// Meta's limit for the body of a text message is 4096 characters; bytes
// are the conservative count.
constexpr std::size_t kMaxTextMessageBytes = 4096;

// section -> key -> raw value, in file order of sections.
using RawSections = std::map<std::string, std::map<std::string, std::string>>;

class Builder {
 public:
  Builder(RawSections raw, std::string base_dir, std::vector<ConfigError>* errors)
      : raw_(std::move(raw)), base_dir_(std::move(base_dir)), errors_(errors) {}

  // Every dynamic section NAME present for a pattern prefix such as "shop.".
  std::vector<std::string> namesWithPrefix(std::string_view prefix) const {
    std::vector<std::string> names;
    for (const auto& [section, keys] : raw_) {
      if (section.size() > prefix.size() && section.compare(0, prefix.size(), prefix) == 0) {
        names.push_back(section.substr(prefix.size()));
      }
    }
    return names;
  }

  // The value of section.key (the default when absent), validated against
  // the schema. An invalid value is reported and the default returned so
  // loading continues and every problem is listed.
  std::string text(const std::string& section, std::string_view key) {
    const KeySpec* spec = findKey(section, key);
    if (spec == nullptr) {
      report(section + "." + std::string(key), "internal: key missing from schema");
      return {};
    }
    auto sec = raw_.find(section);
    if (sec != raw_.end()) {
      auto it = sec->second.find(std::string(key));
      if (it != sec->second.end()) {
        Status ok = validateValue(*spec, it->second);
        if (ok.isOk() && it->second.empty() && spec->required) {
          ok = Status::invalidArgument("must not be empty");
        }
        if (ok.isOk()) return it->second;
        report(section + "." + std::string(key), ok.message());
        return std::string(spec->default_value);
      }
    }
    if (spec->required) report(section + "." + std::string(key), "required key is missing");
    return std::string(spec->default_value);
  }

  std::int64_t number(const std::string& section, std::string_view key) {
    auto v = parseInt(text(section, key));
    return v.isOk() ? *v : 0;
  }
  std::int64_t durationMs(const std::string& section, std::string_view key) {
    auto v = parseDurationMillis(text(section, key));
    return v.isOk() ? *v : 0;
  }
  std::int64_t sizeBytes(const std::string& section, std::string_view key) {
    auto v = parseSizeBytes(text(section, key));
    return v.isOk() ? *v : 0;
  }
  bool boolean(const std::string& section, std::string_view key) {
    auto v = parseBool(text(section, key));
    return v.isOk() && *v;
  }

  // A secret: literal text, or the content of "file:/path" after the
  // secret-file mode check. Messages name the path, never the content.
  std::string secret(const std::string& section, std::string_view key) {
    std::string value = text(section, key);
    if (value.compare(0, kFilePrefix.size(), kFilePrefix) != 0) return value;
    std::string path = path_of(value.substr(kFilePrefix.size()));
    auto content = core::readSecretFile(path);
    if (!content.isOk()) {
      report(section + "." + std::string(key), content.status().message());
      return {};
    }
    return *content;
  }

  // A filesystem path; relative paths are taken relative to the INI file's
  // directory so a configuration behaves the same from any working directory.
  std::string path(const std::string& section, std::string_view key) {
    return path_of(text(section, key));
  }

  // daemon.database with a relative sqlite path made absolute the same way.
  std::string databaseUrl(const std::string& section, std::string_view key) {
    std::string url = text(section, key);
    constexpr std::string_view kSqlite = "sqlite://";
    if (url.compare(0, kSqlite.size(), kSqlite) == 0) {
      std::string file = url.substr(kSqlite.size());
      if (file.empty()) {
        report(section + "." + std::string(key), "sqlite URL needs a file path");
        return url;
      }
      return std::string(kSqlite) + path_of(file);
    }
    if (url.compare(0, 8, "mysql://") != 0 && url.compare(0, 10, "mariadb://") != 0) {
      report(section + "." + std::string(key), "must start with sqlite://, mysql:// or mariadb://");
    }
    return url;
  }

  void report(std::string key, std::string message) {
    errors_->push_back(ConfigError{std::move(key), std::move(message)});
  }

 private:
  std::string path_of(const std::string& p) const {
    if (p.empty() || p.front() == '/') return p;
    return (std::filesystem::path(base_dir_) / p).lexically_normal().string();
  }

  RawSections raw_;
  std::string base_dir_;
  std::vector<ConfigError>* errors_;
};

// Boost.PO flattens "[shop.acme] platform" to "shop.acme.platform"; find the
// split into (section, key) that the schema knows. Keys may contain dots
// themselves ("compliance" / "retention.inbox").
bool splitKey(const std::string& flat, std::string* section, std::string* key) {
  std::string fallback_section;
  for (std::size_t dot = flat.find('.'); dot != std::string::npos; dot = flat.find('.', dot + 1)) {
    std::string s = flat.substr(0, dot);
    std::string k = flat.substr(dot + 1);
    if (findKey(s, k) != nullptr) {
      *section = s;
      *key = k;
      return true;
    }
    if (fallback_section.empty() && isKnownSection(s)) fallback_section = s;
  }
  *section = fallback_section;
  *key = fallback_section.empty() ? flat : flat.substr(fallback_section.size() + 1);
  return false;
}

// Keys that a setting makes necessary: each empty one is reported as
// "<section>.<key>: required for <because>".
void requireAll(Builder& b, const std::string& section, std::string_view because,
                std::initializer_list<std::pair<const char*, const std::string*>> keys) {
  for (const auto& [key, value] : keys) {
    if (value->empty()) b.report(section + "." + key, "required for " + std::string(because));
  }
}

// Rules 25, 30 and 38 (compliance-rules.md), checked when the configuration
// is loaded so a template that could never be sent lawfully is refused by
// `check-config` instead of at the first send.
// The parts of a template the Cloud API request is built from
// (connectors/whatsapp/message_request.h spells the syntax).
void readTemplateLayout(Builder& b, const std::string& section, TemplateConfig& t) {
  whatsapp::TemplateLayout& layout = t.layout;
  layout.meta_name = t.meta_name;
  layout.language = t.language;
  layout.named_params = b.text(section, "parameter_format") == "named";
  auto body = whatsapp::parseBodyParams(b.text(section, "body_params"));
  if (body.isOk()) {
    layout.body = std::move(body).value();
  } else {
    b.report(section + ".body_params", body.status().message());
  }
  auto buttons = whatsapp::parseButtons(b.text(section, "buttons"));
  if (buttons.isOk()) {
    layout.buttons = std::move(buttons).value();
  } else {
    b.report(section + ".buttons", buttons.status().message());
  }
  core::Status header = whatsapp::parseHeader(b.text(section, "header"), &layout);
  if (!header.isOk()) b.report(section + ".header", header.message());
}

// A tracked param carries a target URL that the gate turns into a link on
// daemon.public_url, so that base must be set, and the param must fill only
// its own slot: anywhere else the token or link would show instead of the
// value the slot expects.
void checkTrackedLinks(Builder& b, const std::string& section, const whatsapp::TemplateLayout& l,
                       const std::string& public_url) {
  std::map<std::string, int> uses;                           // param -> placeholders it fills
  std::vector<std::pair<std::string, std::string>> tracked;  // (param, key it is set in)
  for (const whatsapp::BodyParam& p : l.body) {
    ++uses[p.name];
    if (p.type == whatsapp::ParamType::kLink) tracked.emplace_back(p.name, "body_params");
  }
  for (const whatsapp::TemplateButton& button : l.buttons) {
    if (button.kind == whatsapp::TemplateButton::Kind::kQuickReply) continue;
    ++uses[button.value];
    if (button.kind == whatsapp::TemplateButton::Kind::kTrackedUrl) {
      tracked.emplace_back(button.value, "buttons");
    }
  }
  if (l.header != whatsapp::HeaderMedia::kNone) ++uses[l.header_param];
  for (const auto& [param, key] : tracked) {
    if (public_url.empty()) {
      b.report(section + "." + key, "tracked link '" + param +
                                        "' needs daemon.public_url (links go to <public_url>/r/)");
    }
    if (uses[param] > 1) {
      b.report(section + "." + key,
               "tracked link '" + param + "' must not fill any other placeholder of the template");
    }
  }
}

void checkCommercialTemplate(Builder& b, const std::string& section, const TemplateConfig& t) {
  auto purpose = compliance::parsePurpose(t.purpose);
  auto category = compliance::parseTemplateCategory(t.category);
  if (!purpose || !category) return;  // already reported as invalid values
  if (compliance::classifyPurpose(*purpose, *category) != compliance::PurposeClass::kCommercial) {
    return;
  }
  if (*category != compliance::TemplateCategory::kMarketing) {
    b.report(section + ".category",
             "purpose " + t.purpose + " is commercial: Meta requires category MARKETING");
  }
  if (t.sender_id.empty()) {
    b.report(section + ".sender_id",
             "a commercial template must name the sender (trade name or IYS brand)");
  }
  if (t.opt_out.empty()) {
    b.report(section + ".opt_out",
             "a commercial template must tell the recipient how to opt out for free");
  }
}

void buildTyped(Builder& b, AppConfig& c) {
  const std::string d = "daemon";
  auto listen = parseListen(b.text(d, "listen"));
  if (listen.isOk()) c.daemon.listen = *listen;
  c.daemon.public_url = b.text(d, "public_url");
  c.daemon.state_dir = b.path(d, "state_dir");
  c.daemon.database_url = b.databaseUrl(d, "database");
  c.daemon.database_password = b.secret(d, "database_password");
  c.daemon.database_pool_size = static_cast<int>(b.number(d, "database_pool_size"));
  c.daemon.key_dir = b.path(d, "key_dir");
  c.daemon.timezone = b.text(d, "timezone");
  c.daemon.admin_token = b.secret(d, "admin_token");
  if (!c.daemon.admin_token.empty() && c.daemon.admin_token.size() < 32) {
    b.report("daemon.admin_token", "must be at least 32 characters");
  }
  c.daemon.max_body_bytes = b.sizeBytes(d, "max_body_bytes");
  c.daemon.read_timeout_ms = b.durationMs(d, "read_timeout");
  c.daemon.http_threads = static_cast<int>(b.number(d, "http_threads"));
  c.daemon.shutdown_timeout_ms = b.durationMs(d, "shutdown_timeout");
  c.daemon.log_level = b.text(d, "log_level");

  for (const std::string& name : b.namesWithPrefix("shop.")) {
    const std::string s = "shop." + name;
    ShopConfig shop;
    shop.name = name;
    shop.platform = b.text(s, "platform");
    shop.shop_domain = b.text(s, "shop_domain");
    shop.base_url = b.text(s, "base_url");
    shop.webhook_secret = b.secret(s, "webhook_secret");
    shop.webhook_secret_previous = b.secret(s, "webhook_secret_previous");
    shop.api_token = b.secret(s, "api_token");
    shop.consumer_key = b.secret(s, "consumer_key");
    shop.consumer_secret = b.secret(s, "consumer_secret");
    shop.country = b.text(s, "country");
    shop.currency = b.text(s, "currency");
    shop.timezone = b.text(s, "timezone");
    shop.poll_interval_ms = b.durationMs(s, "poll_interval");
    shop.backfill_days = static_cast<int>(b.number(s, "backfill_days"));
    shop.api_version = b.text(s, "api_version");
    shop.admin_api_url = b.text(s, "admin_api_url");
    shop.consent_meta_key = b.text(s, "consent_meta_key");
    shop.consent_capture_counts = b.text(s, "consent_capture") == "consent";
    shop.consent_kvkk_notice = b.text(s, "consent_kvkk_notice");
    shop.cart_webhook_token = b.secret(s, "cart_webhook_token");
    if (!shop.cart_webhook_token.empty() && shop.cart_webhook_token.size() < 32) {
      b.report(s + ".cart_webhook_token", "must be at least 32 characters");
    }
    if (shop.platform == "shopify" && shop.shop_domain.empty()) {
      b.report(s + ".shop_domain", "required for platform = shopify");
    }
    if (shop.platform == "woocommerce" && shop.base_url.empty()) {
      b.report(s + ".base_url", "required for platform = woocommerce");
    }
    c.shops.push_back(std::move(shop));
  }

  const std::string w = "whatsapp";
  c.whatsapp.mode = b.text(w, "mode");
  c.whatsapp.api_base = b.text(w, "api_base");
  c.whatsapp.api_version = b.text(w, "api_version");
  c.whatsapp.phone_number_id = b.text(w, "phone_number_id");
  c.whatsapp.waba_id = b.text(w, "waba_id");
  c.whatsapp.access_token = b.secret(w, "access_token");
  c.whatsapp.app_secret = b.secret(w, "app_secret");
  c.whatsapp.verify_token = b.secret(w, "verify_token");
  c.whatsapp.max_messages_per_second = static_cast<int>(b.number(w, "max_messages_per_second"));
  c.whatsapp.daily_unique_recipients = static_cast<int>(b.number(w, "daily_unique_recipients"));
  c.whatsapp.sandbox_log = b.path(w, "sandbox_log");
  c.whatsapp.template_sync_interval_ms = b.durationMs(w, "template_sync_interval");
  c.whatsapp.link_ttl_ms = b.durationMs(w, "link_ttl");
  if (c.whatsapp.mode == "live") {
    requireAll(b, w, "mode = live",
               {{"phone_number_id", &c.whatsapp.phone_number_id},
                {"access_token", &c.whatsapp.access_token},
                {"app_secret", &c.whatsapp.app_secret}});
  }

  const std::string p = "compliance";
  c.compliance.jurisdiction = b.text(p, "jurisdiction");
  c.compliance.transfer_basis = b.text(p, "transfer_basis");
  auto window = parseTimeWindow(b.text(p, "quiet_hours"));
  if (window.isOk()) c.compliance.quiet_hours = *window;
  c.compliance.max_per_day = static_cast<int>(b.number(p, "max_per_day"));
  c.compliance.max_per_week = static_cast<int>(b.number(p, "max_per_week"));
  if (c.compliance.max_per_week < c.compliance.max_per_day) {
    b.report(p + ".max_per_week", "must not be smaller than max_per_day");
  }
  c.compliance.opt_out_keywords = parseList(b.text(p, "opt_out_keywords"));
  c.compliance.opt_in_keywords = parseList(b.text(p, "opt_in_keywords"));
  c.compliance.opt_out_confirmation = b.text(p, "opt_out_confirmation");
  if (c.compliance.opt_out_confirmation.size() > kMaxTextMessageBytes) {
    b.report(p + ".opt_out_confirmation",
             "is longer than a WhatsApp text message may be (4096 characters)");
  }
  c.compliance.iys = b.text(p, "iys");
  c.compliance.iys_url = b.text(p, "iys_url");
  c.compliance.iys_username = b.text(p, "iys_username");
  c.compliance.iys_password = b.secret(p, "iys_password");
  c.compliance.iys_code = b.text(p, "iys_code");
  c.compliance.iys_brand_code = b.text(p, "iys_brand_code");
  c.compliance.iys_max_staleness_ms = b.durationMs(p, "iys_max_staleness");
  c.compliance.iys_sync_interval_ms = b.durationMs(p, "iys_sync_interval");
  if (c.compliance.iys == "api") {
    requireAll(b, p, "iys = api",
               {{"iys_username", &c.compliance.iys_username},
                {"iys_password", &c.compliance.iys_password},
                {"iys_code", &c.compliance.iys_code},
                {"iys_brand_code", &c.compliance.iys_brand_code}});
  }
  c.compliance.retention_inbox_ms = b.durationMs(p, "retention.inbox");
  c.compliance.retention_inbox_quarantined_ms = b.durationMs(p, "retention.inbox_quarantined");
  c.compliance.retention_carts_ms = b.durationMs(p, "retention.carts");
  c.compliance.retention_message_content_ms = b.durationMs(p, "retention.message_content");
  c.compliance.retention_commercial_records_ms = b.durationMs(p, "retention.commercial_records");
  c.compliance.retention_transactional_records_ms =
      b.durationMs(p, "retention.transactional_records");
  c.compliance.retention_consent_proof_ms = b.durationMs(p, "retention.consent_proof");
  c.compliance.retention_orders_ms = b.durationMs(p, "retention.orders");
  c.compliance.retention_inactive_customers_ms = b.durationMs(p, "retention.inactive_customers");
  c.compliance.audit_anchor_file = b.path(p, "audit_anchor_file");
  c.compliance.audit_checkpoint_entries = b.number(p, "audit_checkpoint_entries");
  c.compliance.audit_checkpoint_interval_ms = b.durationMs(p, "audit_checkpoint_interval");

  for (const std::string& name : b.namesWithPrefix("template.")) {
    const std::string s = "template." + name;
    if (name == compliance::kOptOutConfirmationTemplate) {
      b.report(s,
               "the name is reserved for the built-in opt-out confirmation "
               "([compliance] opt_out_confirmation)");
      continue;
    }
    TemplateConfig t{name,
                     b.text(s, "meta_name"),
                     b.text(s, "language"),
                     b.text(s, "category"),
                     b.text(s, "purpose"),
                     b.text(s, "sender_id"),
                     b.text(s, "opt_out"),
                     {}};
    checkCommercialTemplate(b, s, t);
    readTemplateLayout(b, s, t);
    checkTrackedLinks(b, s, t.layout, c.daemon.public_url);
    c.templates.push_back(std::move(t));
  }

  for (const std::string& name : b.namesWithPrefix("journey.")) {
    const std::string s = "journey." + name;
    JourneyConfig j;
    j.name = name;
    j.enabled = b.boolean(s, "enabled");
    j.trigger = b.text(s, "trigger");
    for (const std::string& step : parseList(b.text(s, "steps"))) {
      auto colon = step.find(':');
      auto delay = parseDurationMillis(step.substr(0, colon));
      std::string tmpl = colon == std::string::npos ? "" : step.substr(colon + 1);
      while (!tmpl.empty() && tmpl.front() == ' ') tmpl.erase(0, 1);
      if (colon == std::string::npos || !delay.isOk() || tmpl.empty()) {
        b.report(s + ".steps", "step '" + step + "' must be DELAY:TEMPLATE, e.g. 1h:cart_1h");
        continue;
      }
      bool known = false;
      for (const auto& t : c.templates) known = known || t.name == tmpl;
      if (!known)
        b.report(s + ".steps", "unknown template '" + tmpl + "' (no [template." + tmpl + "])");
      j.steps.push_back(JourneyStep{*delay, tmpl});
    }
    c.journeys.push_back(std::move(j));
  }

  for (const std::string& name : b.namesWithPrefix("segment.")) {
    const std::string s = "segment." + name;
    c.segments.push_back(SegmentConfig{name, b.text(s, "expr"), b.text(s, "description")});
  }
}

LoadResult load(const std::string& text, const std::string& origin, const std::string& base_dir) {
  LoadResult result;
  std::istringstream in(text);
  po::parsed_options parsed(nullptr);
  try {
    // No option is registered: every key arrives "unregistered" and is checked
    // against our schema below, which knows the dynamic [shop.NAME] sections.
    po::options_description none;
    parsed = po::parse_config_file(in, none, /*allow_unregistered=*/true);
  } catch (const po::error& e) {
    // Boost.PO reports syntax errors (e.g. a ';' comment) without a line number.
    result.errors.push_back(
        {origin, std::string("syntax error: ") + e.what() + " (comments start with '#')"});
    return result;
  }

  RawSections raw;
  for (const auto& opt : parsed.options) {
    const std::string& flat = opt.string_key;
    std::string value = opt.value.empty() ? std::string() : opt.value.front();
    if (flat.find('.') == std::string::npos) {
      result.errors.push_back({flat, "key outside any [section]"});
      continue;
    }
    std::string section, key;
    if (!splitKey(flat, &section, &key)) {
      if (section.empty()) {
        auto dot = flat.rfind('.');
        result.errors.push_back({flat.substr(0, dot), "unknown section"});
      } else {
        result.errors.push_back({section + "." + key, "unknown key"});
      }
      continue;
    }
    auto [it, inserted] = raw[section].emplace(key, value);
    if (!inserted) result.errors.push_back({section + "." + key, "set more than once"});
  }

  AppConfig config;
  config.source_path = origin;
  config.source_sha256 = core::crypto::hexEncode(core::crypto::sha256(text));
  Builder builder(std::move(raw), base_dir, &result.errors);
  buildTyped(builder, config);
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

}  // namespace

LoadResult loadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    LoadResult result;
    result.errors.push_back({path, "cannot open configuration file"});
    return result;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::path abs = std::filesystem::absolute(path);
  return load(text, path, abs.parent_path().string());
}

LoadResult loadConfigText(const std::string& text, const std::string& origin) {
  std::filesystem::path abs = std::filesystem::absolute(origin);
  return load(text, origin, abs.parent_path().string());
}

}  // namespace cartrelay::app::config
