#include "connectors/woocommerce/payload_mapping.h"

#include <charconv>
#include <cstdio>
#include <limits>
#include <utility>

#include "core/util/clock.h"
#include "core/util/decimal.h"
#include "core/util/phone.h"
#include "core/util/text.h"

namespace cartrelay::connectors::woocommerce {

using core::Result;
using core::Status;
using nlohmann::json;

namespace {

// What a missing key or index reads as. A constant, shared by all fields.
const json& nullJson() {
  static const json kNull;
  return kNull;
}

bool isDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The JSON text of a number, which is what the platform wrote (nlohmann keeps
// integers exact and prints doubles in their shortest round-trip form).
std::string numberText(const json& value) { return value.dump(); }

Status readTextInto(const JsonField& field, std::string& out) {
  auto text = readText(field);
  if (!text.isOk()) return text.status();
  out = std::move(text).value();
  return Status::ok();
}

bool isTruthy(const json& value) {
  if (value.is_boolean()) return value.get<bool>();
  std::string text;
  if (value.is_string()) {
    text = std::string(core::trimAsciiWhitespace(value.get_ref<const std::string&>()));
  } else if (value.is_number()) {
    text = numberText(value);
  } else {
    return false;
  }
  for (std::string_view word : {"yes", "1", "true", "on"}) {
    if (core::equalsIgnoringAsciiCase(text, word)) return true;
  }
  return false;
}

}  // namespace

JsonField::JsonField(const json& root) : value_(&root) {}

JsonField::JsonField(const json* value, std::string path) : value_(value), path_(std::move(path)) {}

JsonField JsonField::operator[](std::string_view key) const {
  std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  if (value_->is_object()) {
    auto it = value_->find(key);
    if (it != value_->end()) return JsonField(&*it, std::move(path));
  }
  return JsonField(&nullJson(), std::move(path));
}

JsonField JsonField::at(std::size_t index) const {
  std::string path = path_ + "[" + std::to_string(index) + "]";
  if (value_->is_array() && index < value_->size()) {
    return JsonField(&(*value_)[index], std::move(path));
  }
  return JsonField(&nullJson(), std::move(path));
}

Status JsonField::error(std::string_view what) const {
  std::string message = path_.empty() ? std::string() : path_ + ": ";
  message += "expected ";
  message += what;
  return Status::invalidArgument(std::move(message));
}

Result<json> parseJsonObject(std::string_view body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    // nlohmann's own message quotes the last token read, which may be
    // personal data; say only that the body is not JSON.
    return Status::invalidArgument("body: expected JSON");
  }
  if (!parsed.is_object()) return Status::invalidArgument("body: expected a JSON object");
  return parsed;
}

Result<std::string> readId(const JsonField& field) {
  const json& value = field.value();
  // nlohmann reads a non-negative JSON integer as unsigned; one built in code
  // from a signed int stays signed.
  bool positive_number =
      (value.is_number_unsigned() && value.get<std::uint64_t>() > 0) ||
      (value.is_number_integer() && !value.is_number_unsigned() && value.get<std::int64_t>() > 0);
  if (positive_number) return numberText(value);
  if (value.is_string()) {
    std::string_view text = core::trimAsciiWhitespace(value.get_ref<const std::string&>());
    if (isDigits(text) && text.size() <= 20 && text.find_first_not_of('0') != std::string::npos) {
      return std::string(text);
    }
  }
  return field.error("a positive integer id");
}

Result<std::string> readOptionalId(const JsonField& field) {
  const json& value = field.value();
  if (value.is_null()) return std::string();
  if (value.is_number_integer() && value.get<std::int64_t>() == 0) return std::string();
  if (value.is_string()) {
    std::string_view text = core::trimAsciiWhitespace(value.get_ref<const std::string&>());
    if (text.empty() || text == "0") return std::string();
  }
  return readId(field);
}

Result<std::int64_t> readInteger(const JsonField& field, std::int64_t fallback) {
  const json& value = field.value();
  if (value.is_null()) return fallback;
  if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<std::int64_t>();
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() <=
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(value.get<std::uint64_t>());
  }
  if (value.is_string()) {
    std::string_view text = core::trimAsciiWhitespace(value.get_ref<const std::string&>());
    std::int64_t parsed = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, parsed);
    if (!text.empty() && ec == std::errc() && ptr == end) return parsed;
  }
  return field.error("an integer");
}

Result<std::string> readText(const JsonField& field) {
  const json& value = field.value();
  if (value.is_null()) return std::string();
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return numberText(value);
  return field.error("a string");
}

Result<std::int64_t> readAmount(const JsonField& field, int exponent) {
  const json& value = field.value();
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_number()) {
    text = numberText(value);
  } else {
    return field.error("a decimal");
  }
  auto minor = core::parseDecimalMinor(text, exponent);
  if (!minor.isOk()) return field.error("a decimal");
  return minor;
}

Result<std::int64_t> readComputedAmount(const JsonField& field, int exponent) {
  auto exact = readAmount(field, exponent);
  if (exact.isOk() || !field.value().is_number_float()) return exact;
  // A PHP float: print it rounded to the currency's decimals (glibc rounds
  // the binary value correctly), then parse that text exactly.
  char buffer[64];
  int written = std::snprintf(buffer, sizeof buffer, "%.*f", exponent, field.value().get<double>());
  if (written <= 0 || static_cast<std::size_t>(written) >= sizeof buffer) {
    return field.error("a decimal");
  }
  auto rounded = core::parseDecimalMinor(std::string_view(buffer, written), exponent);
  if (!rounded.isOk()) return field.error("a decimal");
  return rounded;
}

Result<std::optional<std::int64_t>> readTime(const JsonField& field) {
  const json& value = field.value();
  if (value.is_null()) return std::optional<std::int64_t>();
  if (!value.is_string()) return field.error("an ISO 8601 time");
  std::string_view text = core::trimAsciiWhitespace(value.get_ref<const std::string&>());
  if (text.empty()) return std::optional<std::int64_t>();
  auto parsed = core::parseIso8601(text);
  if (!parsed.isOk()) return field.error("an ISO 8601 time");
  return std::optional<std::int64_t>(parsed.value());
}

Result<std::vector<std::string>> readNames(const JsonField& array) {
  std::vector<std::string> names;
  if (array.absent()) return names;
  if (!array.value().is_array()) return array.error("an array");
  for (std::size_t i = 0; i < array.value().size(); ++i) {
    JsonField entry = array.at(i);
    if (!entry.value().is_object()) return entry.error("an object");
    CARTRELAY_ASSIGN_OR_RETURN(std::string name, readText(entry["name"]));
    names.push_back(std::move(name));
  }
  return names;
}

Result<std::string> readCurrency(const JsonField& field,
                                 const core::ports::MappingContext& context) {
  CARTRELAY_ASSIGN_OR_RETURN(std::string code, readText(field));
  std::string_view trimmed = core::trimAsciiWhitespace(code);
  return core::asciiUpper(trimmed.empty() ? std::string_view(context.currency) : trimmed);
}

std::int64_t unitPriceOf(std::int64_t line_minor, std::int64_t quantity) {
  if (quantity <= 0) return line_minor;
  std::int64_t quotient = line_minor / quantity;
  std::int64_t remainder = line_minor % quantity;
  // Half away from zero: compare twice the remainder with the divisor.
  if (remainder != 0 && (remainder > 0 ? remainder : -remainder) >= quantity - (quantity / 2)) {
    quotient += line_minor > 0 ? 1 : -1;
  }
  return quotient;
}

std::string safeWord(std::string_view text) {
  if (text.empty() || text.size() > 40) return "(other)";
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return "(other)";
  }
  return std::string(text);
}

std::string phoneRegion(std::initializer_list<std::string_view> countries,
                        const core::ports::MappingContext& context) {
  for (std::string_view country : countries) {
    std::string_view trimmed = core::trimAsciiWhitespace(country);
    if (!trimmed.empty()) return core::asciiUpper(trimmed);
  }
  return core::asciiUpper(context.country);
}

Result<core::model::Customer> readBillingContact(const JsonField& billing,
                                                 const JsonField& shipping,
                                                 const core::ports::MappingContext& context) {
  core::model::Customer contact;
  if (billing.absent()) return contact;
  if (!billing.value().is_object()) return billing.error("an object");
  CARTRELAY_RETURN_IF_ERROR(readTextInto(billing["first_name"], contact.first_name));
  CARTRELAY_RETURN_IF_ERROR(readTextInto(billing["last_name"], contact.last_name));
  CARTRELAY_RETURN_IF_ERROR(readTextInto(billing["email"], contact.email));
  core::model::Address& address = contact.address;
  CARTRELAY_RETURN_IF_ERROR(readTextInto(billing["address_1"], address.address1));
  CARTRELAY_RETURN_IF_ERROR(readTextInto(billing["address_2"], address.address2));
  CARTRELAY_RETURN_IF_ERROR(readTextInto(billing["city"], address.city));
  CARTRELAY_RETURN_IF_ERROR(readTextInto(billing["state"], address.province));
  CARTRELAY_RETURN_IF_ERROR(readTextInto(billing["postcode"], address.postal_code));
  std::string country;
  CARTRELAY_RETURN_IF_ERROR(readTextInto(billing["country"], country));
  address.country_code = core::asciiUpper(core::trimAsciiWhitespace(country));

  std::string shipping_country;
  if (shipping.value().is_object()) {
    CARTRELAY_RETURN_IF_ERROR(readTextInto(shipping["country"], shipping_country));
  }
  std::string raw_phone;
  CARTRELAY_RETURN_IF_ERROR(readTextInto(billing["phone"], raw_phone));
  core::NormalisedPhone phone =
      core::normalisePhone(raw_phone, phoneRegion({country, shipping_country}, context));
  contact.phone = std::move(phone.value);
  contact.phone_valid = phone.valid;
  return contact;
}

bool hasIdentity(const core::model::Customer& customer) {
  return !customer.platform_customer_id.empty() || !customer.phone.empty() ||
         !core::trimAsciiWhitespace(customer.email).empty();
}

core::model::Customer identityOf(const core::model::Customer& customer) {
  core::model::Customer identity;
  identity.platform_customer_id = customer.platform_customer_id;
  identity.phone = customer.phone;
  identity.phone_valid = customer.phone_valid;
  identity.email = customer.email;
  return identity;
}

Result<std::optional<core::model::ConsentObservation>> readMetaConsent(
    const JsonField& meta_data, const core::model::Customer& subject, std::int64_t observed_at_ms,
    const core::ports::MappingContext& context) {
  using Observation = std::optional<core::model::ConsentObservation>;
  const std::string& key = context.consent_meta_key;
  if (key.empty() || meta_data.absent() || !hasIdentity(subject)) return Observation();
  if (!meta_data.value().is_array()) return meta_data.error("an array");

  const json* value = nullptr;
  for (std::size_t i = 0; i < meta_data.value().size(); ++i) {
    JsonField entry = meta_data.at(i);
    if (!entry.value().is_object()) return entry.error("an object");
    const json& entry_key = entry["key"].value();
    if (entry_key.is_string() && entry_key.get_ref<const std::string&>() == key) {
      value = &entry["value"].value();
    }
  }
  if (value == nullptr) return Observation();

  core::model::ConsentObservation observation;
  observation.subject = identityOf(subject);
  observation.channel = "whatsapp";
  observation.state = isTruthy(*value) ? "subscribed" : "not_subscribed";
  observation.collected_from = "checkout";
  observation.source = "woocommerce:meta:" + key;
  observation.observed_at_ms = observed_at_ms;
  return Observation(std::move(observation));
}

}  // namespace cartrelay::connectors::woocommerce
