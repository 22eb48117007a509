#include "compliance/send_gate.h"

#include <soci/soci.h>

#include "compliance/whatsapp_templates.h"
#include "core/store/database.h"
#include "core/store/detail/bind.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/pii.h"
#include "core/util/log.h"
#include "core/util/phone.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;
using core::Result;
using core::Status;
using Outcome = SendGate::Outcome;

constexpr std::int64_t kWeekMs = 7LL * 24 * 60 * 60 * 1000;
// Rule 36: the recipient's zone from the phone's country. Türkiye has one
// zone; elsewhere the shop's zone stands in (and multi-zone countries need
// a customer profile, which the shop's zone approximates).
constexpr std::string_view kTurkiyeZone = "Europe/Istanbul";

// The outbox state a decision starts in.
std::string_view stateFor(Decision::Outcome outcome) {
  switch (outcome) {
    case Decision::Outcome::kAllow:
      return "queued";
    case Decision::Outcome::kDefer:
      return "deferred";
    case Decision::Outcome::kDeny:
      return "suppressed";
  }
  return "suppressed";
}

std::optional<CartState> cartStateOf(const std::string& text) {
  if (text == "open") return CartState::kOpen;
  if (text == "completed") return CartState::kCompleted;
  if (text == "deleted") return CartState::kDeleted;
  return std::nullopt;
}

// The facts decide() needs that live in the store, read in the
// transaction that will record the decision.
// `self` is the row being decided again (0 for a new one): its own earlier
// ALLOW must not count against its frequency cap.
Status readFacts(soci::session& s, const ConsentLedger& ledger, std::int64_t shop_id,
                 std::int64_t self, const MessageIntent& intent, core::EpochMillis now,
                 GateFacts& facts) {
  CARTRELAY_ASSIGN_OR_RETURN(facts.consent, ledger.current(s, shop_id, intent.subject_ref));
  return detail::guarded("gate.facts", [&]() -> Status {
    std::string subject = intent.subject_ref;
    std::int64_t shop = shop_id;
    long long count = 0;
    s << "SELECT COUNT(*) FROM subject_suppressions WHERE subject_ref = :s", soci::use(subject),
        soci::into(count);
    facts.erased = count > 0;

    count = 0;
    s << "SELECT COUNT(*) FROM orders o JOIN customers c ON o.customer_id = c.id"
         " WHERE o.shop_id = :shop AND c.phone_hash = :s AND o.cancelled_at_ms IS NULL",
        soci::use(shop), soci::use(subject), soci::into(count);
    facts.has_completed_order = count > 0;

    std::int64_t since = now - kWeekMs;
    std::int64_t sent_at = 0;
    soci::statement sends =
        (s.prepare << "SELECT created_at_ms FROM outbox WHERE shop_id = :shop AND subject_ref = :s"
                      " AND decision = 'ALLOW' AND purpose_class = 'COMMERCIAL'"
                      " AND created_at_ms > :since AND id <> :self",
         soci::into(sent_at), soci::use(shop), soci::use(subject), soci::use(since),
         soci::use(self));
    sends.execute();
    while (sends.fetch()) facts.commercial_sends.push_back(sent_at);

    if (intent.message_template.free_form) {
      std::int64_t last_inbound = 0;
      s << "SELECT last_inbound_at_ms FROM whatsapp_contacts WHERE subject_ref = :s",
          soci::use(subject), soci::into(last_inbound);
      if (s.got_data()) facts.last_inbound_at = last_inbound;
    }

    if (intent.cart_id) {
      std::int64_t cart = *intent.cart_id;
      std::string state;
      std::int64_t activity = 0;
      s << "SELECT state, platform_updated_at_ms FROM carts WHERE id = :c AND shop_id = :shop",
          soci::use(cart), soci::use(shop), soci::into(state), soci::into(activity);
      if (s.got_data()) {
        facts.cart_state = cartStateOf(state);
        facts.cart_activity_at = activity;
      }
    }
    return Status::ok();
  });
}

// Rule 38 with Meta's word: the template's availability and category as the
// registry has them, read in the deciding transaction so a webhook that
// paused the template a moment ago already counts.
Status applyRegistry(soci::session& s, TemplateRegistry registry, const GateTemplate& tmpl,
                     MessageTemplate& message_template) {
  if (registry == TemplateRegistry::kOff || tmpl.meta_name.empty()) return Status::ok();
  CARTRELAY_ASSIGN_OR_RETURN(std::optional<MetaTemplate> at_meta,
                             whatsapp_templates::find(s, tmpl.meta_name, tmpl.language));
  if (!at_meta) {
    if (registry == TemplateRegistry::kAuthoritative) {
      message_template.availability = TemplateAvailability::kPaused;
    }
    return Status::ok();
  }
  message_template.availability = availabilityOf(at_meta->status);
  // Rule 39: Meta may have re-categorised a UTILITY template as MARKETING;
  // the category "at time of use" is what the message is.
  if (auto category = parseTemplateCategory(at_meta->category)) {
    message_template.category = *category;
  }
  return Status::ok();
}

nlohmann::json auditPayload(std::int64_t outbox_id, std::int64_t shop_id,
                            const SendRequest& request, const GateTemplate& tmpl, const Decision& d,
                            const std::string& policy_version, bool reevaluated) {
  nlohmann::json payload = {{"outbox_id", outbox_id},
                            {"shop_id", shop_id},
                            {"decision", toString(d.outcome)},
                            {"purpose", toString(tmpl.purpose)},
                            {"purpose_class", toString(d.purpose_class)},
                            {"template", request.template_name},
                            {"meta_template", tmpl.meta_name},
                            {"journey", request.journey},
                            {"step", request.step},
                            {"policy_version", policy_version}};
  if (d.reason) payload["reason"] = toString(*d.reason);
  if (d.outcome == Decision::Outcome::kDefer) payload["retry_at_ms"] = d.retry_at;
  if (d.consent_event_id != 0) payload["consent_event_id"] = d.consent_event_id;
  if (request.cart_id) payload["cart_id"] = *request.cart_id;
  if (request.order_id) payload["order_id"] = *request.order_id;
  if (reevaluated) payload["reevaluated"] = true;
  return payload;
}

}  // namespace

Result<std::unique_ptr<SendGate>> SendGate::create(core::store::Database& db,
                                                   const core::KeyRing& keys,
                                                   const core::Clock& clock, const AuditLog& audit,
                                                   const ConsentLedger& ledger, Options options) {
  std::unique_ptr<SendGate> gate(new SendGate(db, keys, clock, audit, ledger, std::move(options)));
  std::vector<std::string> names{std::string(kTurkiyeZone)};
  for (const auto& [id, shop] : gate->options_.shops) names.push_back(shop.time_zone);
  for (const std::string& name : names) {
    if (gate->zones_.count(name) != 0) continue;
    auto zone = core::TimeZone::load(name);
    if (!zone.isOk()) {
      return Status::invalidArgument("time zone '" + name + "': " + zone.status().message());
    }
    gate->zones_.emplace(name, std::move(zone).value());
  }
  return gate;
}

const core::TimeZone& SendGate::zoneFor(const std::string& region, const GateShop& shop) const {
  if (region == "TR") return zones_.find(kTurkiyeZone)->second;
  return zones_.find(shop.time_zone)->second;
}

GateFacts SendGate::outsideFacts(const Pending& p) const {
  GateFacts facts;
  facts.phone_valid = p.phone.valid;
  facts.country = p.phone.region;
  facts.zone = &zoneFor(p.phone.region, *p.shop);
  facts.audit_intact = !options_.audit_intact || options_.audit_intact();
  // Outside any transaction: İYS is a network call and must not hold the
  // store's write lock. Only COMMERCIAL messages need it (rule 9); a
  // template Meta re-categorised as MARKETING since is then decided without
  // a fresh İYS status, which holds it (the conservative side).
  const bool commercial =
      classifyPurpose(p.tmpl->purpose, p.tmpl->category) == PurposeClass::kCommercial;
  if (commercial && options_.policy.iys_enabled && options_.iys && p.phone.valid) {
    std::tie(facts.iys_status, facts.iys_fresh) = options_.iys(p.request.shop_id, p.phone.value);
  }
  return facts;
}

Result<Outcome> SendGate::decideAndRecord(soci::session& s, const Pending& p, GateFacts facts,
                                          std::int64_t existing_id) const {
  const SendRequest& request = p.request;
  const GateTemplate& t = *p.tmpl;
  const core::EpochMillis now = clock_.nowMillis();
  Outcome out;
  CARTRELAY_RETURN_IF_ERROR(
      readFacts(s, ledger_, request.shop_id, existing_id, p.intent, now, facts));
  MessageIntent intent = p.intent;
  CARTRELAY_RETURN_IF_ERROR(
      applyRegistry(s, options_.template_registry, t, intent.message_template));
  out.decision = decide(intent, facts, options_.policy, now);
  const Decision& d = out.decision;

  detail::NullableText reason(d.reason ? std::string(toString(*d.reason)) : std::string());
  detail::NullableInt retry_at(d.outcome == Decision::Outcome::kDefer
                                   ? std::optional<std::int64_t>(d.retry_at)
                                   : std::nullopt);
  detail::NullableInt consent_event(
      d.consent_event_id != 0 ? std::optional<std::int64_t>(d.consent_event_id) : std::nullopt);
  std::string decision(toString(d.outcome));
  std::string state(stateFor(d.outcome));
  CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.write", [&]() -> Status {
    if (existing_id != 0) {
      std::int64_t id = existing_id;
      s << "UPDATE outbox SET decision = :d, reason = :r, retry_at_ms = :t,"
           " consent_event_id = :c, state = :st, updated_at_ms = :now WHERE id = :id",
          soci::use(decision), soci::use(reason.value, reason.ind),
          soci::use(retry_at.value, retry_at.ind),
          soci::use(consent_event.value, consent_event.ind), soci::use(state), soci::use(now),
          soci::use(id);
      out.outbox_id = existing_id;
      return Status::ok();
    }
    std::int64_t shop_id = request.shop_id;
    std::string purpose(toString(t.purpose));
    std::string purpose_class(toString(d.purpose_class));
    detail::NullableInt cart(request.cart_id);
    detail::NullableInt order(request.order_id);
    detail::NullableText dedupe_key(p.dedupe);
    s << "INSERT INTO outbox (shop_id, subject_ref, journey, step, template, purpose,"
         " purpose_class, cart_id, order_id, decision, reason, retry_at_ms, consent_event_id,"
         " audit_seq, state, dedupe_key, created_at_ms, updated_at_ms) VALUES (:shop, :s, :j,"
         " :st, :t, :p, :pc, :c, :o, :d, :r, :ra, :ce, 0, :state, :k, :now, :now2)",
        soci::use(shop_id), soci::use(p.intent.subject_ref), soci::use(request.journey),
        soci::use(request.step), soci::use(request.template_name), soci::use(purpose),
        soci::use(purpose_class), soci::use(cart.value, cart.ind),
        soci::use(order.value, order.ind), soci::use(decision), soci::use(reason.value, reason.ind),
        soci::use(retry_at.value, retry_at.ind), soci::use(consent_event.value, consent_event.ind),
        soci::use(state), soci::use(dedupe_key.value, dedupe_key.ind), soci::use(now),
        soci::use(now);
    long long id = 0;
    if (!s.get_last_insert_id("outbox", id)) return Status::internal("outbox: no insert id");
    out.outbox_id = id;
    return Status::ok();
  }));

  if (d.outcome != Decision::Outcome::kDeny) {
    // What a later send needs, for a message that will or may still go;
    // a denied one keeps nothing personal.
    CARTRELAY_ASSIGN_OR_RETURN(detail::NewKey key, detail::newRowKey(keys_.cipher()));
    CARTRELAY_ASSIGN_OR_RETURN(
        std::string recipient,
        detail::sealCell(key.key, p.phone.value, "outbox.recipient", out.outbox_id));
    CARTRELAY_ASSIGN_OR_RETURN(
        std::string params,
        detail::sealCell(key.key, request.params.dump(), "outbox.params", out.outbox_id));
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.seal", [&]() -> Status {
      s << "UPDATE outbox SET data_key = :k, recipient_enc = :r, params_enc = :p WHERE id = :id",
          soci::use(key.wrapped), soci::use(recipient), soci::use(params), soci::use(out.outbox_id);
      return Status::ok();
    }));
  } else if (existing_id != 0) {
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.unseal", [&]() -> Status {
      s << "UPDATE outbox SET data_key = NULL, recipient_enc = NULL, params_enc = NULL"
           " WHERE id = :id",
          soci::use(out.outbox_id);
      return Status::ok();
    }));
  }

  AuditEvent audited{"gate.decision", request.journey.empty() ? "cli" : "daemon",
                     p.intent.subject_ref,
                     auditPayload(out.outbox_id, request.shop_id, request, t, d,
                                  options_.policy_version, existing_id != 0)};
  CARTRELAY_ASSIGN_OR_RETURN(AuditRecord record, audit_.append(s, audited));
  out.audit_seq = record.seq;
  CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.link", [&]() -> Status {
    s << "UPDATE outbox SET audit_seq = :q WHERE id = :id", soci::use(record.seq),
        soci::use(out.outbox_id);
    return Status::ok();
  }));
  return out;
}

core::ports::ClearedMessage SendGate::clear(const Pending& p, std::int64_t outbox_id,
                                            int attempt) const {
  core::ports::ClearedMessage::Content content;
  content.outbox_id = outbox_id;
  content.shop_id = p.request.shop_id;
  content.to = p.phone.value;
  content.subject_ref = p.intent.subject_ref;
  content.template_name = p.request.template_name;
  content.meta_template = p.tmpl->meta_name;
  content.language = p.tmpl->language;
  content.category = std::string(toString(p.tmpl->category));
  content.text = p.tmpl->text;
  content.params = p.request.params;
  content.journey = p.request.journey;
  content.step = p.request.step;
  content.attempt = attempt;
  return core::ports::ClearedMessage(core::ports::GateKey{}, std::move(content));
}

Result<Outcome> SendGate::recordSubmission(soci::session& s, const Submission& submission) const {
  const Pending& p = *submission.pending;

  std::int64_t existing_id = 0;
  if (!p.dedupe.empty()) {
    Outcome out;
    std::string decision;
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.dedupe", [&]() -> Status {
      std::string key = p.dedupe;
      soci::indicator ind = soci::i_null;
      s << "SELECT id, decision, audit_seq FROM outbox WHERE dedupe_key = :k", soci::use(key),
          soci::into(existing_id), soci::into(decision, ind), soci::into(out.audit_seq);
      if (!s.got_data()) existing_id = 0;
      return Status::ok();
    }));
    // A decided message is never decided again; a deferred one is
    // re-evaluated in place when it is due.
    if (existing_id != 0 && decision != "DEFER") {
      out.duplicate = true;
      out.outbox_id = existing_id;
      out.decision.outcome =
          decision == "ALLOW" ? Decision::Outcome::kAllow : Decision::Outcome::kDeny;
      out.decision.purpose_class = classifyPurpose(p.tmpl->purpose, p.tmpl->category);
      return out;
    }
  }
  return decideAndRecord(s, p, *submission.facts, existing_id);
}

std::vector<Result<Outcome>> SendGate::recordSubmissions(std::vector<Submission>& batch) const {
  std::vector<Result<Outcome>> recorded(batch.size(), Status::internal("send: not recorded"));
  // One transaction for every submission that queued up (one commit, one
  // disk sync); each keeps its own decision, outbox row and audit record.
  Status together = db_.withTransaction([&](soci::session& s) -> Status {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      recorded[i] = recordSubmission(s, batch[i]);
      CARTRELAY_RETURN_IF_ERROR(recorded[i].status());
    }
    return Status::ok();
  });
  if (together.isOk()) return recorded;
  if (batch.size() == 1) return {Result<Outcome>(together)};
  // Nothing of the batch happened: each is tried alone, so one that cannot
  // be recorded never costs the others their send.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    recorded[i] = db_.queryTransaction(
        [&](soci::session& s) -> Result<Outcome> { return recordSubmission(s, batch[i]); });
  }
  return recorded;
}

SendGate::Pending SendGate::pendingFor(SendRequest request, const GateShop& shop,
                                       const GateTemplate& tmpl, std::string subject_ref) const {
  Pending p;
  p.request = std::move(request);
  p.shop = &shop;
  p.tmpl = &tmpl;
  p.phone = core::normalisePhone(p.request.phone, shop.country);
  p.intent.subject_ref =
      subject_ref.empty() ? keys_.hasher().hash("phone", p.phone.value) : std::move(subject_ref);
  p.intent.message_template = {p.request.template_name, tmpl.category, tmpl.availability,
                               !tmpl.text.empty()};
  p.intent.purpose = tmpl.purpose;
  p.intent.journey = p.request.journey;
  p.intent.step = p.request.step;
  p.intent.cart_id = p.request.cart_id;
  p.intent.order_id = p.request.order_id;
  if (!p.request.journey.empty()) {
    p.dedupe = p.request.journey + "|" + p.request.step + "|" + p.intent.subject_ref;
  }
  return p;
}

Result<SendGate::Pending> SendGate::prepare(const SendRequest& request) const {
  auto shop = options_.shops.find(request.shop_id);
  if (shop == options_.shops.end()) {
    return Status::invalidArgument("send: unknown shop id " + std::to_string(request.shop_id));
  }
  auto tmpl = options_.templates.find(request.template_name);
  if (tmpl == options_.templates.end()) {
    return Status::invalidArgument("send: unknown template '" + request.template_name + "'");
  }
  if (!request.params.is_object()) {
    return Status::invalidArgument("send: params must be a JSON object");
  }
  // A bad link is the asker's mistake: refused now, not found at send time.
  if (Status links = checkLinkTargets(tmpl->second.tracked_links, request.params); !links.isOk()) {
    return Status::invalidArgument("send: " + links.message());
  }
  return pendingFor(request, shop->second, tmpl->second, "");
}

Result<Outcome> SendGate::submit(const SendRequest& request) const {
  CARTRELAY_ASSIGN_OR_RETURN(const Pending p, prepare(request));
  const GateFacts facts = outsideFacts(p);

  auto recorded = submits_->submit(Submission{&p, &facts});
  if (!recorded.isOk()) {
    // Rule 40: without its audit record a decision does not exist, so
    // nothing may leave.
    core::log::error("gate.audit_unavailable")
        .kv("subject", p.intent.subject_ref)
        .status(recorded.status());
    Outcome out;
    out.decision = Decision::deny(Reason::kAuditUnavailable,
                                  classifyPurpose(p.tmpl->purpose, p.tmpl->category));
    return out;
  }
  return recorded;
}

Result<Outcome> SendGate::submitWithin(soci::session& s, const SendRequest& request) const {
  CARTRELAY_ASSIGN_OR_RETURN(const Pending p, prepare(request));
  if (classifyPurpose(p.tmpl->purpose, p.tmpl->category) != PurposeClass::kTransactional) {
    return Status::invalidArgument("send: template '" + request.template_name +
                                   "' is commercial; it cannot be sent from inside a transaction");
  }
  const GateFacts facts = outsideFacts(p);  // no İYS for a TRANSACTIONAL message
  return recordSubmission(s, Submission{&p, &facts});
}

}  // namespace cartrelay::compliance
