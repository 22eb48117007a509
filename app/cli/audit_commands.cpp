#include "app/cli/audit_commands.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/command_support.h"
#include "app/config/values.h"
#include "compliance/audit_checkpointer.h"
#include "compliance/audit_verifier.h"
#include "core/util/crypto.h"

namespace cartrelay::app::cli {
namespace {

namespace crypto = core::crypto;
using compliance::AuditVerifyReport;
using Outcome = AuditVerifyReport::Outcome;

const char* outcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kIntact:
      return "INTACT";
    case Outcome::kTampered:
      return "TAMPERED";
    case Outcome::kUnverifiable:
      return "UNVERIFIABLE";
  }
  return "UNVERIFIABLE";
}

int exitCodeOf(Outcome outcome) {
  switch (outcome) {
    case Outcome::kIntact:
      return kExitOk;
    case Outcome::kTampered:
      return kExitFailure;
    case Outcome::kUnverifiable:
      return kExitUsage;
  }
  return kExitUsage;
}

}  // namespace

int auditVerifyCommand(const std::string& config_path, const std::string& anchor_file, bool json) {
  constexpr std::string_view kCommand = "audit verify";
  int exit_code = kExitOk;
  auto store = OperatorStore::open(config_path, kCommand, &exit_code);
  // Without the store nothing can be verified: 2, whatever the reason.
  if (!store) return kExitUsage;
  const std::string anchors =
      anchor_file.empty() ? store->config().compliance.audit_anchor_file : anchor_file;
  auto report = compliance::verifyAuditChain(store->database(), anchors);
  if (!report.isOk()) {
    printError(kCommand, report.status().toString());
    return kExitUsage;
  }
  if (json) {
    nlohmann::json out = {{"outcome", outcomeName(report->outcome)},
                          {"records", report->records},
                          {"checkpoints", report->checkpoints},
                          {"anchors", report->anchors},
                          {"warnings", report->warnings}};
    if (report->outcome != Outcome::kIntact) out["reason"] = report->reason;
    if (report->outcome == Outcome::kTampered) out["first_bad_seq"] = report->first_bad_seq;
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << outcomeName(report->outcome);
    if (report->outcome == Outcome::kTampered) {
      std::cout << ": first bad record " << report->first_bad_seq << ": " << report->reason;
    } else if (report->outcome == Outcome::kUnverifiable) {
      std::cout << ": " << report->reason;
    }
    std::cout << " (" << report->records << " records verified, " << report->checkpoints
              << " checkpoints, " << report->anchors << " anchors)\n";
    for (const std::string& warning : report->warnings) std::cout << "warning: " << warning << "\n";
  }
  return exitCodeOf(report->outcome);
}

int auditProveCommand(const std::string& config_path, const std::string& seq_text) {
  constexpr std::string_view kCommand = "audit prove";
  auto seq = config::parseInt(seq_text);
  if (!seq.isOk() || *seq < 1) {
    printError(kCommand, "SEQ must be a record number (1, 2, ...)");
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto store = OperatorStore::open(config_path, kCommand, &exit_code);
  if (!store) return exit_code;
  auto proof = compliance::proveAuditRecord(store->database(), *seq);
  if (!proof.isOk()) {
    printError(kCommand, proof.status().message());
    return proof.status().code() == core::Status::Code::kNotFound ? kExitFailure : kExitUsage;
  }
  nlohmann::json path = nlohmann::json::array();
  for (const std::string& hash : proof->path) path.push_back(crypto::hexEncode(hash));
  const compliance::AuditRecord& r = proof->record;
  nlohmann::json out = {
      {"record",
       {{"seq", r.seq},
        {"ts_ms", r.ts_ms},
        {"kind", r.kind},
        {"actor", r.actor},
        {"subject_ref", r.subject_ref},
        {"payload", r.payload},
        {"prev_hash", crypto::hexEncode(r.prev_hash)}}},
      {"entry_hash", crypto::hexEncode(proof->entry_hash)},
      {"leaf_index", r.seq - 1},
      {"tree_size", proof->checkpoint.tree_size},
      {"inclusion_path", path},
      {"checkpoint", nlohmann::json::parse(compliance::anchorLine(proof->checkpoint))},
      {"how_to_check",
       "entry_hash = SHA-256(0x00 || leaf bytes of record, compliance/audit_record.h); "
       "fold inclusion_path per RFC 9162 section 2.1.3.2 to checkpoint.root; verify "
       "checkpoint.signature (Ed25519) with checkpoint.public_key"}};
  std::cout << out.dump(2) << "\n";
  return kExitOk;
}

}  // namespace cartrelay::app::cli
