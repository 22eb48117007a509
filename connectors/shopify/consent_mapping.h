#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "connectors/shopify/json_fields.h"
#include "connectors/shopify/payload_context.h"
#include "core/model/change_set.h"
#include "core/model/customer.h"
#include "core/util/result.h"
#include "core/util/status.h"

// What Shopify says about marketing consent (shared/reference/
// shopify-woocommerce.md §4), as ConsentObservations: evidence for the
// compliance ledger, never consent by itself. States and opt-in levels are
// the platform's words in lower case ("not_subscribed", "single_opt_in");
// collected_from in upper case ("OTHER", "SHOPIFY") because the REST and
// webhook payloads disagree on its case. A consent object whose state is null
// says nothing and yields no observation. Pure; errors as in json_fields.h.
namespace cartrelay::connectors::shopify {

// Appends the observations carried by a customer object's
// `email_marketing_consent` and `sms_marketing_consent` ({state,
// opt_in_level, consent_updated_at, consent_collected_from}); absent objects
// add nothing. observed_at = consent_updated_at, else context.fallback_time_ms.
core::Status appendCustomerConsents(const JsonField& customer_object,
                                    const core::model::Customer& customer,
                                    const PayloadContext& context,
                                    std::vector<core::model::ConsentObservation>& out);

// A box the buyer ticked at checkout (buyer_accepts_marketing and friends):
// state "subscribed", no opt-in level. Only a true box is evidence; callers
// do not emit false.
core::model::ConsentObservation tickedBoxObservation(const core::model::Customer& subject,
                                                     std::string channel, std::string source,
                                                     std::int64_t observed_at_ms);

// customers_email_marketing_consent/update: {customer_id, email_address,
// email_marketing_consent{...}} -> channel "email".
core::Result<core::model::ChangeSet> mapEmailConsentUpdate(const nlohmann::json& payload,
                                                           const PayloadContext& context);

// customers_marketing_consent/update (SMS): {id, phone, sms_marketing_consent{...}}
// -> channel "sms".
core::Result<core::model::ChangeSet> mapSmsConsentUpdate(const nlohmann::json& payload,
                                                         const PayloadContext& context);

// customers_whats_app_marketing_consent/update: {customer_id, phone_number,
// whats_app_marketing_consent{state, opt_in_level, updated_at, collected_from}}
// -> channel "whatsapp".
core::Result<core::model::ChangeSet> mapWhatsAppConsentUpdate(const nlohmann::json& payload,
                                                              const PayloadContext& context);

}  // namespace cartrelay::connectors::shopify
