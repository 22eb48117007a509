#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/model/change_set.h"
#include "core/model/customer.h"
#include "core/ports/event_mapper.h"
#include "core/util/result.h"
#include "core/util/status.h"

// The JSON-reading vocabulary shared by the WooCommerce mappings
// (order_mapping, customer_mapping, cart_plugin_mapping). Internal to this
// connector: the public entry point is WooCommerceEventMapper (event_mapper.h).
//
// Every reader names the field it failed on by its path in the payload
// ("line_items[1].total: expected a decimal") and never quotes the value: a
// payload carries names, e-mails and phones, and error messages end up in the
// inbox's quarantine reason and in logs (core/util/status.h).
//
// All functions are pure and thread-safe.
namespace cartrelay::connectors::woocommerce {

// A position in a parsed JSON document: the value found there (JSON null when
// the key or index does not exist) plus the path that led to it. A JsonField
// only points into the document, which must outlive it.
class JsonField {
 public:
  // The document's root; its path is empty.
  explicit JsonField(const nlohmann::json& root);
  JsonField(const JsonField&) = default;
  JsonField& operator=(const JsonField&) = default;
  JsonField(JsonField&&) noexcept = default;
  JsonField& operator=(JsonField&&) noexcept = default;

  // The member `key` of an object ("billing.phone"); null when this is not an
  // object or has no such member.
  JsonField operator[](std::string_view key) const;
  // Element `index` of an array ("line_items[1]"); null when out of range.
  JsonField at(std::size_t index) const;

  const nlohmann::json& value() const { return *value_; }
  const std::string& path() const { return path_; }
  // True for a missing key and for an explicit JSON null.
  bool absent() const { return value_->is_null(); }

  // kInvalidArgument "<path>: expected <what>" (just "expected <what>" at the root).
  core::Status error(std::string_view what) const;

 private:
  JsonField(const nlohmann::json* value, std::string path);

  const nlohmann::json* value_;  // never null
  std::string path_;
};

// Parses a request body that must be a JSON object. kInvalidArgument
// otherwise; the message gives the byte offset, never the offending text.
core::Result<nlohmann::json> parseJsonObject(std::string_view body);

// A platform id: a positive JSON integer or a string of ASCII digits, returned
// as its decimal text ("727"). Required: absent is an error.
core::Result<std::string> readId(const JsonField& field);

// A whole number: a JSON integer or a string of ASCII digits with an optional
// '-'. `fallback` when absent.
core::Result<std::int64_t> readInteger(const JsonField& field, std::int64_t fallback);

// Text: a JSON string as is, or a JSON number's text (WooCommerce sends some
// ids and codes as numbers). "" when absent; an error for booleans, objects
// and arrays.
core::Result<std::string> readText(const JsonField& field);

// An exact amount in minor units of a currency with `exponent` decimals: a
// decimal string ("1299.90") or a JSON number (read from its JSON text).
// Required: absent is an error, and so is anything parseDecimalMinor refuses
// ("1.299,90").
core::Result<std::int64_t> readAmount(const JsonField& field, int exponent);

// Like readAmount, for values PHP computed in floating point (a line's `price`
// = total / quantity, Abandoned Cart Lite's `total` = a sum of floats): a JSON
// number with more decimals than the currency has (3.3333333333333335,
// 0.30000000000000004) is rounded to the nearest minor unit instead of
// refused, because there is no exact value to keep. Strings stay exact.
core::Result<std::int64_t> readComputedAmount(const JsonField& field, int exponent);

// A UTC time from an ISO 8601 string (WooCommerce's `*_gmt` fields carry no
// zone and are UTC). nullopt when absent or empty.
core::Result<std::optional<std::int64_t>> readTime(const JsonField& field);

// The `name` of every object in an array of objects (categories, tags), in
// order. Empty when absent.
core::Result<std::vector<std::string>> readNames(const JsonField& array);

// The ISO 4217 code of the payload's `currency` field, upper case; the shop's
// configured currency when the field is absent or empty.
core::Result<std::string> readCurrency(const JsonField& field,
                                       const core::ports::MappingContext& context);

// An optional reference id (a line's product_id or variation_id): its decimal
// text, or "" when absent, empty or 0 (WooCommerce writes 0 for "no
// variation" and for a product deleted since the order).
core::Result<std::string> readOptionalId(const JsonField& field);

// The unit price of a line whose amount is `line_minor` for `quantity` units:
// the exact quotient when there is one, else rounded to the nearest minor
// unit (half away from zero), since a unit price is shown, never summed.
// `line_minor` itself when quantity is not positive.
std::int64_t unitPriceOf(std::int64_t line_minor, std::int64_t quantity);

// `text` when it is a short machine word ([a-z0-9_.-], at most 40 bytes, the
// shape of a WooCommerce status or topic), else "(other)": for naming a
// payload's status or topic in a note without copying arbitrary input.
std::string safeWord(std::string_view text);

// A WooCommerce billing block as a customer: names, e-mail, phone (normalised
// with libphonenumber, default region = billing.country, else
// shipping.country, else the shop's country) and the postal address (country
// code upper case, everything else byte-exact). No platform id.
core::Result<core::model::Customer> readBillingContact(const JsonField& billing,
                                                       const JsonField& shipping,
                                                       const core::ports::MappingContext& context);

// The default phone region for a payload: the first non-empty of the given
// country codes (upper-cased), else the shop's country.
std::string phoneRegion(std::initializer_list<std::string_view> countries,
                        const core::ports::MappingContext& context);

// True when the customer carries something the applier can find or create a
// customer by: a platform id, a phone or an e-mail.
bool hasIdentity(const core::model::Customer& customer);

// The identity part of a customer (platform id, phone, e-mail): what a
// ConsentObservation names as its subject.
core::model::Customer identityOf(const core::model::Customer& customer);

// The shop's WhatsApp opt-in as recorded in `meta_data` under the configured
// key (shopify-woocommerce.md §10: WooCommerce core has no consent field, so
// the merchant names the meta key of their checkout checkbox). nullopt when no
// key is configured, the payload has no entry with that key (the last entry
// wins when there are several), or the subject has no identity. "yes", "1",
// "true", "on" (ASCII case-insensitive) and JSON true mean "subscribed";
// every other value "not_subscribed".
core::Result<std::optional<core::model::ConsentObservation>> readMetaConsent(
    const JsonField& meta_data, const core::model::Customer& subject, std::int64_t observed_at_ms,
    const core::ports::MappingContext& context);

}  // namespace cartrelay::connectors::woocommerce
