#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "connectors/whatsapp/webhook_events.h"
#include "core/util/clock.h"
#include "core/util/result.h"

// Internal to connectors/whatsapp (webhook_events.cpp): reading the fields
// of a webhook body tolerantly. Paths are "entry[0].changes[1].value..."
// strings; every message and problem line is built from paths and fixed
// words only, never from values (payloads carry phone numbers and message
// text, and these lines are logged). Pure and thread-safe.
namespace cartrelay::whatsapp::webhook_fields {

using core::EpochMillis;
using core::Result;
using core::Status;
using Json = nlohmann::json;

// Where the messages of one item go. Every line is "<path>: <fault>" and is
// built only from paths and fixed words: payloads carry phone numbers and
// message text, and these lines are logged.
class Problems {
 public:
  explicit Problems(std::vector<std::string>& out) : out_(out) {}
  Problems(const Problems&) = delete;
  Problems& operator=(const Problems&) = delete;

  void add(const std::string& path, std::string_view fault) {
    out_.push_back(path + ": " + std::string(fault));
  }
  void add(const Status& status) { out_.push_back(status.message()); }

 private:
  std::vector<std::string>& out_;
};

std::string join(const std::string& path, std::string_view key);
std::string indexed(const std::string& path, std::size_t i);

// The member `key` of `object`, or nullptr when it is absent or JSON null
// (Meta sends both for "not applicable").
const Json* member(const Json& object, std::string_view key);
Status missing(const std::string& path, std::string_view key);
Status wrongType(const std::string& path, std::string_view key, std::string_view expected);

// A non-empty string member; the item cannot be used without it.
Result<std::string> requiredString(const Json& object, std::string_view key,
                                   const std::string& path);
// A string member the item can do without: absent gives "", and a value of
// another type is noted and dropped rather than costing the whole item.
std::string optionalString(const Json& object, std::string_view key, const std::string& path,
                           Problems& problems);

// An id sent as a string or a JSON integer, read without a double.
std::optional<std::string> idText(const Json& value);
Result<std::string> requiredId(const Json& object, std::string_view key, const std::string& path);

// Unix seconds as a decimal string or a number, in milliseconds.
Result<EpochMillis> requiredTimestamp(const Json& object, std::string_view key,
                                      const std::string& path);
std::optional<EpochMillis> optionalTimestamp(const Json& object, std::string_view key,
                                             const std::string& path, Problems& problems);
// Milliseconds as Unix seconds text ("" for none), for dedupe keys.
std::string secondsText(std::optional<EpochMillis> ms);

// An error object (statuses[].errors[] or value.errors[]).
Result<ErrorDetail> parseError(const Json& object, const std::string& path, Problems& problems);

// The elements of an optional array member; absent gives none. A value of
// another type is one problem line for the whole array.
std::vector<const Json*> arrayMember(const Json& object, std::string_view key,
                                     const std::string& path, Problems& problems);

// wa_id -> BSUID pairs from value.contacts[], used to give an inbound message
// or preference the user_id Meta sent alongside it.
struct Contact {
  std::string wa_id;
  std::string user_id;
};

std::vector<Contact> readContacts(const Json& value, const std::string& path, Problems& problems);
// The BSUID for a user: the contact with the same wa_id; with no wa_id to go
// by, the only contact of the change; never another user's.
std::string userIdFor(const std::string& wa_id, const std::vector<Contact>& contacts);

}  // namespace cartrelay::whatsapp::webhook_fields
