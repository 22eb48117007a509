#pragma once

#include <string>

// `cartrelay consent show|grant|withdraw|import` (DESIGN.md "The
// interface"): the operator's hands on the consent ledger
// (compliance/consent_ledger.h). Every event they record goes through the
// ledger's checks and into the audit chain with actor "cli", exactly as the
// daemon's own inputs do. They open the store through OperatorStore
// (command_support.h) and need the shop to be in the database (the daemon
// adds configured shops when it starts).
//
// Exit codes: 0 success; 1 a finding (nobody to show, an event or row
// refused); 2 usage or configuration error. Error lines never quote a phone
// number.
namespace cartrelay::app::cli {

struct ConsentTarget {
  std::string config_path;
  std::string phone;  // as typed; normalised with the shop's country
  std::string shop;   // [shop.NAME]; may be empty when exactly one shop is configured
};

// Every event of the person in the shop, oldest first, then the current
// state. --json prints {"events": [...], "current": {...}}.
int consentShowCommand(const ConsentTarget& target, bool json);

struct ConsentGrantOptions {
  ConsentTarget target;
  std::string source;          // İYS source code, required
  std::string capture_point;   // default "manual"
  std::string purposes;        // comma list; "" = every purpose
  std::string recipient_type;  // BIREYSEL (default) | TACIR
  std::string kvkk_notice_version;
  std::string consent_text_id;
  std::string consent_text_version;
  std::string consent_text_sha256;
  std::string legal_basis;
  bool verified = false;
  bool name_on_record = false;
  std::string at;  // ISO 8601 with zone; "" = now
};
int consentGrantCommand(const ConsentGrantOptions& options);

struct ConsentWithdrawOptions {
  ConsentTarget target;
  std::string channel;     // how the person withdrew: manual (default), email, link, ...
  bool block_all = false;  // also stop TRANSACTIONAL messages (rule 29)
  std::string at;          // ISO 8601 with zone; "" = now
};
int consentWithdrawCommand(const ConsentWithdrawOptions& options);

// Imports FILE (format: compliance/consent_csv.h) into the shop, one
// transaction per row so one bad row never loses the others. Prints one line
// per refused row and a summary; exit 1 when any row was refused.
int consentImportCommand(const std::string& config_path, const std::string& shop,
                         const std::string& file);

}  // namespace cartrelay::app::cli
