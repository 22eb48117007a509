#pragma once

#include <optional>

#include <nlohmann/json_fwd.hpp>

#include "connectors/shopify/json_fields.h"
#include "connectors/shopify/payload_context.h"
#include "core/model/change_set.h"
#include "core/model/customer.h"
#include "core/util/result.h"

// Shopify customer objects, wherever they appear: the customers/* webhooks,
// `customer{}` inside checkouts and orders, the compliance webhooks and REST
// responses. All functions are pure; errors are kInvalidArgument naming the
// field by path, never quoting personal data (json_fields.h).
namespace cartrelay::connectors::shopify {

// A Customer from a Shopify customer object: id, email (as received), phone
// (E.164 when valid; default region = default_address.country_code, else
// context.shop.country), first/last name (bytes untouched), default_address,
// tags and updated_at (else context.fallback_time_ms).
core::Result<core::model::Customer> customerFromObject(const JsonField& object,
                                                       const PayloadContext& context);

// The buyer of a checkout or order (`root`): its `customer{}` when present and
// it names somebody, else a guest (no platform id) from `email` (orders: else `contact_email`),
// `phone` (else the address phone) and the billing address (else the shipping
// address) for names and address; a guest's platform_updated_at_ms is 0 so it
// never outranks what the platform said about a known customer. nullopt when
// there is no customer object and no e-mail or phone: nobody known.
core::Result<std::optional<core::model::Customer>> buyerOf(const JsonField& root,
                                                           const PayloadContext& context);

// Identity only (platform id, phone, e-mail): the subject of an observation
// or request.
core::model::Customer identityOf(const core::model::Customer& customer);

// True when a customer reference names somebody (platform id, phone or e-mail).
bool identifiesSomebody(const core::model::Customer& customer);

// customers/create, customers/update: one Customer plus the consent
// observations its email_marketing_consent / sms_marketing_consent objects
// carry (REST shape; the 2026-07 webhook sample has none). `id` is required.
core::Result<core::model::ChangeSet> mapCustomer(const nlohmann::json& payload,
                                                 const PayloadContext& context);

// customers/delete: Deletion{kCustomer, id}.
core::Result<core::model::ChangeSet> mapCustomerDeletion(const nlohmann::json& payload,
                                                         const PayloadContext& context);

// customers/data_request, customers/redact (`customer{id,email,phone}`, which
// must name somebody: a request nobody can act on is quarantined, not dropped)
// and shop/redact (no subject). request_id = data_request.id where present;
// platform_order_ids from orders_requested / orders_to_redact.
core::Result<core::model::ChangeSet> mapSubjectRequest(core::model::SubjectRequestKind kind,
                                                       const nlohmann::json& payload,
                                                       const PayloadContext& context);

}  // namespace cartrelay::connectors::shopify
