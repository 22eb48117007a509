#pragma once

#include <string>

#include "compliance/subject_rights.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// Carries out the platforms' own data-subject requests (Shopify's mandatory
// compliance webhooks, stored by the inbox applier as domain events):
//   SubjectDataRequested       (customers/data_request) -> an export file in
//                              `export_dir` for the merchant to hand over
//   SubjectRedactionRequested  (customers/redact)       -> erase the customer
//   ShopRedactionRequested     (shop/redact)            -> erase every customer of the shop
// Events are consumed in id order from the offset "subject_requests"; each
// is carried out in its own transaction(s) and the offset moves only after
// it, so a crash repeats a request rather than losing it (erasure and export
// are idempotent). A request about somebody no longer held is done.
// Export files are named data-request-<event id>.json, mode 0600; the log
// line names the file, never its content.
//
// Ownership: db, rights and clock must outlive the consumer. Thread-safety:
// one caller at a time (the daemon's consumer task).
class SubjectRequestConsumer {
 public:
  static constexpr const char* kConsumerName = "subject_requests";

  SubjectRequestConsumer(core::store::Database& db, const SubjectRights& rights,
                         const core::Clock& clock, std::string export_dir)
      : db_(db), rights_(rights), clock_(clock), export_dir_(std::move(export_dir)) {}

  // Carries out up to `limit` requests; returns how many events it read.
  core::Result<int> runOnce(int limit = 20);

 private:
  core::store::Database& db_;
  const SubjectRights& rights_;
  const core::Clock& clock_;
  std::string export_dir_;
};

}  // namespace cartrelay::compliance
