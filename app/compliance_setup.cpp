#include "app/compliance_setup.h"

namespace cartrelay::app {

compliance::RetentionPolicy retentionPolicyOf(const config::ComplianceConfig& c) {
  compliance::RetentionPolicy p;
  p.carts_ms = c.retention_carts_ms;
  p.message_content_ms = c.retention_message_content_ms;
  p.commercial_records_ms = c.retention_commercial_records_ms;
  p.transactional_records_ms = c.retention_transactional_records_ms;
  p.consent_proof_ms = c.retention_consent_proof_ms;
  p.orders_ms = c.retention_orders_ms;
  p.inactive_customers_ms = c.retention_inactive_customers_ms;
  return p;
}

std::map<std::int64_t, compliance::PlatformCapture> platformCapturesOf(
    const config::AppConfig& config,
    const std::map<std::string, std::int64_t, std::less<>>& shop_ids) {
  std::map<std::int64_t, compliance::PlatformCapture> out;
  for (const config::ShopConfig& shop : config.shops) {
    auto id = shop_ids.find(shop.name);
    if (id == shop_ids.end()) continue;
    out[id->second] = {shop.name, shop.consent_capture_counts, shop.consent_kvkk_notice};
  }
  return out;
}

compliance::IysOptions iysOptionsOf(const config::ComplianceConfig& c) {
  compliance::IysOptions o;
  o.base_url = c.iys_url;
  o.username = c.iys_username;
  o.password = c.iys_password;
  o.iys_code = c.iys_code;
  o.brand_code = c.iys_brand_code;
  return o;
}

compliance::LinkOptions linkOptionsOf(const config::AppConfig& config) {
  return {config.daemon.public_url, config.whatsapp.link_ttl_ms};
}

std::vector<compliance::TrackedParam> trackedParamsOf(const whatsapp::TemplateLayout& layout) {
  using Form = compliance::TrackedParam::Form;
  std::vector<compliance::TrackedParam> out;
  for (const whatsapp::BodyParam& p : layout.body) {
    if (p.type == whatsapp::ParamType::kLink) out.push_back({p.name, Form::kUrl});
  }
  for (const whatsapp::TemplateButton& b : layout.buttons) {
    if (b.kind == whatsapp::TemplateButton::Kind::kTrackedUrl)
      out.push_back({b.value, Form::kToken});
  }
  return out;
}

compliance::SendGate::Options sendGateOptionsOf(
    const config::AppConfig& config,
    const std::map<std::string, std::int64_t, std::less<>>& shop_ids) {
  const config::ComplianceConfig& c = config.compliance;
  compliance::SendGate::Options o;
  o.policy.jurisdiction =
      c.jurisdiction == "EU" ? compliance::Jurisdiction::kEU : compliance::Jurisdiction::kTR;
  o.policy.transfer_basis = c.transfer_basis;
  o.policy.sending_hours = {c.quiet_hours.start_minute, c.quiet_hours.end_minute};
  o.policy.caps = {c.max_per_day, c.max_per_week};
  o.policy.iys_enabled = c.iys == "api";
  for (const config::TemplateConfig& t : config.templates) {
    compliance::GateTemplate g;
    g.meta_name = t.meta_name;
    g.language = t.language;
    // The loader has validated both; the fallbacks are the strict reading.
    g.category = compliance::parseTemplateCategory(t.category)
                     .value_or(compliance::TemplateCategory::kMarketing);
    g.purpose = compliance::parsePurpose(t.purpose).value_or(compliance::Purpose::kCampaign);
    g.tracked_links = trackedParamsOf(t.layout);
    o.templates.emplace(t.name, std::move(g));
  }
  if (!c.opt_out_confirmation.empty()) {
    // Meta lists opt-out confirmations as a utility use case; free-form,
    // it needs no approved template, only the window the user's own
    // message opened.
    compliance::GateTemplate confirmation;
    confirmation.category = compliance::TemplateCategory::kUtility;
    confirmation.purpose = compliance::Purpose::kOptOutConfirmation;
    confirmation.text = c.opt_out_confirmation;
    o.templates.emplace(std::string(compliance::kOptOutConfirmationTemplate),
                        std::move(confirmation));
  }
  o.links = linkOptionsOf(config);
  for (const config::ShopConfig& shop : config.shops) {
    auto id = shop_ids.find(shop.name);
    if (id == shop_ids.end()) continue;
    std::string zone = !shop.timezone.empty() ? shop.timezone : config.daemon.timezone;
    if (zone.empty()) zone = "Europe/Istanbul";
    o.shops[id->second] = {shop.name, shop.country, zone};
  }
  o.policy_version = config.source_sha256;
  // Sandbox sends nothing to Meta, so Meta's view of a template is
  // irrelevant there; live, it is the truth as far as it is known, and all
  // of the truth once the registry can be synced (waba_id).
  if (config.whatsapp.mode == "live") {
    o.template_registry = config.whatsapp.waba_id.empty()
                              ? compliance::TemplateRegistry::kWhenKnown
                              : compliance::TemplateRegistry::kAuthoritative;
  }
  return o;
}

}  // namespace cartrelay::app
