#include "compliance/audit_verifier.h"

#include <fstream>
#include <functional>
#include <iterator>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "compliance/audit_checkpointer.h"
#include "compliance/audit_hash.h"
#include "compliance/audit_key_file.h"
#include "compliance/audit_log.h"
#include "compliance/merkle_proof.h"
#include "core/util/crypto.h"
#include "tests/support/store_test_support.h"

// The mutations of compliance-rules.md (c) step 6, each of which
// verifyAuditChain must catch and locate, on both backends. A chain of 250
// records is checkpointed at 100 and 200 and anchored to a file; records
// 201..250 are not checkpointed yet. Mutations drop the append-only
// triggers first, as somebody with the database file would.

namespace cartrelay::compliance {
namespace {

using Outcome = AuditVerifyReport::Outcome;
using audit_store::Checkpoint;
using audit_store::StoredRecord;

class AuditVerifierTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    openMigrated();
    key_dir_ = scratch_->dir().path();
    anchors_ = scratch_->dir().file("anchors.log");
    ASSERT_TRUE(AuditKeyFile::createIfMissing(key_dir_, 0600, -1).isOk());
    append(100);
    ASSERT_TRUE(checkpoint());
    append(100);
    ASSERT_TRUE(checkpoint());
    append(50);
  }

  void append(int n) {
    core::Status st = db().withTransaction([&](soci::session& s) -> core::Status {
      for (int i = 0; i < n; ++i) {
        clock_.advance(1000);
        AuditEvent e{"gate.decision",
                     "daemon",
                     std::string(64, 'c'),
                     {{"decision", "ALLOW"}, {"n", ++appended_}}};
        auto r = log_.append(s, e);
        if (!r.isOk()) return r.status();
      }
      return core::Status::ok();
    });
    ASSERT_TRUE(st.isOk()) << st.toString();
  }

  bool checkpoint() {
    auto cp = AuditCheckpointer::open(db(), clock_, {key_dir_, anchors_, 1000, 600000});
    if (!cp.isOk()) return false;
    auto made = (*cp)->checkpointNow();
    return made.isOk() && made->has_value();
  }

  AuditVerifyReport verify(const std::string& anchors) {
    auto report = verifyAuditChain(db(), anchors);
    EXPECT_TRUE(report.isOk()) << report.status().toString();
    return report.isOk() ? *report : AuditVerifyReport{};
  }
  AuditVerifyReport verify() { return verify(anchors_); }

  void unlock() {
    for (const char* t : {"audit_log_no_update", "audit_log_no_delete",
                          "audit_checkpoints_no_update", "audit_checkpoints_no_delete"}) {
      exec(std::string("DROP TRIGGER IF EXISTS ") + t);
    }
  }

  std::vector<StoredRecord> records() {
    auto rows =
        db().querySession([](soci::session& s) { return audit_store::records(s, 1, 1000); });
    EXPECT_TRUE(rows.isOk());
    return rows.isOk() ? *rows : std::vector<StoredRecord>();
  }

  std::vector<Checkpoint> checkpoints() {
    auto cps = db().querySession([](soci::session& s) { return audit_store::checkpoints(s); });
    EXPECT_TRUE(cps.isOk());
    return cps.isOk() ? *cps : std::vector<Checkpoint>();
  }

  // What a careful attacker does: changes record `seq` and re-hashes the
  // chain from there on, so every link is consistent again.
  void rewriteFrom(std::int64_t seq, const std::function<void(AuditRecord&)>& mutate) {
    unlock();
    auto all = records();
    exec("DELETE FROM audit_log WHERE seq >= " + std::to_string(seq));
    core::Status st = db().withTransaction([&](soci::session& s) -> core::Status {
      std::string prev = all[static_cast<std::size_t>(seq - 1)].record.prev_hash;
      for (std::size_t i = static_cast<std::size_t>(seq - 1); i < all.size(); ++i) {
        AuditRecord r = all[i].record;
        if (r.seq == seq) mutate(r);
        r.prev_hash = prev;
        prev = auditEntryHash(r);
        CARTRELAY_RETURN_IF_ERROR(audit_store::insert(s, r, prev));
      }
      return core::Status::ok();
    });
    ASSERT_TRUE(st.isOk()) << st.toString();
  }

  // Replaces a checkpoint with one over the current records, signed with
  // `key` under the given epoch and announced keys.
  void resign(std::size_t index, const EpochKey& key, const std::string& next_public_key) {
    unlock();
    auto cps = checkpoints();
    auto all = records();
    std::vector<std::string> leaves;
    for (const auto& r : all) leaves.push_back(r.entry_hash);
    Checkpoint c = cps[index];
    leaves.resize(static_cast<std::size_t>(c.tree_size));
    c.root = *merkleTreeHeadFromLeafHashes(leaves);
    c.public_key = key.publicKey();
    c.next_public_key = next_public_key;
    if (index > 0) {
      c.consistency_proof =
          *consistencyProof(leaves, static_cast<std::uint64_t>(cps[index - 1].tree_size));
    }
    c.signature = *key.sign(checkpointSignedBytes(c));
    exec("DELETE FROM audit_checkpoints WHERE tree_size = " + std::to_string(c.tree_size));
    ASSERT_TRUE(
        db().withTransaction([&](soci::session& s) { return audit_store::insertCheckpoint(s, c); })
            .isOk());
  }

  void expectTampered(std::int64_t seq, const std::string& reason_part) {
    AuditVerifyReport report = verify();
    EXPECT_EQ(report.outcome, Outcome::kTampered) << report.reason;
    EXPECT_EQ(report.first_bad_seq, seq) << report.reason;
    EXPECT_NE(report.reason.find(reason_part), std::string::npos) << report.reason;
  }

  AuditLog log_{clock_};
  std::string key_dir_;
  std::string anchors_;
  int appended_ = 0;
};

TEST_P(AuditVerifierTest, AnIntactChainVerifiesAndSaysWhatIsNotSignedYet) {
  AuditVerifyReport report = verify();
  EXPECT_EQ(report.outcome, Outcome::kIntact) << report.reason;
  EXPECT_EQ(report.records, 250);
  EXPECT_EQ(report.checkpoints, 2);
  EXPECT_EQ(report.anchors, 2);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("50 record(s)"), std::string::npos);
}

TEST_P(AuditVerifierTest, AFlippedPayloadByteIsFoundAtItsRecord) {
  unlock();
  exec("UPDATE audit_log SET payload = REPLACE(payload, 'ALLOW', 'ALLOV') WHERE seq = 37");
  expectTampered(37, "do not produce its entry hash");
}

TEST_P(AuditVerifierTest, ADeletedRowIsFoundAtItsRecord) {
  unlock();
  exec("DELETE FROM audit_log WHERE seq = 120");
  expectTampered(120, "record 120 is missing");
}

TEST_P(AuditVerifierTest, TwoSwappedRowsAreFoundAtTheFirst) {
  unlock();
  auto all = records();
  exec("DELETE FROM audit_log WHERE seq IN (37, 38)");
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) -> core::Status {
                    AuditRecord a = all[37].record;  // seq 38's contents at 37
                    a.seq = 37;
                    AuditRecord b = all[36].record;
                    b.seq = 38;
                    CARTRELAY_RETURN_IF_ERROR(audit_store::insert(s, a, all[37].entry_hash));
                    return audit_store::insert(s, b, all[36].entry_hash);
                  })
                  .isOk());
  expectTampered(37, "record 37");
}

TEST_P(AuditVerifierTest, ATailTruncatedBelowTheLastCheckpointIsCaughtByTheAnchor) {
  unlock();
  // Rows, the checkpoint and the head all agree with each other afterwards:
  // only the anchor file remembers there were 200.
  exec("DELETE FROM audit_log WHERE seq > 150");
  exec("DELETE FROM audit_checkpoints WHERE tree_size = 200");
  auto all = records();
  exec("UPDATE audit_state SET head_seq = 150, head_hash = '" +
       core::crypto::hexEncode(all.back().entry_hash) + "'");
  expectTampered(151, "truncated");
  EXPECT_EQ(verify("").outcome, Outcome::kIntact) << "without anchors this is undetectable";
}

TEST_P(AuditVerifierTest, ARewrittenRecordReSignedWithTheCurrentKeyFailsTheEpochCheck) {
  // The attacker stole today's key (epoch 2) and rewrites record 150, which
  // checkpoint 200 (epoch 1) covers. Without anchors the epoch chain alone
  // must catch it.
  rewriteFrom(150, [](AuditRecord& r) { r.payload = R"({"decision":"DENY","n":150})"; });
  auto stolen = AuditKeyFile::load(key_dir_);
  ASSERT_TRUE(stolen.isOk());
  ASSERT_EQ(stolen->epoch(), 2);
  resign(1, *stolen, stolen->next()->publicKey());
  AuditVerifyReport report = verify("");
  EXPECT_EQ(report.outcome, Outcome::kTampered);
  EXPECT_EQ(report.first_bad_seq, 101) << report.reason;
  EXPECT_NE(report.reason.find("not signed with the key its epoch was given"), std::string::npos)
      << report.reason;
}

TEST_P(AuditVerifierTest, AWholeChainRewrittenAndReSignedIsCaughtByTheAnchors) {
  // Everything rewritten from record 37 and every checkpoint re-signed with
  // the stolen key presented as a consistent chain of its own: internally
  // perfect, so only the anchors can tell.
  rewriteFrom(37, [](AuditRecord& r) { r.payload = R"({"decision":"DENY","n":37})"; });
  auto stolen = AuditKeyFile::load(key_dir_);
  ASSERT_TRUE(stolen.isOk());
  auto second = stolen->next();
  resign(0, *stolen, second->publicKey());
  resign(1, *second, second->next()->publicKey());
  EXPECT_EQ(verify("").outcome, Outcome::kIntact) << "internally consistent by construction";
  expectTampered(1, "do not produce the tree head of the anchored checkpoint at size 100");
}

TEST_P(AuditVerifierTest, AForgedConsistencyProofIsRejected) {
  unlock();
  auto cps = checkpoints();
  ASSERT_FALSE(cps[1].consistency_proof.empty());
  std::string forged = core::crypto::hexEncode(cps[1].consistency_proof[0]);
  forged[0] = forged[0] == '0' ? '1' : '0';
  exec("UPDATE audit_checkpoints SET consistency_proof = '" + forged + "' WHERE tree_size = 200");
  expectTampered(101, "consistency proof");
}

TEST_P(AuditVerifierTest, AClockGoingBackwardsIsFoundAtItsRecord) {
  auto all = records();
  const std::int64_t earlier = all[58].record.ts_ms - 1;
  rewriteFrom(60, [&](AuditRecord& r) { r.ts_ms = earlier; });
  expectTampered(60, "time goes backwards");
}

TEST_P(AuditVerifierTest, AMissingOrUnreadableAnchorFileIsUnverifiable) {
  std::ifstream in(anchors_);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  std::remove(anchors_.c_str());
  EXPECT_EQ(verify().outcome, Outcome::kUnverifiable);
  std::ofstream(anchors_) << text << "{\"v\":1,\"tree_size\":7}\n";
  AuditVerifyReport report = verify();
  EXPECT_EQ(report.outcome, Outcome::kUnverifiable);
  EXPECT_NE(report.reason.find("line 3"), std::string::npos) << report.reason;
}

TEST_P(AuditVerifierTest, ProvesOneRecordAgainstTheCheckpointThatCoversIt) {
  auto proof = proveAuditRecord(db(), 137);
  ASSERT_TRUE(proof.isOk()) << proof.status().toString();
  EXPECT_EQ(proof->record.seq, 137);
  EXPECT_EQ(proof->checkpoint.tree_size, 200);
  EXPECT_TRUE(verifyInclusion(auditEntryHash(proof->record), 136, 200, proof->path,
                              proof->checkpoint.root));
  EXPECT_EQ(proveAuditRecord(db(), 230).status().code(), core::Status::Code::kNotFound);
  EXPECT_EQ(proveAuditRecord(db(), 0).status().code(), core::Status::Code::kNotFound);
}

TEST_P(AuditVerifierTest, TheCheckpointerRefusesToSignAnAlteredChain) {
  unlock();
  exec("UPDATE audit_log SET kind = 'other' WHERE seq = 220");
  auto cp = AuditCheckpointer::open(db(), clock_, {key_dir_, anchors_, 1000, 600000});
  ASSERT_FALSE(cp.isOk());
  EXPECT_EQ(cp.status().code(), core::Status::Code::kPermanent);
  EXPECT_EQ(checkpoints().size(), 2u);
}

TEST_P(AuditVerifierTest, AKeyFileLeftOneEpochBehindIsMovedForward) {
  auto before = AuditKeyFile::load(key_dir_);  // epoch 2
  ASSERT_TRUE(before.isOk());
  ASSERT_TRUE(checkpoint());  // epoch 2 signs size 250; the file moves to epoch 3
  // A crash between committing that checkpoint and saving the next key
  // leaves the epoch-2 key on disk; the next start derives epoch 3 from it.
  ASSERT_TRUE(AuditKeyFile::store(key_dir_, *before).isOk());
  append(10);
  ASSERT_TRUE(checkpoint());
  EXPECT_EQ(verify().outcome, Outcome::kIntact) << verify().reason;
  auto after = AuditKeyFile::load(key_dir_);
  ASSERT_TRUE(after.isOk());
  EXPECT_EQ(after->epoch(), 4);
  EXPECT_EQ(checkpoints().back().epoch, 3);
}

TEST_P(AuditVerifierTest, AKeyFromAnotherChainIsRefused) {
  auto fresh = EpochKey::generate();
  ASSERT_TRUE(fresh.isOk());
  ASSERT_TRUE(AuditKeyFile::store(key_dir_, *fresh).isOk());
  auto foreign = AuditCheckpointer::open(db(), clock_, {key_dir_, anchors_, 1000, 600000});
  EXPECT_EQ(foreign.status().code(), core::Status::Code::kPermanent);
}

CARTRELAY_STORE_SUITE(AuditVerifierTest);

}  // namespace
}  // namespace cartrelay::compliance
