#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cartrelay::core::model {

// A postal address. Every field except country_code is personal data and is
// stored encrypted; the country stays plain so segments and the compliance
// gate (jurisdiction, transfer basis) can use it without decrypting.
struct Address {
  std::string address1;
  std::string address2;
  std::string city;
  std::string province;
  std::string postal_code;
  std::string country_code;  // ISO 3166-1 alpha-2, upper case; empty when unknown

  bool operator==(const Address&) const = default;
};

// A shop's customer, in clear text as the process sees it. The store encrypts
// the personal fields (phone, email, names, address except country, birthday)
// under a per-customer data key and finds customers by keyed hashes of the
// normalised phone and e-mail (DESIGN.md "PII at rest").
//
// An empty string means "unknown". Once `erased` is true the personal fields
// are empty for good: the data key was destroyed.
struct Customer {
  std::int64_t id = 0;       // store id, 0 before the first upsert
  std::int64_t shop_id = 0;  // Shop::id
  std::string platform_customer_id;

  std::string phone;  // E.164 ("+905321234567") when phone_valid, else as received
  bool phone_valid = false;
  std::string email;  // as received; the lookup hash uses the trimmed, lower-cased form
  std::string first_name;
  std::string last_name;
  Address address;
  std::string birthday;  // "YYYY-MM-DD" or "--MM-DD" (year unknown)
  std::vector<std::string> tags;

  std::int64_t platform_updated_at_ms = 0;  // the platform's updated_at, UTC epoch ms
  std::int64_t created_at_ms = 0;           // set by the store
  std::int64_t updated_at_ms = 0;           // set by the store
  bool erased = false;                      // set by the store

  bool operator==(const Customer&) const = default;
};

}  // namespace cartrelay::core::model
