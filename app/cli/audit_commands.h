#pragma once

#include <string>

// `cartrelay audit verify` and `cartrelay audit prove SEQ` (DESIGN.md "The
// interface"; compliance/audit_verifier.h says what is checked). They open
// the store through OperatorStore (command_support.h) and only read, so they
// can run while the daemon does.
namespace cartrelay::app::cli {

// Verifies the whole audit chain against compliance.audit_anchor_file (or
// `anchor_file` when not empty). Prints one verdict line, then warnings.
// Exit 0 intact, 1 tampered (the line names the first bad record and why),
// 2 unverifiable (anchor evidence missing, store unreachable, bad config).
int auditVerifyCommand(const std::string& config_path, const std::string& anchor_file, bool json);

// Prints record `seq` (decimal text, as typed) with its RFC 9162 inclusion
// path and the signed checkpoint that covers it, as one JSON object: enough
// for anybody to check the record against that checkpoint alone. Exit 1 when
// the record does not exist or is not checkpointed yet.
int auditProveCommand(const std::string& config_path, const std::string& seq);

}  // namespace cartrelay::app::cli
