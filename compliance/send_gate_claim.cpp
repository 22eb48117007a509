// SendGate::claim: due rows moved to `sending`, decided again where their
// decision is stale, with their tracked links minted, before any request
// leaves. The deciding half of the gate is in send_gate.cpp.
#include <soci/soci.h>

#include "compliance/send_gate.h"
#include "core/store/database.h"
#include "core/store/detail/bind.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/pii.h"
#include "core/util/log.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;
using core::Result;
using core::Status;
using Outcome = SendGate::Outcome;

// An outbox row as claim() reads it: what was asked for (content
// decrypted), and where the row stands.
struct StoredMessage {
  std::int64_t id = 0;
  std::string subject_ref;
  std::string state;
  int attempts = 0;
  std::int64_t created_at_ms = 0;
  SendRequest request;
};

// kNotFound when the row is gone; kPermanent when it holds no sealed
// content any more (retention cleared it while the message waited).
Result<StoredMessage> loadStored(soci::session& s, const core::KeyRing& keys, std::int64_t id) {
  StoredMessage m;
  SendRequest& r = m.request;
  detail::NullableInt cart_id;
  detail::NullableInt order_id;
  detail::NullableText data_key;
  detail::NullableText recipient;
  detail::NullableText params;
  CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.claim_load", [&]() -> Status {
    std::int64_t key = id;
    s << "SELECT id, shop_id, subject_ref, journey, step, template, cart_id, order_id, state,"
         " attempts, created_at_ms, data_key, recipient_enc, params_enc FROM outbox"
         " WHERE id = :id",
        soci::use(key), soci::into(m.id), soci::into(r.shop_id), soci::into(m.subject_ref),
        soci::into(r.journey), soci::into(r.step), soci::into(r.template_name),
        soci::into(cart_id.value, cart_id.ind), soci::into(order_id.value, order_id.ind),
        soci::into(m.state), soci::into(m.attempts), soci::into(m.created_at_ms),
        soci::into(data_key.value, data_key.ind), soci::into(recipient.value, recipient.ind),
        soci::into(params.value, params.ind);
    return s.got_data() ? Status::ok() : Status::notFound("outbox: no message");
  }));
  r.cart_id = cart_id.get();
  r.order_id = order_id.get();
  if (data_key.get().empty() || recipient.get().empty()) {
    return Status::permanent("outbox " + std::to_string(id) + ": no content");
  }
  CARTRELAY_ASSIGN_OR_RETURN(auto row_key, detail::unwrapRowKey(keys.cipher(), data_key.get()));
  CARTRELAY_ASSIGN_OR_RETURN(r.phone,
                             detail::openCell(row_key, recipient.get(), "outbox.recipient", id));
  CARTRELAY_ASSIGN_OR_RETURN(std::string text,
                             detail::openCell(row_key, params.get(), "outbox.params", id));
  r.params = nlohmann::json::parse(text.empty() ? "{}" : text, nullptr, false);
  if (!r.params.is_object()) r.params = nlohmann::json::object();
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
  // A row on its way to `sending`. Local, so it may hold a Pending.
  struct Candidate {
    StoredMessage m;
    Pending p;
    std::optional<GateFacts> facts;  // set when the decision is made again
    core::EpochMillis now = 0;
    std::optional<Outcome> outcome;  // after the transaction; none: not taken
    nlohmann::json sent_params;      // the params with tracked links in place of targets
    bool bad_link = false;
  };
  std::vector<Candidate> candidates;
  candidates.reserve(outbox_ids.size());

  // Loaded and, where needed, given fresh outside facts (İYS is a network
  // call) before any transaction.
  // One turn on the session for all of them: a claim waits its turn once,
  // not once per row.
  std::vector<Result<StoredMessage>> loaded;
  loaded.reserve(outbox_ids.size());
  Status read = db_.withSession([&](soci::session& s) -> Status {
    loaded.clear();
    for (std::int64_t id : outbox_ids) loaded.push_back(loadStored(s, keys_, id));
    return Status::ok();
  });
  CARTRELAY_RETURN_IF_ERROR(read);
  for (std::size_t i = 0; i < outbox_ids.size(); ++i) {
    const std::int64_t id = outbox_ids[i];
    Result<StoredMessage>& stored = loaded[i];
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
    auto shop = options_.shops.find(stored->request.shop_id);
    if ((stored->state != "queued" && stored->state != "deferred") ||
        shop == options_.shops.end()) {
      ++out.skipped;
      continue;
    }
    Candidate& c = candidates.emplace_back();
    c.m = std::move(stored).value();
    const StoredMessage& m = c.m;
    auto tmpl = options_.templates.find(m.request.template_name);
    c.p = pendingFor(m.request, shop->second,
                     tmpl == options_.templates.end() ? kRemovedTemplate : tmpl->second,
                     m.subject_ref);
    c.now = clock_.nowMillis();
    const bool fresh =
        m.state == "queued" && m.attempts == 0 && c.now - m.created_at_ms < kFreshDecisionMs;
    if (!fresh) c.facts = outsideFacts(c.p);
  }

  // In the caller's transaction: decide again if needed, take the row,
  // mint its links. Sets c.outcome only when the row was decided or taken.
  const auto take = [&](soci::session& s, Candidate& c) -> Status {
    c.outcome.reset();
    c.bad_link = false;
    const std::int64_t id = c.m.id;
    if (c.facts) {
      std::string state;
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.claim_state", [&]() -> Status {
        std::int64_t key = id;
        s << "SELECT state FROM outbox WHERE id = :id", soci::use(key), soci::into(state);
        return Status::ok();
      }));
      if (state != c.m.state) return Status::ok();
      CARTRELAY_ASSIGN_OR_RETURN(Outcome decided, decideAndRecord(s, c.p, *c.facts, id));
      if (decided.decision.outcome != Decision::Outcome::kAllow) {
        c.outcome = std::move(decided);
        return Status::ok();
      }
    }
    CARTRELAY_ASSIGN_OR_RETURN(bool taken, markSending(s, id, c.now));
    if (!taken) return Status::ok();
    auto minted = links.mint(s, id, c.p.tmpl->tracked_links, c.p.request.params);
    c.bad_link = !minted.isOk() && minted.status().code() == Status::Code::kPermanent;
    if (!minted.isOk()) return minted.status();
    c.sent_params = std::move(minted).value();
    Outcome allowed;
    allowed.outbox_id = id;
    allowed.decision.outcome = Decision::Outcome::kAllow;
    c.outcome = allowed;
    return Status::ok();
  };

  // All rows in one transaction: one commit (one fsync on SQLite) for the
  // batch is what lets sending keep up with Meta's limit. When it fails,
  // nothing of it happened, and each row is tried in a transaction of its
  // own, so one row that cannot be taken (a link that can no longer be
  // made) never holds back the others.
  Status together = db_.withTransaction([&](soci::session& s) -> Status {
    for (Candidate& c : candidates) CARTRELAY_RETURN_IF_ERROR(take(s, c));
    return Status::ok();
  });
  if (!together.isOk() && candidates.size() > 1) {
    core::log::warn("outbox.claim_batch_failed")
        .kv("rows", static_cast<std::int64_t>(candidates.size()))
        .status(together);
  }
  if (!together.isOk()) {
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      Candidate& c = candidates[i];
      Status alone = candidates.size() == 1
                         ? together
                         : db_.withTransaction([&](soci::session& s) { return take(s, c); });
      if (!alone.isOk() && c.bad_link) {
        core::log::warn("outbox.bad_link").kv("outbox_id", c.m.id).status(alone);
        CARTRELAY_RETURN_IF_ERROR(failWithoutContent(c.m.id, "bad_link"));
        c.outcome.reset();
        ++out.suppressed;
        continue;
      }
      if (!alone.isOk()) {
        // The rows before this one are `sending` already: they go out; the
        // rest stay due for the next round.
        bool any_taken = false;
        for (std::size_t j = 0; j < i; ++j) any_taken = any_taken || candidates[j].outcome;
        if (!any_taken) return alone;
        core::log::error("outbox.claim_failed").kv("outbox_id", c.m.id).status(alone);
        candidates.resize(i);
        break;
      }
    }
  }

  for (Candidate& c : candidates) {
    if (!c.outcome) {
      if (!c.bad_link) ++out.skipped;
    } else if (c.outcome->decision.outcome == Decision::Outcome::kAllow) {
      c.p.request.params = std::move(c.sent_params);
      out.messages.push_back(clear(c.p, c.m.id, c.m.attempts + 1));
    } else if (c.outcome->decision.outcome == Decision::Outcome::kDefer) {
      ++out.deferred;
    } else {
      ++out.suppressed;
    }
  }
  return out;
}

}  // namespace cartrelay::compliance
