#include "compliance/audit_verifier.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "compliance/audit_checkpointer.h"
#include "compliance/epoch_key.h"
#include "compliance/merkle_frontier.h"
#include "compliance/merkle_proof.h"
#include "core/store/database.h"

namespace cartrelay::compliance {
namespace {

using audit_store::Checkpoint;
using audit_store::StoredRecord;
using core::Result;
using core::Status;
using Outcome = AuditVerifyReport::Outcome;

constexpr int kReadBatch = 10000;

std::string num(std::int64_t v) { return std::to_string(v); }

// Collects findings and keeps the one with the lowest sequence number.
class Findings {
 public:
  void tampered(std::int64_t seq, std::string reason) {
    if (!tampered_ || seq < seq_) {
      tampered_ = true;
      seq_ = seq;
      reason_ = std::move(reason);
    }
  }
  void unverifiable(std::string reason) {
    if (unverifiable_.empty()) unverifiable_ = std::move(reason);
  }
  void finish(AuditVerifyReport& report) const {
    if (tampered_) {
      report.outcome = Outcome::kTampered;
      report.first_bad_seq = seq_;
      report.reason = reason_;
    } else if (!unverifiable_.empty()) {
      report.outcome = Outcome::kUnverifiable;
      report.reason = unverifiable_;
    }
  }

 private:
  bool tampered_ = false;
  std::int64_t seq_ = 0;
  std::string reason_;
  std::string unverifiable_;
};

struct Anchor {
  int line = 0;
  Checkpoint checkpoint;
};

bool signatureVerifies(const Checkpoint& c) {
  return verifyEd25519(c.public_key, checkpointSignedBytes(c), c.signature);
}

std::vector<Anchor> readAnchors(const std::string& path, bool have_checkpoints,
                                AuditVerifyReport& report, Findings& findings) {
  std::vector<Anchor> out;
  if (path.empty()) {
    report.warnings.push_back(
        "no anchor file configured (compliance.audit_anchor_file): truncation after the last "
        "checkpoint and a rewrite of the whole database cannot be detected");
    return out;
  }
  std::ifstream in(path);
  if (!in) {
    if (have_checkpoints) {
      findings.unverifiable("anchor file " + path + " cannot be read");
    } else {
      report.warnings.push_back("anchor file " + path + " does not exist yet (no checkpoints)");
    }
    return out;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    auto parsed = parseAnchorLine(line);
    if (!parsed.isOk()) {
      findings.unverifiable("anchor file line " + num(number) + ": " + parsed.status().message());
      continue;
    }
    if (!signatureVerifies(*parsed)) {
      findings.unverifiable("anchor file line " + num(number) + ": signature does not verify");
      continue;
    }
    out.push_back({number, std::move(parsed).value()});
  }
  return out;
}

// What the records prove: how many form an intact chain from 1, and the
// tree head and last time at each size a checkpoint or anchor asks about.
struct ChainFacts {
  std::int64_t intact = 0;  // records 1..intact verified
  bool broken = false;      // a record after `intact` failed
  std::map<std::int64_t, std::string> roots;
  std::map<std::int64_t, std::int64_t> times;
};

Result<ChainFacts> walkRecords(core::store::Database& db, const std::string& install_id,
                               const std::set<std::int64_t>& sizes, Findings& findings) {
  ChainFacts facts;
  MerkleFrontier frontier;
  std::string prev = auditGenesisHash(install_id);
  std::int64_t prev_ts = 0;
  for (;;) {
    const std::int64_t from = facts.intact + 1;
    CARTRELAY_ASSIGN_OR_RETURN(std::vector<StoredRecord> batch,
                               db.querySession([&](soci::session& s) {
                                 return audit_store::records(s, from, kReadBatch);
                               }));
    if (batch.empty()) {
      // Records may exist beyond a gap of a whole batch.
      CARTRELAY_ASSIGN_OR_RETURN(audit_store::Extent extent, db.querySession([](soci::session& s) {
        return audit_store::extent(s);
      }));
      if (extent.max_seq > facts.intact) {
        findings.tampered(from, "record " + num(from) + " is missing");
        facts.broken = true;
      }
      return facts;
    }
    for (const StoredRecord& stored : batch) {
      const std::int64_t seq = facts.intact + 1;
      const AuditRecord& r = stored.record;
      std::string problem;
      if (r.seq != seq) {
        problem = "record " + num(seq) + " is missing";
      } else if (stored.malformed) {
        problem = "record " + num(seq) + " has a hash that is not 64 hex characters";
      } else if (auditEntryHash(r) != stored.entry_hash) {
        problem = "record " + num(seq) + ": its contents do not produce its entry hash";
      } else if (r.prev_hash != prev) {
        problem = "record " + num(seq) + ": prev_hash does not link to " +
                  (seq == 1 ? std::string("the genesis hash") : "record " + num(seq - 1));
      } else if (r.ts_ms < prev_ts) {
        problem = "record " + num(seq) + ": time goes backwards";
      }
      if (!problem.empty()) {
        findings.tampered(seq, problem);
        facts.broken = true;
        return facts;
      }
      CARTRELAY_RETURN_IF_ERROR(frontier.append(stored.entry_hash));
      prev = stored.entry_hash;
      prev_ts = r.ts_ms;
      facts.intact = seq;
      if (sizes.count(seq) != 0) {
        facts.roots[seq] = frontier.root();
        facts.times[seq] = r.ts_ms;
      }
    }
  }
}

void checkCheckpoints(const std::vector<Checkpoint>& cps, const ChainFacts& chain,
                      Findings& findings) {
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const Checkpoint& c = cps[i];
    const Checkpoint* prev = i > 0 ? &cps[i - 1] : nullptr;
    const std::int64_t first = (prev ? prev->tree_size : 0) + 1;
    const std::string name = "checkpoint at size " + num(c.tree_size);
    if (c.malformed) {
      findings.tampered(first, name + " is unreadable");
    } else if (c.epoch != static_cast<std::int64_t>(i)) {
      findings.tampered(first, name + " claims epoch " + num(c.epoch) + " where " +
                                   num(static_cast<std::int64_t>(i)) + " belongs");
    } else if (prev && c.public_key != prev->next_public_key) {
      findings.tampered(first, name + " is not signed with the key its epoch was given");
    } else if (!signatureVerifies(c)) {
      findings.tampered(first, name + ": signature does not verify");
    } else if (prev && c.ts_ms < prev->ts_ms) {
      findings.tampered(first, name + ": time goes backwards");
    } else if (prev ? !verifyConsistency(static_cast<std::uint64_t>(prev->tree_size),
                                         static_cast<std::uint64_t>(c.tree_size), prev->root,
                                         c.root, c.consistency_proof)
                    : !c.consistency_proof.empty()) {
      findings.tampered(first, name + ": consistency proof from the previous checkpoint fails");
    } else if (c.tree_size > chain.intact) {
      if (!chain.broken) {
        findings.tampered(chain.intact + 1,
                          "truncated: " + name + " but the chain ends at " + num(chain.intact));
      }
    } else if (chain.roots.at(c.tree_size) != c.root) {
      findings.tampered(first, name + ": root does not match records 1.." + num(c.tree_size));
    } else if (c.ts_ms < chain.times.at(c.tree_size)) {
      findings.tampered(first, name + " is older than the records it covers");
    }
  }
}

void checkAnchors(std::vector<Anchor> anchors, const std::vector<Checkpoint>& cps,
                  const ChainFacts& chain, AuditVerifyReport& report, Findings& findings) {
  std::stable_sort(anchors.begin(), anchors.end(), [](const Anchor& a, const Anchor& b) {
    return a.checkpoint.tree_size < b.checkpoint.tree_size;
  });
  std::map<std::int64_t, const Checkpoint*> by_size;
  for (const Checkpoint& c : cps) by_size[c.tree_size] = &c;
  std::int64_t good = 0;  // records 1..good match an anchor
  for (const Anchor& anchor : anchors) {
    const Checkpoint& a = anchor.checkpoint;
    const std::string name = "anchored checkpoint at size " + num(a.tree_size) + " (anchor line " +
                             num(anchor.line) + ")";
    auto stored = by_size.find(a.tree_size);
    if (a.tree_size > chain.intact) {
      if (!chain.broken) {
        findings.tampered(chain.intact + 1,
                          "truncated: " + name + " but the chain ends at " + num(chain.intact));
      }
      continue;
    }
    if (chain.roots.at(a.tree_size) != a.root) {
      findings.tampered(good + 1, "records 1.." + num(a.tree_size) +
                                      " do not produce the tree head of the " + name);
      continue;
    }
    if (stored == by_size.end()) {
      findings.tampered(good + 1, name + " is missing from the database");
      continue;
    }
    const Checkpoint& c = *stored->second;
    if (c.epoch != a.epoch || c.ts_ms != a.ts_ms || c.public_key != a.public_key ||
        c.next_public_key != a.next_public_key || c.signature != a.signature) {
      findings.tampered(good + 1, name + " differs from the database's copy (re-signed?)");
      continue;
    }
    good = a.tree_size;
  }
  const std::int64_t anchored = anchors.empty() ? 0 : anchors.back().checkpoint.tree_size;
  const auto unanchored = std::count_if(
      cps.begin(), cps.end(), [&](const Checkpoint& c) { return c.tree_size > anchored; });
  if (!anchors.empty() && unanchored > 0) {
    report.warnings.push_back(num(unanchored) + " checkpoint(s) after size " + num(anchored) +
                              " have no anchor");
  }
}

}  // namespace

Result<AuditVerifyReport> verifyAuditChain(core::store::Database& db,
                                           const std::string& anchor_file) {
  AuditVerifyReport report;
  Findings findings;
  CARTRELAY_ASSIGN_OR_RETURN(std::vector<Checkpoint> cps, db.querySession([](soci::session& s) {
    return audit_store::checkpoints(s);
  }));
  CARTRELAY_ASSIGN_OR_RETURN(
      std::optional<audit_store::Head> head,
      db.querySession([](soci::session& s) { return audit_store::readHead(s); }));
  std::vector<Anchor> anchors = readAnchors(anchor_file, !cps.empty(), report, findings);
  report.checkpoints = static_cast<std::int64_t>(cps.size());
  report.anchors = static_cast<std::int64_t>(anchors.size());

  std::set<std::int64_t> sizes;
  for (const Checkpoint& c : cps) sizes.insert(c.tree_size);
  for (const Anchor& a : anchors) sizes.insert(a.checkpoint.tree_size);
  CARTRELAY_ASSIGN_OR_RETURN(
      ChainFacts chain, walkRecords(db, head ? head->install_id : std::string(), sizes, findings));
  report.records = chain.intact;
  if (!chain.broken) {
    const std::int64_t head_seq = head ? head->seq : 0;
    if (head_seq > chain.intact) {
      findings.tampered(chain.intact + 1, "records " + num(chain.intact + 1) + ".." +
                                              num(head_seq) + " are missing (the head says " +
                                              num(head_seq) + ")");
    } else if (head_seq < chain.intact) {
      findings.tampered(head_seq + 1, "record " + num(head_seq + 1) +
                                          " was not appended through the chain's head");
    }
  }
  checkCheckpoints(cps, chain, findings);
  checkAnchors(std::move(anchors), cps, chain, report, findings);
  const std::int64_t covered = cps.empty() ? 0 : cps.back().tree_size;
  if (chain.intact > covered) {
    report.warnings.push_back(num(chain.intact - covered) +
                              " record(s) after the last checkpoint are not signed yet");
  }
  findings.finish(report);
  return report;
}

Result<AuditInclusion> proveAuditRecord(core::store::Database& db, std::int64_t seq) {
  CARTRELAY_ASSIGN_OR_RETURN(std::vector<Checkpoint> cps, db.querySession([](soci::session& s) {
    return audit_store::checkpoints(s);
  }));
  auto covering =
      std::find_if(cps.begin(), cps.end(), [&](const Checkpoint& c) { return c.tree_size >= seq; });
  if (seq < 1) return Status::notFound("audit record " + num(seq) + " does not exist");
  if (covering == cps.end()) {
    return Status::notFound("audit record " + num(seq) +
                            " is not covered by a checkpoint yet (or does not exist)");
  }
  AuditInclusion out;
  out.checkpoint = *covering;
  std::vector<std::string> leaves;
  leaves.reserve(static_cast<std::size_t>(covering->tree_size));
  while (static_cast<std::int64_t>(leaves.size()) < covering->tree_size) {
    const std::int64_t from = static_cast<std::int64_t>(leaves.size()) + 1;
    const int limit =
        static_cast<int>(std::min<std::int64_t>(kReadBatch, covering->tree_size - from + 1));
    CARTRELAY_ASSIGN_OR_RETURN(
        std::vector<StoredRecord> batch,
        db.querySession([&](soci::session& s) { return audit_store::records(s, from, limit); }));
    if (batch.empty()) batch.emplace_back();  // seq 0: reported missing below
    for (StoredRecord& stored : batch) {
      if (stored.record.seq != static_cast<std::int64_t>(leaves.size()) + 1) {
        return Status::permanent("audit record " +
                                 num(static_cast<std::int64_t>(leaves.size()) + 1) +
                                 " is missing; run `cartrelay audit verify`");
      }
      if (stored.record.seq == seq) {
        out.record = stored.record;
        out.entry_hash = stored.entry_hash;
      }
      leaves.push_back(std::move(stored.entry_hash));
    }
  }
  CARTRELAY_ASSIGN_OR_RETURN(out.path, inclusionProof(leaves, static_cast<std::uint64_t>(seq - 1)));
  if (!verifyInclusion(out.entry_hash, static_cast<std::uint64_t>(seq - 1),
                       static_cast<std::uint64_t>(covering->tree_size), out.path, covering->root)) {
    return Status::permanent("the stored records do not produce checkpoint " +
                             num(covering->tree_size) + "'s root; run `cartrelay audit verify`");
  }
  return out;
}

}  // namespace cartrelay::compliance
