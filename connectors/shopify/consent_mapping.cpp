#include "connectors/shopify/consent_mapping.h"

#include <optional>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "connectors/shopify/customer_mapping.h"
#include "core/util/phone.h"
#include "core/util/text.h"

namespace cartrelay::connectors::shopify {

namespace {

using core::Result;
using core::Status;
using core::model::ChangeSet;
using core::model::ConsentObservation;
using core::model::Customer;

// Field names inside one consent object: the WhatsApp object drops the
// "consent_" prefix the e-mail and SMS objects use.
struct ConsentShape {
  std::string_view updated_at;
  std::string_view collected_from;
};
constexpr ConsentShape kClassicShape{"consent_updated_at", "consent_collected_from"};
constexpr ConsentShape kWhatsAppShape{"updated_at", "collected_from"};

// One consent webhook topic: where the subject and the consent object are.
struct ConsentTopic {
  std::string_view topic;
  std::string_view channel;
  std::string_view id_key;
  std::string_view contact_key;
  bool contact_is_email;
  std::string_view consent_key;
  ConsentShape shape;
};

constexpr ConsentTopic kEmailTopic{"customers_email_marketing_consent/update",
                                   "email",
                                   "customer_id",
                                   "email_address",
                                   true,
                                   "email_marketing_consent",
                                   kClassicShape};
constexpr ConsentTopic kSmsTopic{"customers_marketing_consent/update",
                                 "sms",
                                 "id",
                                 "phone",
                                 false,
                                 "sms_marketing_consent",
                                 kClassicShape};
constexpr ConsentTopic kWhatsAppTopic{"customers_whats_app_marketing_consent/update",
                                      "whatsapp",
                                      "customer_id",
                                      "phone_number",
                                      false,
                                      "whats_app_marketing_consent",
                                      kWhatsAppShape};

// nullopt when the object is absent or its state is null/empty.
Result<std::optional<ConsentObservation>> observationFrom(
    const JsonField& consent, const ConsentShape& shape, const Customer& subject,
    std::string_view channel, std::string source, const PayloadContext& context) {
  if (consent.isNull()) return std::optional<ConsentObservation>();
  CARTRELAY_RETURN_IF_ERROR(consent.requireObject());
  CARTRELAY_ASSIGN_OR_RETURN(std::string state, consent["state"].text());
  if (state.empty()) return std::optional<ConsentObservation>();
  ConsentObservation observation;
  observation.subject = identityOf(subject);
  observation.channel = std::string(channel);
  observation.state = core::asciiLower(state);
  CARTRELAY_ASSIGN_OR_RETURN(std::string level, consent["opt_in_level"].text());
  observation.opt_in_level = core::asciiLower(level);
  CARTRELAY_ASSIGN_OR_RETURN(std::string collected, consent[shape.collected_from].text());
  observation.collected_from = core::asciiUpper(collected);
  observation.source = std::move(source);
  CARTRELAY_ASSIGN_OR_RETURN(auto observed, consent[shape.updated_at].time());
  observation.observed_at_ms = observed.value_or(context.fallback_time_ms);
  return std::optional<ConsentObservation>(std::move(observation));
}

Result<ChangeSet> mapConsentTopic(const ConsentTopic& topic, const nlohmann::json& payload,
                                  const PayloadContext& context) {
  const JsonField root(payload, "");
  CARTRELAY_RETURN_IF_ERROR(root.requireObject());
  Customer subject;
  CARTRELAY_ASSIGN_OR_RETURN(subject.platform_customer_id, root[topic.id_key].requiredId());
  CARTRELAY_ASSIGN_OR_RETURN(std::string contact, root[topic.contact_key].text());
  if (topic.contact_is_email) {
    subject.email = std::move(contact);
  } else {
    // The payload carries no address, so the shop's country is the only region.
    const core::NormalisedPhone phone = core::normalisePhone(contact, context.shop.country);
    subject.phone = phone.value;
    subject.phone_valid = phone.valid;
  }
  const JsonField consent = root[topic.consent_key];
  CARTRELAY_RETURN_IF_ERROR(consent.requireObject());
  CARTRELAY_ASSIGN_OR_RETURN(auto observation,
                             observationFrom(consent, topic.shape, subject, topic.channel,
                                             "shopify:" + std::string(topic.topic), context));
  ChangeSet changes;
  if (!observation) {
    changes.ignored_because = "consent update without a state";
    return changes;
  }
  changes.consents.push_back(std::move(*observation));
  return changes;
}

}  // namespace

Status appendCustomerConsents(const JsonField& customer_object, const Customer& customer,
                              const PayloadContext& context, std::vector<ConsentObservation>& out) {
  struct Source {
    std::string_view key;
    std::string_view channel;
  };
  for (const Source& source :
       {Source{"email_marketing_consent", "email"}, Source{"sms_marketing_consent", "sms"}}) {
    CARTRELAY_ASSIGN_OR_RETURN(
        auto observation,
        observationFrom(customer_object[source.key], kClassicShape, customer, source.channel,
                        "shopify:customer." + std::string(source.key), context));
    if (observation) out.push_back(std::move(*observation));
  }
  return Status::ok();
}

ConsentObservation tickedBoxObservation(const Customer& subject, std::string channel,
                                        std::string source, std::int64_t observed_at_ms) {
  ConsentObservation observation;
  observation.subject = identityOf(subject);
  observation.channel = std::move(channel);
  observation.state = "subscribed";
  observation.source = std::move(source);
  observation.observed_at_ms = observed_at_ms;
  return observation;
}

Result<ChangeSet> mapEmailConsentUpdate(const nlohmann::json& payload,
                                        const PayloadContext& context) {
  return mapConsentTopic(kEmailTopic, payload, context);
}

Result<ChangeSet> mapSmsConsentUpdate(const nlohmann::json& payload,
                                      const PayloadContext& context) {
  return mapConsentTopic(kSmsTopic, payload, context);
}

Result<ChangeSet> mapWhatsAppConsentUpdate(const nlohmann::json& payload,
                                           const PayloadContext& context) {
  return mapConsentTopic(kWhatsAppTopic, payload, context);
}

}  // namespace cartrelay::connectors::shopify
