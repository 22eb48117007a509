#include "tests/bench/outbox_probe.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include <soci/soci.h>
#include <unistd.h>

#include "tests/bench/load_client.h"

namespace cartrelay::bench {
namespace {

std::int64_t outboxIdOf(const testing::FakeCloudApi::AcceptedMessage& m) {
  return std::atoll(m.biz_opaque_callback_data.c_str());
}

}  // namespace

std::unique_ptr<OutboxProbe> OutboxProbe::open(const std::string& sqlite_path) {
  core::store::DatabaseOptions options;
  options.url = "sqlite://" + sqlite_path;
  auto opened = core::store::Database::open(options, nullptr);
  if (!opened.isOk()) {
    std::fprintf(stderr, "send_bench: %s\n", opened.status().message().c_str());
    return nullptr;
  }
  return std::unique_ptr<OutboxProbe>(new OutboxProbe(std::move(opened).value()));
}

std::int64_t OutboxProbe::maxId() {
  auto id = db_->querySession([](soci::session& s) -> core::Result<std::int64_t> {
    long long max = 0;
    soci::indicator ind = soci::i_ok;
    s << "SELECT MAX(id) FROM outbox", soci::into(max, ind);
    return ind == soci::i_ok ? static_cast<std::int64_t>(max) : 0;
  });
  return id.isOk() ? *id : -1;
}

std::int64_t OutboxProbe::storedAfter(std::int64_t after_id) {
  auto n = db_->querySession([&](soci::session& s) -> core::Result<std::int64_t> {
    long long count = 0;
    std::int64_t after = after_id;
    s << "SELECT COUNT(*) FROM outbox WHERE id > :a AND state = 'sent' AND wamid IS NOT NULL",
        soci::use(after), soci::into(count);
    return static_cast<std::int64_t>(count);
  });
  return n.isOk() ? *n : -1;
}

std::int64_t OutboxProbe::waitStored(std::int64_t after_id, std::int64_t expected) {
  std::int64_t seen = -1;
  std::int64_t progress_at = steadyMillis();
  while (steadyMillis() - progress_at < 60'000) {
    const std::int64_t now = storedAfter(after_id);
    if (now >= expected) return steadyMicros();
    if (now > seen) {
      seen = now;
      progress_at = steadyMillis();
    }
    ::usleep(10'000);
  }
  std::printf("  gave up waiting: %lld of %lld rows stored, no progress for 60 s\n",
              static_cast<long long>(seen), static_cast<long long>(expected));
  return 0;
}

std::pair<std::int64_t, std::int64_t> OutboxProbe::postSpan(const testing::FakeCloudApi& meta,
                                                            std::int64_t after_id) {
  std::int64_t first = 0;
  std::int64_t last = 0;
  for (const auto& m : meta.accepted()) {
    if (outboxIdOf(m) <= after_id) continue;
    if (first == 0 || m.received_steady_ms < first) first = m.received_steady_ms;
    last = std::max(last, m.received_steady_ms);
  }
  return {first, last};
}

bool OutboxProbe::verify(const testing::FakeCloudApi& meta, std::int64_t after_id,
                         std::size_t expected) {
  std::string finding;
  const auto fail = [&finding](const std::string& what) {
    if (finding.empty()) finding = what;
  };
  struct Row {
    std::string state, wamid;
  };
  std::map<std::int64_t, Row> rows;
  auto read = db_->withSession([&](soci::session& s) {
    std::int64_t after = after_id;
    std::int64_t id = 0;
    Row row;
    soci::indicator ind = soci::i_ok;
    soci::statement st =
        (s.prepare << "SELECT id, state, wamid FROM outbox WHERE id > :a", soci::use(after),
         soci::into(id), soci::into(row.state), soci::into(row.wamid, ind));
    st.execute();
    while (st.fetch()) rows[id] = {row.state, ind == soci::i_ok ? row.wamid : ""};
    return core::Status::ok();
  });
  if (!read.isOk()) fail("cannot read the outbox: " + read.message());
  std::map<std::int64_t, std::vector<std::string>> posted;  // outbox id -> wamids answered
  for (const auto& m : meta.accepted()) {
    if (outboxIdOf(m) > after_id) posted[outboxIdOf(m)].push_back(m.wamid);
  }
  if (rows.size() != expected) {
    fail(std::to_string(rows.size()) + " outbox rows, expected " + std::to_string(expected));
  }
  std::size_t twice = 0;
  for (const auto& [id, wamids] : posted) {
    if (wamids.size() > 1) ++twice;
    if (rows.count(id) == 0) fail("a POST for an unknown outbox id " + std::to_string(id));
  }
  if (twice > 0) fail(std::to_string(twice) + " messages were POSTed more than once");
  for (const auto& [id, row] : rows) {
    auto it = posted.find(id);
    if (row.state != "sent" || row.wamid.empty()) {
      fail("outbox " + std::to_string(id) + " is " + row.state + ", not sent");
    } else if (it == posted.end()) {
      fail("outbox " + std::to_string(id) + " is sent but the fake never got it");
    } else if (it->second.front() != row.wamid) {
      fail("outbox " + std::to_string(id) + " stored another wamid than the answer's");
    }
  }
  const auto malformed = meta.invalidRequests();
  if (!malformed.empty()) {
    fail(std::to_string(malformed.size()) + " malformed requests: " + malformed.front().details);
  }
  if (finding.empty()) {
    std::printf("  check:           ok: %zu rows sent, wamid stored, exactly one POST each\n",
                rows.size());
  } else {
    std::printf("  check:           FINDING: %s\n", finding.c_str());
  }
  return finding.empty();
}

}  // namespace cartrelay::bench
