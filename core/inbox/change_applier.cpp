#include "core/inbox/change_applier.h"

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace cartrelay::core::inbox {
namespace {

using model::DomainEventKind;

bool hasIdentity(const model::Customer& c) {
  return !c.platform_customer_id.empty() || !c.phone.empty() || !c.email.empty();
}

// Copies into `stored` what it lacks and `ref` knows; true if anything changed.
bool fillMissing(model::Customer& stored, const model::Customer& ref) {
  bool changed = false;
  auto fill = [&changed](std::string& into, const std::string& from) {
    if (into.empty() && !from.empty()) {
      into = from;
      changed = true;
    }
  };
  if ((stored.phone.empty() || !stored.phone_valid) && ref.phone_valid) {
    stored.phone = ref.phone;
    stored.phone_valid = true;
    changed = true;
  }
  fill(stored.phone, ref.phone);
  fill(stored.email, ref.email);
  fill(stored.first_name, ref.first_name);
  fill(stored.last_name, ref.last_name);
  if (stored.address == model::Address{} && ref.address != model::Address{}) {
    stored.address = ref.address;
    changed = true;
  }
  fill(stored.birthday, ref.birthday);
  return changed;
}

bool isPaid(const std::string& financial_status) { return financial_status == "paid"; }
bool isFulfilled(const std::string& fulfillment_status) {
  return fulfillment_status == "fulfilled";
}

}  // namespace

// One apply() call: the session, the shop and what was done so far.
class ChangeApplier::Run {
 public:
  Run(const ChangeApplier& a, soci::session& s, std::int64_t shop_id,
      std::optional<std::int64_t> inbox_id)
      : a_(a), s_(s), shop_id_(shop_id), inbox_id_(inbox_id) {}

  Outcome outcome;

  Status customer(const model::Customer& in);
  Status product(const model::Product& in);
  Status cart(const model::CartChange& change);
  Status order(const model::OrderChange& change);
  Status consent(const model::ConsentObservation& obs);
  Status subjectRequest(const model::SubjectRequest& request);
  Status deletion(const model::Deletion& deletion);

 private:
  Result<std::optional<std::int64_t>> resolve(const model::Customer& ref, bool create);
  Result<std::optional<model::Customer>> findByContact(const model::Customer& ref);
  Status completeCartOf(const model::Order& order, std::int64_t order_id);
  Result<bool> orderExistsForCart(const std::string& platform_cart_id);

  struct Refs {
    std::optional<std::int64_t> customer_id;
    std::optional<std::int64_t> cart_id;
    std::optional<std::int64_t> order_id;
    std::string subject_phone;  // E.164, hashed into subject_hash
  };
  Status emit(DomainEventKind kind, const Refs& refs, std::int64_t occurred_at_ms,
              nlohmann::json payload = nlohmann::json::object());

  void count(const store::UpsertResult& r) { r.applied ? ++outcome.applied : ++outcome.stale; }

  const ChangeApplier& a_;
  soci::session& s_;
  std::int64_t shop_id_;
  std::optional<std::int64_t> inbox_id_;
};

ChangeApplier::ChangeApplier(const KeyRing& keys, const Clock& clock)
    : keys_(keys),
      clock_(clock),
      customers_(keys, clock),
      carts_(keys, clock),
      orders_(clock),
      products_(clock),
      events_(clock) {}

Result<ChangeApplier::Outcome> ChangeApplier::apply(soci::session& s, std::int64_t shop_id,
                                                    std::optional<std::int64_t> inbox_id,
                                                    const model::ChangeSet& changes) const {
  Run run(*this, s, shop_id, inbox_id);
  // Customers and products first, so carts and orders can refer to them.
  for (const auto& c : changes.customers) CARTRELAY_RETURN_IF_ERROR(run.customer(c));
  for (const auto& p : changes.products) CARTRELAY_RETURN_IF_ERROR(run.product(p));
  for (const auto& c : changes.carts) CARTRELAY_RETURN_IF_ERROR(run.cart(c));
  for (const auto& o : changes.orders) CARTRELAY_RETURN_IF_ERROR(run.order(o));
  for (const auto& c : changes.consents) CARTRELAY_RETURN_IF_ERROR(run.consent(c));
  for (const auto& r : changes.subject_requests) CARTRELAY_RETURN_IF_ERROR(run.subjectRequest(r));
  for (const auto& d : changes.deletions) CARTRELAY_RETURN_IF_ERROR(run.deletion(d));
  return run.outcome;
}

Status ChangeApplier::Run::emit(DomainEventKind kind, const Refs& refs, std::int64_t occurred_at_ms,
                                nlohmann::json payload) {
  model::DomainEvent event;
  event.shop_id = shop_id_;
  event.kind = kind;
  event.customer_id = refs.customer_id;
  event.cart_id = refs.cart_id;
  event.order_id = refs.order_id;
  if (!refs.subject_phone.empty()) {
    event.subject_hash = a_.keys_.hasher().hash("phone", refs.subject_phone);
  }
  event.inbox_id = inbox_id_;
  event.occurred_at_ms = occurred_at_ms > 0 ? occurred_at_ms : a_.clock_.nowMillis();
  event.payload_json = payload.dump();
  CARTRELAY_ASSIGN_OR_RETURN(std::int64_t id, a_.events_.append(s_, event));
  (void)id;
  ++outcome.events;
  return Status::ok();
}

Result<std::optional<model::Customer>> ChangeApplier::Run::findByContact(
    const model::Customer& ref) {
  if (ref.phone_valid && !ref.phone.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(auto by_phone, a_.customers_.findByPhone(s_, ref.phone, shop_id_));
    if (!by_phone.empty()) return std::optional<model::Customer>(by_phone.front());
  }
  if (!ref.email.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(auto by_email, a_.customers_.findByEmail(s_, ref.email, shop_id_));
    if (!by_email.empty()) return std::optional<model::Customer>(by_email.front());
  }
  return std::optional<model::Customer>();
}

Result<std::optional<std::int64_t>> ChangeApplier::Run::resolve(const model::Customer& ref,
                                                                bool create) {
  if (!hasIdentity(ref)) return std::optional<std::int64_t>();
  std::optional<model::Customer> stored;
  if (!ref.platform_customer_id.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(
        stored, a_.customers_.findByPlatformId(s_, shop_id_, ref.platform_customer_id));
  } else {
    CARTRELAY_ASSIGN_OR_RETURN(stored, findByContact(ref));
  }
  if (stored) {
    // A reference fills gaps but keeps the stored time, so it never wins over
    // (or loses to) a real customer update.
    if (!stored->erased && fillMissing(*stored, ref)) {
      CARTRELAY_ASSIGN_OR_RETURN(auto r, a_.customers_.upsert(s_, *stored));
      count(r);
    }
    return std::optional<std::int64_t>(stored->id);
  }
  if (!create) return std::optional<std::int64_t>();

  model::Customer fresh = ref;
  fresh.shop_id = shop_id_;
  if (fresh.platform_customer_id.empty()) {
    // A guest: a stable id derived from the contact (keyed, so it reveals
    // nothing without the lookup key).
    const std::string contact = ref.phone_valid && !ref.phone.empty()
                                    ? "phone:" + ref.phone
                                    : "email:" + store::CustomerRepo::normaliseEmail(ref.email);
    fresh.platform_customer_id = "guest:" + a_.keys_.hasher().hash("guest", contact).substr(0, 32);
  }
  CARTRELAY_ASSIGN_OR_RETURN(auto r, a_.customers_.upsert(s_, fresh));
  count(r);
  return std::optional<std::int64_t>(r.id);
}

Status ChangeApplier::Run::customer(const model::Customer& in) {
  if (in.platform_customer_id.empty()) return resolve(in, /*create=*/true).status();
  model::Customer c = in;
  c.shop_id = shop_id_;
  CARTRELAY_ASSIGN_OR_RETURN(auto r, a_.customers_.upsert(s_, c));
  count(r);
  if (!r.applied) return Status::ok();
  return emit(DomainEventKind::kCustomerUpdated,
              Refs{r.id, {}, {}, c.phone_valid ? c.phone : std::string()},
              c.platform_updated_at_ms);
}

Status ChangeApplier::Run::product(const model::Product& in) {
  model::Product p = in;
  p.shop_id = shop_id_;
  CARTRELAY_ASSIGN_OR_RETURN(auto r, a_.products_.upsert(s_, p));
  count(r);
  if (!r.applied) return Status::ok();
  return emit(DomainEventKind::kProductUpdated, Refs{}, p.platform_updated_at_ms,
              {{"product_id", r.id}, {"platform_product_id", p.platform_product_id}});
}

Result<bool> ChangeApplier::Run::orderExistsForCart(const std::string& platform_cart_id) {
  store::OrderRepo::Filter filter;
  filter.shop_id = shop_id_;
  filter.checkout_token = platform_cart_id;
  filter.limit = 1;
  CARTRELAY_ASSIGN_OR_RETURN(auto found, a_.orders_.list(s_, filter));
  return !found.empty();
}

Status ChangeApplier::Run::cart(const model::CartChange& change) {
  model::Cart c = change.cart;
  c.shop_id = shop_id_;
  c.customer_id.reset();
  if (change.buyer) {
    CARTRELAY_ASSIGN_OR_RETURN(c.customer_id, resolve(*change.buyer, /*create=*/true));
  }
  if (c.state == model::CartState::kOpen) {
    CARTRELAY_ASSIGN_OR_RETURN(bool bought, orderExistsForCart(c.platform_cart_id));
    if (bought) c.state = model::CartState::kCompleted;
  }
  CARTRELAY_ASSIGN_OR_RETURN(auto prior,
                             a_.carts_.findByPlatformId(s_, shop_id_, c.platform_cart_id));
  CARTRELAY_ASSIGN_OR_RETURN(auto r, a_.carts_.upsert(s_, c));
  count(r);
  if (!r.applied) return Status::ok();

  const std::string phone =
      change.buyer && change.buyer->phone_valid ? change.buyer->phone : std::string();
  const Refs refs{c.customer_id, r.id, {}, phone};
  CARTRELAY_RETURN_IF_ERROR(emit(DomainEventKind::kCartUpdated, refs, c.platform_updated_at_ms,
                                 {{"state", model::toString(c.state)},
                                  {"contact_captured", c.contact_captured},
                                  {"total_minor", c.total.minor},
                                  {"currency", c.total.currency}}));
  const bool was = prior.has_value();
  if (c.state == model::CartState::kCompleted &&
      (!was || prior->state != model::CartState::kCompleted)) {
    CARTRELAY_RETURN_IF_ERROR(
        emit(DomainEventKind::kCheckoutCompleted, refs, c.platform_updated_at_ms));
  }
  if (c.state == model::CartState::kDeleted &&
      (!was || prior->state != model::CartState::kDeleted)) {
    CARTRELAY_RETURN_IF_ERROR(emit(DomainEventKind::kCartDeleted, refs, c.platform_updated_at_ms));
  }
  return Status::ok();
}

Status ChangeApplier::Run::completeCartOf(const model::Order& order, std::int64_t order_id) {
  std::optional<model::Cart> cart;
  if (!order.checkout_token.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(cart,
                               a_.carts_.findByPlatformId(s_, shop_id_, order.checkout_token));
  }
  if (!cart && !order.cart_token.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(cart, a_.carts_.findByCartToken(s_, shop_id_, order.cart_token));
  }
  if (!cart || cart->state == model::CartState::kCompleted) return Status::ok();
  CARTRELAY_RETURN_IF_ERROR(a_.carts_.setState(s_, cart->id, model::CartState::kCompleted));
  return emit(
      DomainEventKind::kCheckoutCompleted,
      Refs{cart->customer_id ? cart->customer_id : order.customer_id, cart->id, order_id, {}},
      order.placed_at_ms, {{"platform_order_id", order.platform_order_id}});
}

Status ChangeApplier::Run::order(const model::OrderChange& change) {
  model::Order o = change.order;
  o.shop_id = shop_id_;
  o.customer_id.reset();
  if (change.buyer) {
    CARTRELAY_ASSIGN_OR_RETURN(o.customer_id, resolve(*change.buyer, /*create=*/true));
  }
  CARTRELAY_ASSIGN_OR_RETURN(auto prior,
                             a_.orders_.findByPlatformId(s_, shop_id_, o.platform_order_id));
  CARTRELAY_ASSIGN_OR_RETURN(auto r, a_.orders_.upsert(s_, o));
  count(r);
  if (r.applied) {
    const std::string phone =
        change.buyer && change.buyer->phone_valid ? change.buyer->phone : std::string();
    const Refs refs{o.customer_id, {}, r.id, phone};
    const nlohmann::json payload = {{"total_minor", o.total.minor},
                                    {"currency", o.total.currency},
                                    {"financial_status", o.financial_status},
                                    {"fulfillment_status", o.fulfillment_status}};
    bool emitted = false;
    auto on = [&](bool condition, DomainEventKind kind) -> Status {
      if (!condition) return Status::ok();
      emitted = true;
      return emit(kind, refs, o.platform_updated_at_ms, payload);
    };
    CARTRELAY_RETURN_IF_ERROR(on(!prior, DomainEventKind::kOrderPlaced));
    CARTRELAY_RETURN_IF_ERROR(
        on(isPaid(o.financial_status) && (!prior || !isPaid(prior->financial_status)),
           DomainEventKind::kOrderPaid));
    CARTRELAY_RETURN_IF_ERROR(
        on(isFulfilled(o.fulfillment_status) && (!prior || !isFulfilled(prior->fulfillment_status)),
           DomainEventKind::kOrderFulfilled));
    CARTRELAY_RETURN_IF_ERROR(
        on(o.cancelled_at_ms.has_value() && (!prior || !prior->cancelled_at_ms.has_value()),
           DomainEventKind::kOrderCancelled));
    if (!emitted) CARTRELAY_RETURN_IF_ERROR(on(true, DomainEventKind::kOrderUpdated));
  }
  return completeCartOf(o, r.id);
}

Status ChangeApplier::Run::consent(const model::ConsentObservation& obs) {
  CARTRELAY_ASSIGN_OR_RETURN(auto customer_id, resolve(obs.subject, /*create=*/true));
  return emit(
      DomainEventKind::kConsentObserved,
      Refs{customer_id, {}, {}, obs.subject.phone_valid ? obs.subject.phone : std::string()},
      obs.observed_at_ms,
      {{"channel", obs.channel},
       {"state", obs.state},
       {"opt_in_level", obs.opt_in_level},
       {"collected_from", obs.collected_from},
       {"source", obs.source},
       {"observed_at_ms", obs.observed_at_ms}});
}

Status ChangeApplier::Run::subjectRequest(const model::SubjectRequest& request) {
  DomainEventKind kind = DomainEventKind::kSubjectDataRequested;
  if (request.kind == model::SubjectRequestKind::kCustomerRedact) {
    kind = DomainEventKind::kSubjectRedactionRequested;
  } else if (request.kind == model::SubjectRequestKind::kShopRedact) {
    kind = DomainEventKind::kShopRedactionRequested;
  }
  // Never create a customer just to erase or export it.
  CARTRELAY_ASSIGN_OR_RETURN(auto customer_id, resolve(request.subject, /*create=*/false));
  const std::string phone = request.subject.phone_valid ? request.subject.phone : std::string();
  return emit(
      kind, Refs{customer_id, {}, {}, phone}, 0,
      {{"request_id", request.request_id},
       {"platform_customer_id", request.subject.platform_customer_id},
       {"platform_order_ids", request.platform_order_ids},
       {"email_hash", request.subject.email.empty()
                          ? std::string()
                          : a_.keys_.hasher().hash("email", store::CustomerRepo::normaliseEmail(
                                                                request.subject.email))}});
}

Status ChangeApplier::Run::deletion(const model::Deletion& d) {
  switch (d.kind) {
    case model::DeletionKind::kCart: {
      std::optional<model::Cart> cart;
      if (!d.platform_id.empty()) {
        CARTRELAY_ASSIGN_OR_RETURN(cart, a_.carts_.findByPlatformId(s_, shop_id_, d.platform_id));
      }
      if (!cart && !d.cart_token.empty()) {
        CARTRELAY_ASSIGN_OR_RETURN(cart, a_.carts_.findByCartToken(s_, shop_id_, d.cart_token));
      }
      if (!cart || cart->state == model::CartState::kDeleted) return Status::ok();
      // A bought cart stays completed: deleting a checkout after its order is
      // Shopify housekeeping, not an abandonment.
      if (cart->state == model::CartState::kCompleted) return Status::ok();
      CARTRELAY_RETURN_IF_ERROR(a_.carts_.setState(s_, cart->id, model::CartState::kDeleted));
      ++outcome.applied;
      return emit(DomainEventKind::kCartDeleted, Refs{cart->customer_id, cart->id, {}, {}},
                  d.deleted_at_ms);
    }
    case model::DeletionKind::kOrder: {
      CARTRELAY_ASSIGN_OR_RETURN(auto order,
                                 a_.orders_.findByPlatformId(s_, shop_id_, d.platform_id));
      if (!order) return Status::ok();
      CARTRELAY_ASSIGN_OR_RETURN(bool removed, a_.orders_.remove(s_, shop_id_, d.platform_id));
      if (!removed) return Status::ok();
      ++outcome.applied;
      return emit(DomainEventKind::kOrderDeleted, Refs{order->customer_id, {}, {}, {}},
                  d.deleted_at_ms, {{"platform_order_id", d.platform_id}});
    }
    case model::DeletionKind::kCustomer: {
      CARTRELAY_ASSIGN_OR_RETURN(auto customer,
                                 a_.customers_.findByPlatformId(s_, shop_id_, d.platform_id));
      if (!customer) return Status::ok();
      return emit(DomainEventKind::kCustomerDeleted, Refs{customer->id, {}, {}, {}},
                  d.deleted_at_ms, {{"platform_customer_id", d.platform_id}});
    }
  }
  return Status::ok();
}

}  // namespace cartrelay::core::inbox
