#include "compliance/subject_rights.h"

#include <set>

#include <soci/soci.h>

#include "core/store/cart_repo.h"
#include "core/store/customer_repo.h"
#include "core/store/database.h"
#include "core/store/detail/errors.h"
#include "core/store/order_repo.h"
#include "core/util/clock.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;
using core::Result;
using core::Status;
using core::model::Customer;

constexpr int kListLimit = 10000;

// The customers a query names and the phone hashes (subject refs) that
// stand for the person in the ledger, the outbox and the audit chain.
struct Subject {
  std::vector<Customer> customers;
  std::set<std::string> refs;
  std::string by;  // phone | email | customer
};

Result<Subject> resolve(soci::session& s, const core::KeyRing& keys, const core::Clock& clock,
                        const SubjectQuery& q) {
  core::store::CustomerRepo customers(keys, clock);
  Subject out;
  const int given = (q.phone.empty() ? 0 : 1) + (q.email.empty() ? 0 : 1) +
                    (q.platform_customer_id.empty() ? 0 : 1) + (q.customer_id ? 1 : 0);
  if (given != 1) return Status::invalidArgument("give exactly one of phone, email, customer");
  if (!q.phone.empty()) {
    out.by = "phone";
    CARTRELAY_ASSIGN_OR_RETURN(out.customers, customers.findByPhone(s, q.phone));
    out.refs.insert(keys.hasher().hash("phone", q.phone));
  } else if (!q.email.empty()) {
    out.by = "email";
    CARTRELAY_ASSIGN_OR_RETURN(out.customers, customers.findByEmail(s, q.email));
  } else if (q.customer_id) {
    out.by = "customer";
    CARTRELAY_ASSIGN_OR_RETURN(auto found, customers.load(s, *q.customer_id));
    if (found && !found->erased) out.customers.push_back(std::move(*found));
  } else {
    out.by = "customer";
    if (!q.shop_id) return Status::invalidArgument("a platform customer id needs its shop");
    CARTRELAY_ASSIGN_OR_RETURN(auto found,
                               customers.findByPlatformId(s, *q.shop_id, q.platform_customer_id));
    if (found && !found->erased) out.customers.push_back(std::move(*found));
  }
  for (const Customer& c : out.customers) {
    if (c.phone_valid && !c.phone.empty()) out.refs.insert(keys.hasher().hash("phone", c.phone));
  }
  return out;
}

Result<std::vector<std::int64_t>> shopIds(soci::session& s) {
  return detail::guarded("shops.ids", [&]() -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> ids;
    std::int64_t id = 0;
    soci::statement st = (s.prepare << "SELECT id FROM shops ORDER BY id", soci::into(id));
    st.execute();
    while (st.fetch()) ids.push_back(id);
    return ids;
  });
}

nlohmann::json customerJson(const Customer& c) {
  return {{"customer_id", c.id},
          {"shop_id", c.shop_id},
          {"platform_customer_id", c.platform_customer_id},
          {"phone", c.phone},
          {"email", c.email},
          {"first_name", c.first_name},
          {"last_name", c.last_name},
          {"address",
           {{"address1", c.address.address1},
            {"address2", c.address.address2},
            {"city", c.address.city},
            {"province", c.address.province},
            {"postal_code", c.address.postal_code},
            {"country_code", c.address.country_code}}},
          {"birthday", c.birthday},
          {"tags", c.tags},
          {"created_at", core::formatIso8601(c.created_at_ms)},
          {"updated_at", core::formatIso8601(c.updated_at_ms)}};
}

template <typename Item>
nlohmann::json itemsJson(const std::vector<Item>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const Item& i : items) {
    out.push_back({{"title", i.title},
                   {"product_id", i.product_id},
                   {"quantity", i.quantity},
                   {"unit_price_minor", i.unit_price_minor}});
  }
  return out;
}

// One UPDATE or DELETE with one bound value; its affected rows.
template <typename T>
Result<int> change(soci::session& s, std::string_view context, const std::string& sql,
                   const T& bound) {
  return detail::guarded(context, [&]() -> Result<int> {
    T value = bound;
    soci::statement st = (s.prepare << sql, soci::use(value));
    st.execute(true);
    return static_cast<int>(st.get_affected_rows());
  });
}

}  // namespace

Result<nlohmann::json> SubjectRights::exportData(const SubjectQuery& query,
                                                 std::string_view actor) const {
  core::store::CartRepo carts(keys_, clock_);
  core::store::OrderRepo orders(clock_);
  return db_.queryTransaction([&](soci::session& s) -> Result<nlohmann::json> {
    CARTRELAY_ASSIGN_OR_RETURN(Subject subject, resolve(s, keys_, clock_, query));
    nlohmann::json out = {{"generated_at", core::formatIso8601(clock_.nowMillis())},
                          {"requested_by", subject.by},
                          {"customers", nlohmann::json::array()},
                          {"carts", nlohmann::json::array()},
                          {"orders", nlohmann::json::array()},
                          {"consent_events", nlohmann::json::array()},
                          {"messages", nlohmann::json::array()}};
    for (const Customer& c : subject.customers) {
      out["customers"].push_back(customerJson(c));
      core::store::CartRepo::Filter cart_filter;
      cart_filter.customer_id = c.id;
      cart_filter.limit = kListLimit;
      CARTRELAY_ASSIGN_OR_RETURN(auto cart_list, carts.list(s, cart_filter));
      for (const auto& cart : cart_list) {
        out["carts"].push_back({{"cart_id", cart.id},
                                {"shop_id", cart.shop_id},
                                {"state", core::model::toString(cart.state)},
                                {"total_minor", cart.total.minor},
                                {"currency", cart.total.currency},
                                {"recovery_url", cart.recovery_url},
                                {"updated_at", core::formatIso8601(cart.platform_updated_at_ms)},
                                {"items", itemsJson(cart.items)}});
      }
      core::store::OrderRepo::Filter order_filter;
      order_filter.customer_id = c.id;
      order_filter.limit = kListLimit;
      CARTRELAY_ASSIGN_OR_RETURN(auto order_list, orders.list(s, order_filter));
      for (const auto& order : order_list) {
        out["orders"].push_back({{"order_id", order.id},
                                 {"shop_id", order.shop_id},
                                 {"name", order.name},
                                 {"total_minor", order.total.minor},
                                 {"currency", order.total.currency},
                                 {"financial_status", order.financial_status},
                                 {"fulfillment_status", order.fulfillment_status},
                                 {"placed_at", core::formatIso8601(order.placed_at_ms)},
                                 {"items", itemsJson(order.items)}});
      }
    }
    CARTRELAY_ASSIGN_OR_RETURN(std::vector<std::int64_t> shops, shopIds(s));
    for (const std::string& ref : subject.refs) {
      for (std::int64_t shop : shops) {
        CARTRELAY_ASSIGN_OR_RETURN(auto events, ledger_.history(s, shop, ref));
        for (const ConsentEvent& e : events) {
          out["consent_events"].push_back({{"shop_id", shop},
                                           {"status", toString(e.status)},
                                           {"event_type", e.event_type},
                                           {"source", e.source},
                                           {"capture_point", e.capture_point},
                                           {"purposes", formatPurposeScope(e.purpose_scope)},
                                           {"given_at", core::formatIso8601(e.event_at)},
                                           {"recorded_at", core::formatIso8601(e.received_at)},
                                           {"withdrawal_channel", e.withdrawal_channel}});
        }
      }
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.export", [&]() -> Status {
        std::string subject_ref = ref;
        std::int64_t id = 0;
        std::int64_t shop = 0;
        std::int64_t created = 0;
        std::int64_t clicks = 0;
        std::string tmpl, journey, step, decision, state, reason;
        soci::indicator reason_ind = soci::i_null;
        soci::statement st =
            (s.prepare << "SELECT id, shop_id, template, journey, step, decision, reason, state,"
                          " created_at_ms, (SELECT COALESCE(SUM(l.clicks), 0) FROM tracked_links l"
                          " WHERE l.outbox_id = outbox.id) FROM outbox WHERE subject_ref = :s"
                          " ORDER BY id",
             soci::into(id), soci::into(shop), soci::into(tmpl), soci::into(journey),
             soci::into(step), soci::into(decision), soci::into(reason, reason_ind),
             soci::into(state), soci::into(created), soci::into(clicks), soci::use(subject_ref));
        st.execute();
        while (st.fetch()) {
          out["messages"].push_back({{"outbox_id", id},
                                     {"shop_id", shop},
                                     {"template", tmpl},
                                     {"journey", journey},
                                     {"step", step},
                                     {"decision", decision},
                                     {"reason", reason_ind == soci::i_ok ? reason : ""},
                                     {"state", state},
                                     {"decided_at", core::formatIso8601(created)},
                                     {"link_clicks", clicks}});
        }
        return Status::ok();
      }));
    }
    if (subject.customers.empty() && out["consent_events"].empty() && out["messages"].empty()) {
      return Status::notFound("nothing is held about this person");
    }
    for (const std::string& ref : subject.refs.empty() ? std::set<std::string>{""} : subject.refs) {
      AuditEvent audited{"subject.exported",
                         std::string(actor),
                         ref,
                         {{"requested_by", subject.by},
                          {"customers", subject.customers.size()},
                          {"carts", out["carts"].size()},
                          {"orders", out["orders"].size()},
                          {"consent_events", out["consent_events"].size()},
                          {"messages", out["messages"].size()}}};
      CARTRELAY_RETURN_IF_ERROR(audit_.append(s, audited).status());
    }
    return out;
  });
}

Result<SubjectRights::Erasure> SubjectRights::erase(const SubjectQuery& query,
                                                    std::string_view actor) const {
  core::store::CustomerRepo customers(keys_, clock_);
  return db_.queryTransaction([&](soci::session& s) -> Result<Erasure> {
    CARTRELAY_ASSIGN_OR_RETURN(Subject subject, resolve(s, keys_, clock_, query));
    Erasure out;
    for (const Customer& c : subject.customers) {
      // The raw webhook bodies that concerned them, found through the
      // events they caused, are destroyed; the rows stay, so a redelivery
      // of the same webhook is still recognised as a duplicate and cannot
      // bring the person back. A body still waiting to be processed stays.
      CARTRELAY_ASSIGN_OR_RETURN(
          int removed,
          change(s, "inbox.erase",
                 "UPDATE inbox SET data_key = NULL, body_enc = NULL WHERE state <> 'received' AND"
                 " body_enc IS NOT NULL AND id IN (SELECT inbox_id FROM domain_events WHERE"
                 " inbox_id IS NOT NULL AND customer_id = :c)",
                 c.id));
      out.inbox_rows += removed;
      CARTRELAY_RETURN_IF_ERROR(customers.eraseDataKey(s, c.id));
      ++out.customers;
    }
    for (const std::string& ref : subject.refs) {
      CARTRELAY_ASSIGN_OR_RETURN(
          int inbox, change(s, "inbox.erase",
                            "UPDATE inbox SET data_key = NULL, body_enc = NULL WHERE state <>"
                            " 'received' AND body_enc IS NOT NULL AND id IN (SELECT inbox_id FROM"
                            " domain_events WHERE inbox_id IS NOT NULL AND subject_hash = :s)",
                            std::string(ref)));
      out.inbox_rows += inbox;
      CARTRELAY_ASSIGN_OR_RETURN(
          int consents, change(s, "consent_events.erase",
                               "UPDATE consent_events SET data_key = NULL, recipient_enc = NULL,"
                               " evidence_enc = NULL WHERE subject_ref = :s",
                               std::string(ref)));
      out.consent_events += consents;
      // Their messages' tracked links go with the content (each target is
      // sealed under the message's key, and what they clicked is theirs).
      CARTRELAY_ASSIGN_OR_RETURN(
          int links, change(s, "tracked_links.erase",
                            "DELETE FROM tracked_links WHERE outbox_id IN (SELECT id FROM outbox"
                            " WHERE subject_ref = :s)",
                            std::string(ref)));
      out.tracked_links += links;
      CARTRELAY_ASSIGN_OR_RETURN(int messages,
                                 change(s, "outbox.erase",
                                        "UPDATE outbox SET data_key = NULL, recipient_enc = NULL,"
                                        " params_enc = NULL WHERE subject_ref = :s",
                                        std::string(ref)));
      out.outbox_rows += messages;
      CARTRELAY_RETURN_IF_ERROR(change(s, "whatsapp_contacts.erase",
                                       "DELETE FROM whatsapp_contacts WHERE subject_ref = :s",
                                       std::string(ref))
                                    .status());
      // Messages still waiting to go can no longer be sent (their content
      // is gone) and must not be (rule 46).
      CARTRELAY_RETURN_IF_ERROR(
          change(s, "outbox.erase_pending",
                 "UPDATE outbox SET state = 'suppressed', reason = 'ERASED'"
                 " WHERE subject_ref = :s AND state IN ('queued', 'deferred')",
                 std::string(ref))
              .status());
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("subject_suppressions.put", [&]() -> Status {
        std::string subject_ref = ref;
        std::int64_t now = clock_.nowMillis();
        long long present = 0;
        s << "SELECT COUNT(*) FROM subject_suppressions WHERE subject_ref = :s",
            soci::use(subject_ref), soci::into(present);
        if (present == 0) {
          s << "INSERT INTO subject_suppressions (subject_ref, reason, created_at_ms)"
               " VALUES (:s, 'erased', :t)",
              soci::use(subject_ref), soci::use(now);
        }
        return Status::ok();
      }));
      out.subject_refs.push_back(ref);
    }
    if (out.customers == 0 && out.consent_events == 0 && out.outbox_rows == 0) {
      return Status::notFound("nothing is held about this person");
    }
    for (const std::string& ref : subject.refs.empty() ? std::set<std::string>{""} : subject.refs) {
      AuditEvent audited{"subject.erased",
                         std::string(actor),
                         ref,
                         {{"requested_by", subject.by},
                          {"customers", out.customers},
                          {"consent_events", out.consent_events},
                          {"outbox_rows", out.outbox_rows},
                          {"tracked_links", out.tracked_links},
                          {"inbox_rows", out.inbox_rows}}};
      CARTRELAY_RETURN_IF_ERROR(audit_.append(s, audited).status());
    }
    return out;
  });
}

}  // namespace cartrelay::compliance
