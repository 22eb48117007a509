#include "compliance/send_gate.h"

#include <soci/soci.h>

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

std::string_view decisionName(Decision::Outcome outcome) {
  switch (outcome) {
    case Decision::Outcome::kAllow:
      return "ALLOW";
    case Decision::Outcome::kDefer:
      return "DEFER";
    case Decision::Outcome::kDeny:
      return "DENY";
  }
  return "DENY";
}

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
Status readFacts(soci::session& s, const ConsentLedger& ledger, std::int64_t shop_id,
                 const MessageIntent& intent, core::EpochMillis now, GateFacts& facts) {
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
                      " AND created_at_ms > :since",
         soci::into(sent_at), soci::use(shop), soci::use(subject), soci::use(since));
    sends.execute();
    while (sends.fetch()) facts.commercial_sends.push_back(sent_at);

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

nlohmann::json auditPayload(std::int64_t outbox_id, std::int64_t shop_id,
                            const SendRequest& request, const GateTemplate& tmpl, const Decision& d,
                            const std::string& policy_version, bool reevaluated) {
  nlohmann::json payload = {{"outbox_id", outbox_id},
                            {"shop_id", shop_id},
                            {"decision", decisionName(d.outcome)},
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

Result<Outcome> SendGate::submit(const SendRequest& request) const {
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
  const GateTemplate& t = tmpl->second;
  const core::NormalisedPhone phone = core::normalisePhone(request.phone, shop->second.country);

  MessageIntent intent;
  intent.subject_ref = keys_.hasher().hash("phone", phone.value);
  intent.message_template = {request.template_name, t.category, t.approved};
  intent.purpose = t.purpose;
  intent.journey = request.journey;
  intent.step = request.step;
  intent.cart_id = request.cart_id;
  intent.order_id = request.order_id;

  // Outside the transaction: İYS is a network call and must not hold the
  // store's write lock.
  GateFacts facts;
  facts.phone_valid = phone.valid;
  facts.country = phone.region;
  facts.zone = &zoneFor(phone.region, shop->second);
  facts.audit_intact = !options_.audit_intact || options_.audit_intact();
  if (options_.policy.iys_enabled && options_.iys && phone.valid) {
    std::tie(facts.iys_status, facts.iys_fresh) = options_.iys(phone.value);
  }
  const std::string dedupe = request.journey.empty()
                                 ? std::string()
                                 : request.journey + "|" + request.step + "|" + intent.subject_ref;

  const core::EpochMillis now = clock_.nowMillis();
  auto recorded = db_.queryTransaction([&](soci::session& s) -> Result<Outcome> {
    Outcome out;
    std::int64_t existing_id = 0;
    if (!dedupe.empty()) {
      std::string decision;
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.dedupe", [&]() -> Status {
        std::string key = dedupe;
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
        out.decision.purpose_class = classifyPurpose(t.purpose, t.category);
        return out;
      }
    }
    CARTRELAY_RETURN_IF_ERROR(readFacts(s, ledger_, request.shop_id, intent, now, facts));
    out.decision = decide(intent, facts, options_.policy, now);
    const Decision& d = out.decision;

    detail::NullableText reason(d.reason ? std::string(toString(*d.reason)) : std::string());
    detail::NullableInt retry_at(d.outcome == Decision::Outcome::kDefer
                                     ? std::optional<std::int64_t>(d.retry_at)
                                     : std::nullopt);
    detail::NullableInt consent_event(
        d.consent_event_id != 0 ? std::optional<std::int64_t>(d.consent_event_id) : std::nullopt);
    std::string decision(decisionName(d.outcome));
    std::string state(stateFor(d.outcome));
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.write", [&]() -> Status {
      if (existing_id != 0) {
        s << "UPDATE outbox SET decision = :d, reason = :r, retry_at_ms = :t,"
             " consent_event_id = :c, state = :st, updated_at_ms = :now WHERE id = :id",
            soci::use(decision), soci::use(reason.value, reason.ind),
            soci::use(retry_at.value, retry_at.ind),
            soci::use(consent_event.value, consent_event.ind), soci::use(state), soci::use(now),
            soci::use(existing_id);
        out.outbox_id = existing_id;
        return Status::ok();
      }
      std::int64_t shop_id = request.shop_id;
      std::string purpose(toString(t.purpose));
      std::string purpose_class(toString(d.purpose_class));
      detail::NullableInt cart(request.cart_id);
      detail::NullableInt order(request.order_id);
      detail::NullableText dedupe_key(dedupe);
      s << "INSERT INTO outbox (shop_id, subject_ref, journey, step, template, purpose,"
           " purpose_class, cart_id, order_id, decision, reason, retry_at_ms, consent_event_id,"
           " audit_seq, state, dedupe_key, created_at_ms, updated_at_ms) VALUES (:shop, :s, :j,"
           " :st, :t, :p, :pc, :c, :o, :d, :r, :ra, :ce, 0, :state, :k, :now, :now2)",
          soci::use(shop_id), soci::use(intent.subject_ref), soci::use(request.journey),
          soci::use(request.step), soci::use(request.template_name), soci::use(purpose),
          soci::use(purpose_class), soci::use(cart.value, cart.ind),
          soci::use(order.value, order.ind), soci::use(decision),
          soci::use(reason.value, reason.ind), soci::use(retry_at.value, retry_at.ind),
          soci::use(consent_event.value, consent_event.ind), soci::use(state),
          soci::use(dedupe_key.value, dedupe_key.ind), soci::use(now), soci::use(now);
      long long id = 0;
      if (!s.get_last_insert_id("outbox", id)) return Status::internal("outbox: no insert id");
      out.outbox_id = id;
      return Status::ok();
    }));

    if (d.outcome == Decision::Outcome::kAllow) {
      // Only an allowed message keeps what is needed to send it.
      CARTRELAY_ASSIGN_OR_RETURN(detail::NewKey key, detail::newRowKey(keys_.cipher()));
      CARTRELAY_ASSIGN_OR_RETURN(
          std::string recipient,
          detail::sealCell(key.key, phone.value, "outbox.recipient", out.outbox_id));
      CARTRELAY_ASSIGN_OR_RETURN(
          std::string params,
          detail::sealCell(key.key, request.params.dump(), "outbox.params", out.outbox_id));
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.seal", [&]() -> Status {
        s << "UPDATE outbox SET data_key = :k, recipient_enc = :r, params_enc = :p WHERE id = :id",
            soci::use(key.wrapped), soci::use(recipient), soci::use(params),
            soci::use(out.outbox_id);
        return Status::ok();
      }));
    }

    AuditEvent audited{"gate.decision", request.journey.empty() ? "cli" : "daemon",
                       intent.subject_ref,
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
  });

  if (!recorded.isOk()) {
    // Rule 40: without its audit record a decision does not exist, so
    // nothing may leave.
    core::log::error("gate.audit_unavailable")
        .kv("subject", intent.subject_ref)
        .status(recorded.status());
    Outcome out;
    out.decision =
        Decision::deny(Reason::kAuditUnavailable, classifyPurpose(t.purpose, t.category));
    return out;
  }
  Outcome out = std::move(recorded).value();
  if (out.decision.outcome == Decision::Outcome::kAllow && !out.duplicate) {
    core::ports::ClearedMessage::Content content;
    content.outbox_id = out.outbox_id;
    content.shop_id = request.shop_id;
    content.to = phone.value;
    content.subject_ref = intent.subject_ref;
    content.template_name = request.template_name;
    content.meta_template = t.meta_name;
    content.language = t.language;
    content.category = std::string(toString(t.category));
    content.params = request.params;
    content.journey = request.journey;
    content.step = request.step;
    out.cleared.emplace(core::ports::GateKey{}, std::move(content));
  }
  return out;
}

}  // namespace cartrelay::compliance
