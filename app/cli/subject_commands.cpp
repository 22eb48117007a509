#include "app/cli/subject_commands.h"

#include <iostream>
#include <optional>

#include "app/cli/command_support.h"
#include "compliance/audit_log.h"
#include "compliance/consent_ledger.h"
#include "compliance/subject_rights.h"
#include "core/util/text.h"

namespace cartrelay::app::cli {
namespace {

constexpr const char* kActor = "cli";

// Turns the options into a SubjectQuery, or prints why not.
std::optional<compliance::SubjectQuery> queryOf(const OperatorStore& store, const SubjectTarget& t,
                                                std::string_view command) {
  const std::string phone(core::trimAsciiWhitespace(t.phone));
  const std::string email(core::trimAsciiWhitespace(t.email));
  const std::string customer(core::trimAsciiWhitespace(t.customer));
  if ((phone.empty() ? 0 : 1) + (email.empty() ? 0 : 1) + (customer.empty() ? 0 : 1) != 1) {
    printError(command, "give exactly one of --phone, --email and --customer");
    return std::nullopt;
  }
  ShopSelection shop;
  if (!store.selectShop(command, t.shop, &shop)) return std::nullopt;
  compliance::SubjectQuery q;
  if (!phone.empty()) {
    std::vector<std::string> candidates = phoneCandidates(store, shop, phone);
    if (candidates.size() != 1) {
      printError(command, candidates.empty()
                              ? "--phone is not a valid phone number for the configured shops"
                              : "--phone reads differently in the shops' countries: write it "
                                "with its +country code or give --shop");
      return std::nullopt;
    }
    q.phone = candidates[0];
  } else if (!email.empty()) {
    q.email = email;
  } else {
    if (!shop.shop) {
      printError(command, "--customer needs --shop NAME (a shop in the database)");
      return std::nullopt;
    }
    q.platform_customer_id = customer;
    q.shop_id = shop.shop->id;
  }
  return q;
}

// Opens the store and runs `fn` with the rights service; the exit code.
template <typename Fn>
int withSubjectRights(const SubjectTarget& t, std::string_view command, Fn&& fn) {
  int exit_code = kExitOk;
  auto store = OperatorStore::open(t.config_path, command, &exit_code);
  if (!store) return exit_code;
  auto query = queryOf(*store, t, command);
  if (!query) return kExitUsage;
  compliance::AuditLog audit(store->clock());
  compliance::ConsentLedger ledger(store->keys(), store->clock(), audit);
  compliance::SubjectRights rights(store->database(), store->keys(), store->clock(), audit, ledger);
  return fn(rights, *query);
}

int reportFailure(std::string_view command, const core::Status& status) {
  printError(command, status.message());
  return status.code() == core::Status::Code::kNotFound ? kExitFailure : kExitUsage;
}

}  // namespace

int subjectExportCommand(const SubjectTarget& target) {
  constexpr std::string_view kCommand = "subject export";
  return withSubjectRights(
      target, kCommand,
      [&](const compliance::SubjectRights& rights, const compliance::SubjectQuery& query) {
        auto exported = rights.exportData(query, kActor);
        if (!exported.isOk()) return reportFailure(kCommand, exported.status());
        std::cout << exported->dump(2) << "\n";
        return kExitOk;
      });
}

int subjectEraseCommand(const SubjectTarget& target) {
  constexpr std::string_view kCommand = "subject erase";
  return withSubjectRights(
      target, kCommand,
      [&](const compliance::SubjectRights& rights, const compliance::SubjectQuery& query) {
        auto erased = rights.erase(query, kActor);
        if (!erased.isOk()) return reportFailure(kCommand, erased.status());
        std::cout << "erased: " << erased->customers << " customer profile(s), "
                  << erased->consent_events << " consent event(s) reduced to their proof, "
                  << erased->outbox_rows << " message(s) cleared, " << erased->inbox_rows
                  << " webhook body(ies) deleted; " << erased->subject_refs.size()
                  << " phone hash(es) suppressed\n";
        return kExitOk;
      });
}

}  // namespace cartrelay::app::cli
