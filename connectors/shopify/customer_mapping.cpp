#include "connectors/shopify/customer_mapping.h"

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "connectors/shopify/consent_mapping.h"
#include "core/util/phone.h"
#include "core/util/text.h"

namespace cartrelay::connectors::shopify {

namespace {

using core::Result;
using core::Status;
using core::model::Address;
using core::model::ChangeSet;
using core::model::Customer;

Result<Address> addressFrom(const JsonField& object) {
  Address address;
  if (object.isNull()) return address;
  CARTRELAY_RETURN_IF_ERROR(object.requireObject());
  CARTRELAY_ASSIGN_OR_RETURN(address.address1, object["address1"].text());
  CARTRELAY_ASSIGN_OR_RETURN(address.address2, object["address2"].text());
  CARTRELAY_ASSIGN_OR_RETURN(address.city, object["city"].text());
  CARTRELAY_ASSIGN_OR_RETURN(address.province, object["province"].text());
  CARTRELAY_ASSIGN_OR_RETURN(address.postal_code, object["zip"].text());
  CARTRELAY_ASSIGN_OR_RETURN(std::string country, object["country_code"].text());
  address.country_code = core::asciiUpper(country);
  return address;
}

// Numbers written without a country code are read in the customer's own
// country when the platform knows it, else in the shop's (DESIGN.md "Phones").
std::string phoneRegion(const Address& address, const PayloadContext& context) {
  return address.country_code.empty() ? context.shop.country : address.country_code;
}

void setPhone(Customer& customer, std::string_view raw, std::string_view region) {
  const core::NormalisedPhone phone = core::normalisePhone(raw, region);
  customer.phone = phone.value;
  customer.phone_valid = phone.valid;
}

Status readNames(const JsonField& object, Customer& customer) {
  CARTRELAY_ASSIGN_OR_RETURN(customer.first_name, object["first_name"].text());
  CARTRELAY_ASSIGN_OR_RETURN(customer.last_name, object["last_name"].text());
  return Status::ok();
}

Result<Customer> guestFrom(const JsonField& root, const PayloadContext& context) {
  Customer guest;
  CARTRELAY_ASSIGN_OR_RETURN(guest.email, root["email"].text());
  if (guest.email.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(guest.email, root["contact_email"].text());
  }
  const JsonField billing = root["billing_address"];
  const JsonField address = billing.isNull() ? root["shipping_address"] : billing;
  CARTRELAY_ASSIGN_OR_RETURN(guest.address, addressFrom(address));
  CARTRELAY_RETURN_IF_ERROR(readNames(address, guest));
  CARTRELAY_ASSIGN_OR_RETURN(std::string phone, root["phone"].text());
  // Many checkouts only carry the number the buyer typed into the address form.
  if (phone.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(phone, address["phone"].text());
  }
  setPhone(guest, phone, phoneRegion(guest.address, context));
  return guest;
}

}  // namespace

Result<Customer> customerFromObject(const JsonField& object, const PayloadContext& context) {
  CARTRELAY_RETURN_IF_ERROR(object.requireObject());
  Customer customer;
  CARTRELAY_ASSIGN_OR_RETURN(customer.platform_customer_id, object["id"].id());
  CARTRELAY_ASSIGN_OR_RETURN(customer.email, object["email"].text());
  CARTRELAY_RETURN_IF_ERROR(readNames(object, customer));
  CARTRELAY_ASSIGN_OR_RETURN(customer.address, addressFrom(object["default_address"]));
  CARTRELAY_ASSIGN_OR_RETURN(std::string phone, object["phone"].text());
  setPhone(customer, phone, phoneRegion(customer.address, context));
  CARTRELAY_ASSIGN_OR_RETURN(customer.tags, object["tags"].tags());
  CARTRELAY_ASSIGN_OR_RETURN(auto updated, object["updated_at"].time());
  customer.platform_updated_at_ms = updated.value_or(context.fallback_time_ms);
  return customer;
}

Result<std::optional<Customer>> buyerOf(const JsonField& root, const PayloadContext& context) {
  const JsonField customer = root["customer"];
  if (!customer.isNull()) {
    CARTRELAY_ASSIGN_OR_RETURN(Customer known, customerFromObject(customer, context));
    // An object with every identifying field redacted (protected customer
    // data not granted) is no better than none: try the checkout's own fields.
    if (identifiesSomebody(known)) return std::optional<Customer>(std::move(known));
  }
  CARTRELAY_ASSIGN_OR_RETURN(Customer guest, guestFrom(root, context));
  if (!identifiesSomebody(guest)) return std::optional<Customer>();
  return std::optional<Customer>(std::move(guest));
}

Customer identityOf(const Customer& customer) {
  Customer identity;
  identity.platform_customer_id = customer.platform_customer_id;
  identity.phone = customer.phone;
  identity.phone_valid = customer.phone_valid;
  identity.email = customer.email;
  return identity;
}

bool identifiesSomebody(const Customer& customer) {
  return !customer.platform_customer_id.empty() || !customer.phone.empty() ||
         !customer.email.empty();
}

Result<ChangeSet> mapCustomer(const nlohmann::json& payload, const PayloadContext& context) {
  const JsonField root(payload, "");
  CARTRELAY_RETURN_IF_ERROR(root.requireObject());
  CARTRELAY_RETURN_IF_ERROR(root["id"].requiredId().status());
  ChangeSet changes;
  CARTRELAY_ASSIGN_OR_RETURN(Customer customer, customerFromObject(root, context));
  CARTRELAY_RETURN_IF_ERROR(appendCustomerConsents(root, customer, context, changes.consents));
  changes.customers.push_back(std::move(customer));
  return changes;
}

Result<ChangeSet> mapCustomerDeletion(const nlohmann::json& payload, const PayloadContext&) {
  const JsonField root(payload, "");
  CARTRELAY_RETURN_IF_ERROR(root.requireObject());
  core::model::Deletion deletion;
  deletion.kind = core::model::DeletionKind::kCustomer;
  CARTRELAY_ASSIGN_OR_RETURN(deletion.platform_id, root["id"].requiredId());
  ChangeSet changes;
  changes.deletions.push_back(std::move(deletion));
  return changes;
}

Result<ChangeSet> mapSubjectRequest(core::model::SubjectRequestKind kind,
                                    const nlohmann::json& payload, const PayloadContext& context) {
  using core::model::SubjectRequestKind;
  const JsonField root(payload, "");
  CARTRELAY_RETURN_IF_ERROR(root.requireObject());
  core::model::SubjectRequest request;
  request.kind = kind;
  if (kind != SubjectRequestKind::kShopRedact) {
    const JsonField customer = root["customer"];
    CARTRELAY_ASSIGN_OR_RETURN(Customer subject, customerFromObject(customer, context));
    if (!identifiesSomebody(subject)) {
      return Status::invalidArgument("customer: no id, email or phone");
    }
    request.subject = identityOf(subject);
  }
  CARTRELAY_ASSIGN_OR_RETURN(request.request_id, root["data_request"]["id"].id());
  const char* orders_key =
      kind == SubjectRequestKind::kDataRequest ? "orders_requested" : "orders_to_redact";
  CARTRELAY_ASSIGN_OR_RETURN(std::vector<JsonField> orders, root[orders_key].elements());
  for (const JsonField& order : orders) {
    CARTRELAY_ASSIGN_OR_RETURN(std::string id, order.requiredId());
    request.platform_order_ids.push_back(std::move(id));
  }
  ChangeSet changes;
  changes.subject_requests.push_back(std::move(request));
  return changes;
}

}  // namespace cartrelay::connectors::shopify
