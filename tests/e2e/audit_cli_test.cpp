// The audit chain end to end: the real daemon records its configuration,
// signs and anchors checkpoints and verifies the chain at start; the real
// `cartrelay audit verify|prove` read it back, and find tampering done to the
// SQLite file behind their back.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "compliance/audit_record.h"
#include "compliance/merkle_proof.h"
#include "core/store/database.h"
#include "core/util/crypto.h"
#include "tests/e2e/daemon_harness.h"
#include "tests/support/http_client.h"

namespace cartrelay::testing {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    anchors_ = h_.dir().file("anchors.jsonl");
    h_.writeConfig("[compliance]\naudit_anchor_file = " + anchors_ +
                   "\naudit_checkpoint_interval = 1s\n");
  }

  // Starts the daemon, waits until it has verified the chain and signed a
  // checkpoint over what it appended, then stops it with SIGTERM.
  void runOnce(const std::string& verdict_event) {
    std::string why;
    ASSERT_TRUE(h_.start(&why)) << why;
    ASSERT_TRUE(eventually([&] { return contains(h_.process().output(), verdict_event); },
                           std::chrono::seconds(20)))
        << h_.process().output();
    h_.process().signal(SIGTERM);
    auto code = h_.process().waitExit(std::chrono::seconds(20));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0) << h_.process().output();
  }

  void tamper(const std::string& sql) {
    core::store::DatabaseOptions options;
    options.url = "sqlite://" + h_.dir().file("cartrelay.db");
    auto db = core::store::Database::open(options, nullptr);
    ASSERT_TRUE(db.isOk()) << db.status().toString();
    core::Status st = (*db)->withSession([&](soci::session& s) -> core::Status {
      s << "DROP TRIGGER IF EXISTS audit_log_no_update";
      s << "DROP TRIGGER IF EXISTS audit_log_no_delete";
      s << sql;
      return core::Status::ok();
    });
    ASSERT_TRUE(st.isOk()) << st.toString();
  }

  DaemonHarness h_;
  std::string anchors_;
};

TEST_F(AuditCli, TheDaemonsChainVerifiesProvesAndCatchesAnEditedRecord) {
  runOnce("audit.verified");
  runOnce("audit.verified records=1");  // the restart verified the first run's record

  CommandResult verified = h_.cli({"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_TRUE(contains(verified.output, "INTACT (2 records verified")) << verified.output;

  // Both runs' records are checkpointed (the second at its shutdown) and
  // every checkpoint is anchored in the file.
  std::ifstream in(anchors_);
  int lines = 0;
  for (std::string line; std::getline(in, line);) lines += line.empty() ? 0 : 1;
  EXPECT_GE(lines, 2);

  CommandResult proved = h_.cli({"audit", "prove", "2"});
  ASSERT_EQ(proved.exit_code, 0) << proved.output;
  nlohmann::json proof = nlohmann::json::parse(proved.output);
  EXPECT_EQ(proof["record"]["kind"], "config.loaded");
  EXPECT_EQ(proof["record"]["actor"], "daemon");
  // The proof checks out with nothing but what it prints.
  compliance::AuditRecord record;
  record.seq = proof["record"]["seq"];
  record.ts_ms = proof["record"]["ts_ms"];
  record.kind = proof["record"]["kind"];
  record.actor = proof["record"]["actor"];
  record.subject_ref = proof["record"]["subject_ref"];
  record.payload = proof["record"]["payload"];
  record.prev_hash = *core::crypto::hexDecode(proof["record"]["prev_hash"].get<std::string>());
  std::vector<std::string> path;
  for (const auto& hop : proof["inclusion_path"]) {
    path.push_back(*core::crypto::hexDecode(hop.get<std::string>()));
  }
  const std::string root = *core::crypto::hexDecode(proof["checkpoint"]["root"].get<std::string>());
  EXPECT_TRUE(compliance::verifyInclusion(compliance::auditEntryHash(record), 1,
                                          proof["tree_size"].get<std::uint64_t>(), path, root));

  CommandResult missing = h_.cli({"audit", "prove", "99"});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;

  tamper("UPDATE audit_log SET actor = 'cli' WHERE seq = 1");
  CommandResult tampered = h_.cli({"audit", "verify"});
  EXPECT_EQ(tampered.exit_code, 1) << tampered.output;
  EXPECT_TRUE(contains(tampered.output, "TAMPERED: first bad record 1")) << tampered.output;

  // The daemon finds it too at start and reports it on /metrics.
  std::string why;
  ASSERT_TRUE(h_.start(&why)) << why;
  ASSERT_TRUE(eventually([&] { return contains(h_.process().output(), "audit.integrity_failed"); },
                         std::chrono::seconds(20)))
      << h_.process().output();
  HttpResult metrics = httpRequest(h_.port(), "GET", "/metrics");
  EXPECT_TRUE(contains(metrics.body, "cartrelay_audit_integrity 0")) << metrics.body;
}

TEST_F(AuditCli, AMissingAnchorFileIsUnverifiableAndABadSeqIsAUsageError) {
  runOnce("audit.verified");
  std::filesystem::remove(anchors_);
  CommandResult result = h_.cli({"audit", "verify", "--json"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  nlohmann::json report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["outcome"], "UNVERIFIABLE");
  EXPECT_TRUE(contains(report["reason"], "anchor file")) << result.output;

  EXPECT_EQ(h_.cli({"audit", "prove", "zero"}).exit_code, 2);
}

}  // namespace
}  // namespace cartrelay::testing
