#include "connectors/woocommerce/customer_mapping.h"

#include <optional>
#include <string>
#include <utility>

#include "connectors/woocommerce/payload_mapping.h"
#include "core/util/text.h"

namespace cartrelay::connectors::woocommerce {

using core::Result;
using core::model::ChangeSet;

namespace {

// The object's last-modified time, falling back as described in
// customer_mapping.h.
Result<std::int64_t> readUpdatedAt(const JsonField& object, std::int64_t received_at_ms) {
  CARTRELAY_ASSIGN_OR_RETURN(std::optional<std::int64_t> modified,
                             readTime(object["date_modified_gmt"]));
  if (modified) return *modified;
  CARTRELAY_ASSIGN_OR_RETURN(std::optional<std::int64_t> created,
                             readTime(object["date_created_gmt"]));
  return created.value_or(received_at_ms);
}

// `primary` unless it is blank, then `fallback`.
std::string preferNonEmpty(std::string primary, std::string fallback) {
  if (!core::trimAsciiWhitespace(primary).empty()) return primary;
  return fallback;
}

}  // namespace

Result<ChangeSet> mapCustomer(std::string_view body, std::int64_t received_at_ms,
                              const core::ports::MappingContext& context) {
  CARTRELAY_ASSIGN_OR_RETURN(nlohmann::json document, parseJsonObject(body));
  const JsonField object(document);
  CARTRELAY_ASSIGN_OR_RETURN(core::model::Customer customer,
                             readBillingContact(object["billing"], object["shipping"], context));
  CARTRELAY_ASSIGN_OR_RETURN(customer.platform_customer_id, readId(object["id"]));
  // The account's own fields win; the billing block fills what the account
  // lacks (a customer created at checkout may have only billing data).
  CARTRELAY_ASSIGN_OR_RETURN(std::string email, readText(object["email"]));
  CARTRELAY_ASSIGN_OR_RETURN(std::string first_name, readText(object["first_name"]));
  CARTRELAY_ASSIGN_OR_RETURN(std::string last_name, readText(object["last_name"]));
  customer.email = preferNonEmpty(std::move(email), std::move(customer.email));
  customer.first_name = preferNonEmpty(std::move(first_name), std::move(customer.first_name));
  customer.last_name = preferNonEmpty(std::move(last_name), std::move(customer.last_name));
  CARTRELAY_ASSIGN_OR_RETURN(customer.platform_updated_at_ms,
                             readUpdatedAt(object, received_at_ms));

  ChangeSet changes;
  CARTRELAY_ASSIGN_OR_RETURN(
      auto consent,
      readMetaConsent(object["meta_data"], customer, customer.platform_updated_at_ms, context));
  if (consent) changes.consents.push_back(std::move(*consent));
  changes.customers.push_back(std::move(customer));
  return changes;
}

Result<ChangeSet> mapCustomerDeletion(std::string_view body, std::int64_t received_at_ms) {
  CARTRELAY_ASSIGN_OR_RETURN(nlohmann::json document, parseJsonObject(body));
  CARTRELAY_ASSIGN_OR_RETURN(std::string id, readId(JsonField(document)["id"]));
  ChangeSet changes;
  changes.deletions.push_back(
      core::model::Deletion{core::model::DeletionKind::kCustomer, id, "", received_at_ms});
  return changes;
}

Result<ChangeSet> mapProduct(std::string_view body, std::int64_t received_at_ms) {
  CARTRELAY_ASSIGN_OR_RETURN(nlohmann::json document, parseJsonObject(body));
  const JsonField object(document);
  core::model::Product product;
  CARTRELAY_ASSIGN_OR_RETURN(product.platform_product_id, readId(object["id"]));
  CARTRELAY_ASSIGN_OR_RETURN(product.title, readText(object["name"]));
  CARTRELAY_ASSIGN_OR_RETURN(product.categories, readNames(object["categories"]));
  CARTRELAY_ASSIGN_OR_RETURN(product.tags, readNames(object["tags"]));
  CARTRELAY_ASSIGN_OR_RETURN(product.platform_updated_at_ms, readUpdatedAt(object, received_at_ms));
  ChangeSet changes;
  changes.products.push_back(std::move(product));
  return changes;
}

}  // namespace cartrelay::connectors::woocommerce
