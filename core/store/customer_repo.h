#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/customer.h"
#include "core/store/upsert_result.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {

// The `customers` table, with personal data encrypted at rest
// (DESIGN.md "PII at rest").
//
// Each customer row gets its own data key on first insert, stored wrapped
// by the master key in `data_key`. Phone, e-mail, first and last name,
// address lines, city, province, postal code and birthday are stored as
// FieldCipher text whose associated data is "customers.<field>:<id>", so a
// ciphertext copied to another row or column does not decrypt. The country
// code, tags, phone_valid and timestamps stay plain. Phone and e-mail are
// also stored as keyed hashes for lookup: phone as given (callers pass
// E.164), e-mail trimmed and ASCII-lower-cased (normaliseEmail).
//
// Erasure (eraseDataKey) destroys the row's data key and lookup hashes and
// the data keys of the customer's carts: the ciphertexts that remain, here
// and in every backup taken afterwards, can no longer be decrypted.
//
// Every method takes the soci::session of a Database callback; upsert reads
// then writes, so call it inside Database::withTransaction. Methods never
// throw; SOCI errors become kUnavailable or kInternal (database.h). A row
// whose ciphertext does not verify under its key gives kPermanent.
//
// Ownership: `keys` and `clock` must outlive the repository.
// Thread-safety: immutable; share between threads, each with its own session.
class CustomerRepo {
 public:
  CustomerRepo(const KeyRing& keys, const Clock& clock) : keys_(keys), clock_(clock) {}
  CustomerRepo(const CustomerRepo&) = delete;
  CustomerRepo& operator=(const CustomerRepo&) = delete;

  // Inserts or updates the customer identified by (shop_id,
  // platform_customer_id); `customer.id`, created/updated times and `erased`
  // are ignored. Not applied (applied=false, nothing written) when the stored
  // platform_updated_at_ms is greater than the incoming one or the customer
  // was erased. kInvalidArgument for a missing shop id or platform id;
  // kUnavailable when another process inserted the same customer at the
  // same moment (retry).
  Result<UpsertResult> upsert(soci::session& s, const model::Customer& customer) const;

  // The customer with store id `id`, decrypted; std::nullopt if absent. An
  // erased customer comes back with erased=true and empty personal fields.
  Result<std::optional<model::Customer>> load(soci::session& s, std::int64_t id) const;

  Result<std::optional<model::Customer>> findByPlatformId(
      soci::session& s, std::int64_t shop_id, const std::string& platform_customer_id) const;

  // Customers whose phone / e-mail matches, by keyed hash, ordered by id:
  // of any shop when `shop_id` is std::nullopt (the operator's and the data
  // subject's view), of that shop only otherwise (identity resolution, which
  // never links a guest to another shop's customer). Erased customers are
  // never found; an empty phone / e-mail finds nobody.
  Result<std::vector<model::Customer>> findByPhone(
      soci::session& s, const std::string& phone,
      std::optional<std::int64_t> shop_id = std::nullopt) const;
  Result<std::vector<model::Customer>> findByEmail(
      soci::session& s, const std::string& email,
      std::optional<std::int64_t> shop_id = std::nullopt) const;

  // Crypto-erases customer `id` (see above). Idempotent; kNotFound if the
  // customer does not exist.
  Status eraseDataKey(soci::session& s, std::int64_t id) const;

  // Trimmed, ASCII-lower-cased e-mail: the form that is hashed.
  static std::string normaliseEmail(std::string_view email);

 private:
  const KeyRing& keys_;
  const Clock& clock_;
};

}  // namespace cartrelay::core::store
