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

// One message on its way through the gate: the request with the phone
// normalised, and what the configuration says about its shop and template.
struct SendGate::Pending {
  SendRequest request;
  core::NormalisedPhone phone;
  const GateShop* shop = nullptr;
  const GateTemplate* tmpl = nullptr;
  MessageIntent intent;
  std::string dedupe;  // "" for a manual send
};

GateFacts SendGate::outsideFacts(const Pending& p) const {
  GateFacts facts;
  facts.phone_valid = p.phone.valid;
  facts.country = p.phone.region;
  facts.zone = &zoneFor(p.phone.region, *p.shop);
  facts.audit_intact = !options_.audit_intact || options_.audit_intact();
  // Outside any transaction: İYS is a network call and must not hold the
  // store's write lock.
  if (options_.policy.iys_enabled && options_.iys && p.phone.valid) {
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
  content.params = p.request.params;
  content.journey = p.request.journey;
  content.step = p.request.step;
  content.attempt = attempt;
  return core::ports::ClearedMessage(core::ports::GateKey{}, std::move(content));
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
  // A bad link is the asker's mistake: refused now, not found at send time.
  if (Status links = checkLinkTargets(tmpl->second.tracked_links, request.params); !links.isOk()) {
    return Status::invalidArgument("send: " + links.message());
  }
  Pending p;
  p.request = request;
  p.shop = &shop->second;
  p.tmpl = &tmpl->second;
  p.phone = core::normalisePhone(request.phone, shop->second.country);
  p.intent.subject_ref = keys_.hasher().hash("phone", p.phone.value);
  p.intent.message_template = {request.template_name, p.tmpl->category, p.tmpl->availability};
  p.intent.purpose = p.tmpl->purpose;
  p.intent.journey = request.journey;
  p.intent.step = request.step;
  p.intent.cart_id = request.cart_id;
  p.intent.order_id = request.order_id;
  if (!request.journey.empty()) {
    p.dedupe = request.journey + "|" + request.step + "|" + p.intent.subject_ref;
  }
  const GateFacts facts = outsideFacts(p);

  auto recorded = db_.queryTransaction([&](soci::session& s) -> Result<Outcome> {
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
    return decideAndRecord(s, p, facts, existing_id);
  });

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

namespace {

// An outbox row as claim() reads it, content decrypted.
struct StoredMessage {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::string subject_ref;
  std::string journey;
  std::string step;
  std::string template_name;
  detail::NullableInt cart_id;
  detail::NullableInt order_id;
  std::string state;
  int attempts = 0;
  std::int64_t created_at_ms = 0;
  std::string phone;
  nlohmann::json params;
};

// kNotFound when the row is gone; kPermanent when it holds no sealed
// content any more (retention cleared it while the message waited).
Result<StoredMessage> loadStored(soci::session& s, const core::KeyRing& keys, std::int64_t id) {
  StoredMessage m;
  detail::NullableText data_key;
  detail::NullableText recipient;
  detail::NullableText params;
  CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.claim_load", [&]() -> Status {
    std::int64_t key = id;
    s << "SELECT id, shop_id, subject_ref, journey, step, template, cart_id, order_id, state,"
         " attempts, created_at_ms, data_key, recipient_enc, params_enc FROM outbox"
         " WHERE id = :id",
        soci::use(key), soci::into(m.id), soci::into(m.shop_id), soci::into(m.subject_ref),
        soci::into(m.journey), soci::into(m.step), soci::into(m.template_name),
        soci::into(m.cart_id.value, m.cart_id.ind), soci::into(m.order_id.value, m.order_id.ind),
        soci::into(m.state), soci::into(m.attempts), soci::into(m.created_at_ms),
        soci::into(data_key.value, data_key.ind), soci::into(recipient.value, recipient.ind),
        soci::into(params.value, params.ind);
    return s.got_data() ? Status::ok() : Status::notFound("outbox: no message");
  }));
  if (data_key.get().empty() || recipient.get().empty()) {
    return Status::permanent("outbox " + std::to_string(id) + ": no content");
  }
  CARTRELAY_ASSIGN_OR_RETURN(auto row_key, detail::unwrapRowKey(keys.cipher(), data_key.get()));
  CARTRELAY_ASSIGN_OR_RETURN(m.phone,
                             detail::openCell(row_key, recipient.get(), "outbox.recipient", id));
  CARTRELAY_ASSIGN_OR_RETURN(std::string text,
                             detail::openCell(row_key, params.get(), "outbox.params", id));
  m.params = nlohmann::json::parse(text.empty() ? "{}" : text, nullptr, false);
  if (!m.params.is_object()) m.params = nlohmann::json::object();
  return m;
}

// Moves a claimable row to `sending`; false when another worker was first.
Result<bool> markSending(soci::session& s, std::int64_t id, core::EpochMillis now) {
  return detail::guarded("outbox.claim", [&]() -> Result<bool> {
    std::int64_t key = id;
    std::int64_t at = now;
    soci::statement st = (s.prepare << "UPDATE outbox SET state = 'sending', attempts = attempts"
                                       " + 1, updated_at_ms = :now WHERE id = :id AND state ="
                                       " 'queued'",
                          soci::use(at), soci::use(key));
    st.execute(true);
    return st.get_affected_rows() == 1;
  });
}

// A template the configuration no longer has: decided again, it is denied
// as not approved (rule 38) instead of being sent under an unknown name.
const GateTemplate kRemovedTemplate{"", "", TemplateCategory::kMarketing, Purpose::kCampaign,
                                    TemplateAvailability::kNotApproved};

}  // namespace

Status SendGate::failWithoutContent(std::int64_t id, std::string_view reason) const {
  const core::EpochMillis now = clock_.nowMillis();
  return db_.withTransaction([&](soci::session& s) -> Status {
    std::string subject_ref;
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.content_gone", [&]() -> Status {
      std::int64_t key = id;
      std::int64_t at = now;
      std::string why(reason);
      s << "SELECT subject_ref FROM outbox WHERE id = :id", soci::use(key), soci::into(subject_ref);
      s << "UPDATE outbox SET state = 'failed', error_reason = :why, updated_at_ms ="
           " :now WHERE id = :id AND state IN ('queued', 'deferred')",
          soci::use(why), soci::use(at), soci::use(key);
      return Status::ok();
    }));
    AuditEvent event{"message.failed",
                     "daemon",
                     subject_ref,
                     {{"outbox_id", id}, {"reason", std::string(reason)}}};
    return audit_.append(s, event).status();
  });
}

Result<SendGate::Claimed> SendGate::claim(const std::vector<std::int64_t>& outbox_ids) const {
  Claimed out;
  const TrackedLinks links(db_, keys_, clock_, options_.links);
  for (std::int64_t id : outbox_ids) {
    auto stored = db_.querySession(
        [&](soci::session& s) -> Result<StoredMessage> { return loadStored(s, keys_, id); });
    if (!stored.isOk() && stored.status().code() == Status::Code::kPermanent) {
      // Nothing left to send: the message fails instead of coming back due
      // for ever.
      CARTRELAY_RETURN_IF_ERROR(failWithoutContent(id));
      ++out.suppressed;
      continue;
    }
    if (!stored.isOk()) {
      if (stored.status().code() != Status::Code::kNotFound) return stored.status();
      ++out.skipped;
      continue;
    }
    const StoredMessage& m = *stored;
    auto shop = options_.shops.find(m.shop_id);
    if ((m.state != "queued" && m.state != "deferred") || shop == options_.shops.end()) {
      ++out.skipped;
      continue;
    }
    Pending p;
    p.request.shop_id = m.shop_id;
    p.request.phone = m.phone;
    p.request.template_name = m.template_name;
    p.request.params = m.params;
    p.request.journey = m.journey;
    p.request.step = m.step;
    p.request.cart_id = m.cart_id.get();
    p.request.order_id = m.order_id.get();
    p.shop = &shop->second;
    auto tmpl = options_.templates.find(m.template_name);
    p.tmpl = tmpl == options_.templates.end() ? &kRemovedTemplate : &tmpl->second;
    p.phone = core::normalisePhone(m.phone, shop->second.country);
    p.intent.subject_ref = m.subject_ref;
    p.intent.message_template = {m.template_name, p.tmpl->category, p.tmpl->availability};
    p.intent.purpose = p.tmpl->purpose;
    p.intent.journey = m.journey;
    p.intent.step = m.step;
    p.intent.cart_id = p.request.cart_id;
    p.intent.order_id = p.request.order_id;

    const core::EpochMillis now = clock_.nowMillis();
    const bool fresh =
        m.state == "queued" && m.attempts == 0 && now - m.created_at_ms < kFreshDecisionMs;
    std::optional<GateFacts> facts;
    if (!fresh) facts = outsideFacts(p);
    nlohmann::json sent_params;  // the params with tracked links in place of targets
    bool bad_link = false;
    auto claimed = db_.queryTransaction([&](soci::session& s) -> Result<std::optional<Outcome>> {
      if (facts) {
        std::string state;
        CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.claim_state", [&]() -> Status {
          std::int64_t key = id;
          s << "SELECT state FROM outbox WHERE id = :id", soci::use(key), soci::into(state);
          return Status::ok();
        }));
        if (state != m.state) return std::optional<Outcome>();
        CARTRELAY_ASSIGN_OR_RETURN(Outcome decided, decideAndRecord(s, p, *facts, id));
        if (decided.decision.outcome != Decision::Outcome::kAllow) {
          return std::optional<Outcome>(std::move(decided));
        }
      }
      CARTRELAY_ASSIGN_OR_RETURN(bool taken, markSending(s, id, now));
      if (!taken) return std::optional<Outcome>();
      auto minted = links.mint(s, id, p.tmpl->tracked_links, p.request.params);
      bad_link = !minted.isOk() && minted.status().code() == Status::Code::kPermanent;
      if (!minted.isOk()) return minted.status();
      sent_params = std::move(minted).value();
      Outcome allowed;
      allowed.outbox_id = id;
      allowed.decision.outcome = Decision::Outcome::kAllow;
      return std::optional<Outcome>(allowed);
    });
    if (!claimed.isOk() && bad_link) {
      core::log::warn("outbox.bad_link").kv("outbox_id", id).status(claimed.status());
      CARTRELAY_RETURN_IF_ERROR(failWithoutContent(id, "bad_link"));
      ++out.suppressed;
      continue;
    }
    if (!claimed.isOk()) return claimed.status();
    if (!*claimed) {
      ++out.skipped;
    } else if ((*claimed)->decision.outcome == Decision::Outcome::kAllow) {
      p.request.params = std::move(sent_params);
      out.messages.push_back(clear(p, id, m.attempts + 1));
    } else if ((*claimed)->decision.outcome == Decision::Outcome::kDefer) {
      ++out.deferred;
    } else {
      ++out.suppressed;
    }
  }
  return out;
}

}  // namespace cartrelay::compliance
