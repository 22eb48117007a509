#include "connectors/whatsapp/webhook_fields.h"

#include <cstdint>
#include <limits>
#include <utility>

// The field readers behind webhook_events.cpp: each says why a field was
// refused in words built from its path, never from its value.
namespace cartrelay::whatsapp::webhook_fields {

// Unix seconds beyond this (the year 5138) are not a timestamp Meta would
// send; the bound also keeps the conversion to milliseconds far from overflow.
constexpr std::int64_t kMaxUnixSeconds = 99'999'999'999;

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string indexed(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// The member `key` of `object`, or nullptr when it is absent or JSON null
// (Meta sends both for "not applicable").
const Json* member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Status missing(const std::string& path, std::string_view key) {
  return Status::invalidArgument(path + ": missing " + std::string(key));
}

Status wrongType(const std::string& path, std::string_view key, std::string_view expected) {
  return Status::invalidArgument(join(path, key) + ": expected " + std::string(expected));
}

// A non-empty string member; the item cannot be used without it.
Result<std::string> requiredString(const Json& object, std::string_view key,
                                   const std::string& path) {
  const Json* value = member(object, key);
  if (value == nullptr) return missing(path, key);
  if (!value->is_string()) return wrongType(path, key, "a string");
  std::string text = value->get<std::string>();
  if (text.empty()) return missing(path, key);
  return text;
}

// A string member the item can do without: absent gives "", and a value of
// another type is noted and dropped rather than costing the whole item.
std::string optionalString(const Json& object, std::string_view key, const std::string& path,
                           Problems& problems) {
  const Json* value = member(object, key);
  if (value == nullptr) return {};
  if (!value->is_string()) {
    problems.add(join(path, key), "expected a string (ignored)");
    return {};
  }
  return value->get<std::string>();
}

// An id Meta sends as a string or, for templates and entries, as a JSON
// integer (806312974732579). Read as an integer, never through a double, so
// 16-digit ids keep every digit.
std::optional<std::string> idText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  return std::nullopt;
}

Result<std::string> requiredId(const Json& object, std::string_view key, const std::string& path) {
  const Json* value = member(object, key);
  if (value == nullptr) return missing(path, key);
  std::optional<std::string> text = idText(*value);
  if (!text) return wrongType(path, key, "a string or integer id");
  if (text->empty()) return missing(path, key);
  return *std::move(text);
}

// Unix seconds, which Meta sends as a decimal string on messages and statuses
// ("1749416383") but as a number on user_preferences and entry `time`.
std::optional<std::int64_t> unixSeconds(const Json& value) {
  if (value.is_number_unsigned()) {
    const auto s = value.get<std::uint64_t>();
    if (s > static_cast<std::uint64_t>(kMaxUnixSeconds)) return std::nullopt;
    return static_cast<std::int64_t>(s);
  }
  if (value.is_number_integer()) {
    const auto s = value.get<std::int64_t>();
    if (s < 0 || s > kMaxUnixSeconds) return std::nullopt;
    return s;
  }
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > 11) return std::nullopt;
  std::int64_t s = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    s = s * 10 + (c - '0');
  }
  if (s > kMaxUnixSeconds) return std::nullopt;
  return s;
}

Result<EpochMillis> requiredTimestamp(const Json& object, std::string_view key,
                                      const std::string& path) {
  const Json* value = member(object, key);
  if (value == nullptr) return missing(path, key);
  const std::optional<std::int64_t> seconds = unixSeconds(*value);
  if (!seconds) return wrongType(path, key, "unix seconds");
  return *seconds * 1000;
}

std::optional<EpochMillis> optionalTimestamp(const Json& object, std::string_view key,
                                             const std::string& path, Problems& problems) {
  const Json* value = member(object, key);
  if (value == nullptr) return std::nullopt;
  const std::optional<std::int64_t> seconds = unixSeconds(*value);
  if (!seconds) {
    problems.add(join(path, key), "expected unix seconds (ignored)");
    return std::nullopt;
  }
  return *seconds * 1000;
}

// Dedupe keys carry the time as Unix seconds, the unit Meta sends, so a key
// can be matched against the raw body by eye.
std::string secondsText(std::optional<EpochMillis> ms) {
  return ms ? std::to_string(*ms / 1000) : std::string();
}

// An error object (statuses[].errors[] or value.errors[]). Meta documents
// `code` as an integer; a digit string is accepted too because nothing is
// gained by losing a failed status over the quoting of its code.
Result<ErrorDetail> parseError(const Json& object, const std::string& path, Problems& problems) {
  if (!object.is_object()) return Status::invalidArgument(path + ": expected an object");
  ErrorDetail error;
  const Json* code = member(object, "code");
  if (code == nullptr) return missing(path, "code");
  const std::optional<std::string> code_text = idText(*code);
  std::int64_t value = -1;
  if (code_text && !code_text->empty() && code_text->size() <= 10 &&
      code_text->find_first_not_of("0123456789") == std::string::npos) {
    value = std::stoll(*code_text);
  }
  if (value < 0 || value > std::numeric_limits<int>::max()) {
    return wrongType(path, "code", "a non-negative integer");
  }
  error.code = static_cast<int>(value);
  error.title = optionalString(object, "title", path, problems);
  error.message = optionalString(object, "message", path, problems);
  if (const Json* data = member(object, "error_data"); data != nullptr) {
    if (data->is_object()) {
      error.details = optionalString(*data, "details", join(path, "error_data"), problems);
    } else {
      problems.add(join(path, "error_data"), "expected an object (ignored)");
    }
  }
  return error;
}

// The elements of an optional array member; absent gives none. A value of
// another type is one problem line for the whole array.
std::vector<const Json*> arrayMember(const Json& object, std::string_view key,
                                     const std::string& path, Problems& problems) {
  std::vector<const Json*> out;
  const Json* value = member(object, key);
  if (value == nullptr) return out;
  if (!value->is_array()) {
    problems.add(join(path, key), "expected an array");
    return out;
  }
  out.reserve(value->size());
  for (const Json& element : *value) out.push_back(&element);
  return out;
}

std::vector<Contact> readContacts(const Json& value, const std::string& path, Problems& problems) {
  std::vector<Contact> contacts;
  const std::string contacts_path = join(path, "contacts");
  const std::vector<const Json*> elements = arrayMember(value, "contacts", path, problems);
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const Json& contact = *elements[i];
    if (!contact.is_object()) continue;  // only an optional hint; nothing is lost
    const std::string contact_path = indexed(contacts_path, i);
    contacts.push_back({optionalString(contact, "wa_id", contact_path, problems),
                        optionalString(contact, "user_id", contact_path, problems)});
  }
  return contacts;
}

// The BSUID for a user: the contact with the same wa_id; with no wa_id to go
// by, the only contact of the change. Never another user's contact: pywa's
// signup fixture has a contact whose wa_id differs from the preference's.
std::string userIdFor(const std::string& wa_id, const std::vector<Contact>& contacts) {
  if (wa_id.empty()) return contacts.size() == 1 ? contacts.front().user_id : std::string();
  for (const Contact& contact : contacts) {
    if (contact.wa_id == wa_id) return contact.user_id;
  }
  return {};
}

}  // namespace cartrelay::whatsapp::webhook_fields
