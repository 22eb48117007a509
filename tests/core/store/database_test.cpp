#include "core/store/database.h"

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <soci/soci.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/metrics/metrics.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::core::store {
namespace {

using testing::ScratchDatabase;
using testing::StoreTest;

class DatabaseTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    exec("CREATE TABLE kv (k VARCHAR(64) NOT NULL PRIMARY KEY, v TEXT NOT NULL)");
  }

  long long count() {
    long long n = -1;
    Status status = db().withSession([&](soci::session& s) {
      s << "SELECT COUNT(*) FROM kv", soci::into(n);
      return Status::ok();
    });
    EXPECT_TRUE(status.isOk()) << status.toString();
    return n;
  }

  static Status put(soci::session& s, std::string k, std::string v) {
    s << "INSERT INTO kv (k, v) VALUES (:k, :v)", soci::use(k), soci::use(v);
    return Status::ok();
  }
};

TEST_P(DatabaseTest, OpensAndPings) {
  EXPECT_EQ(db().backend(), GetParam());
  EXPECT_TRUE(db().ping().isOk());
  EXPECT_EQ(db().redactedUrl().find(scratch_->options().url.substr(0, 6)), 0u);
  if (GetParam() != Backend::kMariaDb) return;
  auto vars = rawRows(
      "SELECT @@character_set_connection, @@character_set_client, @@sql_mode,"
      " @@time_zone");
  ASSERT_EQ(vars.size(), 1u);
  EXPECT_EQ(vars[0][0], "utf8mb4");
  EXPECT_EQ(vars[0][1], "utf8mb4");
  EXPECT_NE(vars[0][2].find("STRICT_ALL_TABLES"), std::string::npos) << vars[0][2];
  EXPECT_EQ(vars[0][3], "+00:00");
}

TEST_P(DatabaseTest, TransactionCommitsWhenFnReturnsOk) {
  ASSERT_TRUE(db().withTransaction([](soci::session& s) { return put(s, "a", "1"); }).isOk());
  EXPECT_EQ(count(), 1);
}

TEST_P(DatabaseTest, TransactionRollsBackWhenFnReturnsError) {
  Status status = db().withTransaction([](soci::session& s) {
    CARTRELAY_RETURN_IF_ERROR(put(s, "a", "1"));
    return Status::duplicate("decided by fn");
  });
  EXPECT_EQ(status.code(), Status::Code::kDuplicate);
  EXPECT_EQ(count(), 0);
}

TEST_P(DatabaseTest, TransactionRollsBackWhenFnThrows) {
  Status status = db().withTransaction([](soci::session& s) -> Status {
    CARTRELAY_RETURN_IF_ERROR(put(s, "a", "1"));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(status.code(), Status::Code::kInternal);
  EXPECT_NE(status.message().find("boom"), std::string::npos);
  EXPECT_EQ(count(), 0);
  // The session is usable afterwards.
  EXPECT_TRUE(db().withTransaction([](soci::session& s) { return put(s, "b", "2"); }).isOk());
  EXPECT_EQ(count(), 1);
}

TEST_P(DatabaseTest, SqlErrorsAreInternalAndCarryNoBoundValues) {
  ASSERT_TRUE(db().withSession([](soci::session& s) { return put(s, "dup", "x"); }).isOk());
  // A duplicate primary key whose value and payload must not leak into the message.
  Status status = db().withTransaction(
      [](soci::session& s) { return put(s, "dup", "secret-payload-+905321234567"); });
  EXPECT_EQ(status.code(), Status::Code::kInternal) << status.toString();
  EXPECT_EQ(status.message().find("+905321234567"), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find("secret-payload"), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find("'dup'"), std::string::npos) << status.message();

  // A syntax error is internal too, not a crash.
  Status syntax = db().withSession([](soci::session& s) {
    s << "SELEKT nonsense";
    return Status::ok();
  });
  EXPECT_EQ(syntax.code(), Status::Code::kInternal);
}

TEST_P(DatabaseTest, BoundParametersSurviveQuotesAndInjection) {
  const std::vector<std::string> values = {"O'Brien", "x'); DROP TABLE kv; --",
                                           "back\\slash \\' \"dq\"", "Ayşe Yılmaz 🛒",
                                           std::string("nul\0byte", 8)};
  int i = 0;
  for (const std::string& v : values) {
    std::string key = "k" + std::to_string(i++);
    ASSERT_TRUE(db().withTransaction([&](soci::session& s) { return put(s, key, v); }).isOk()) << v;
  }
  EXPECT_EQ(count(), static_cast<long long>(values.size()));
  i = 0;
  for (const std::string& v : values) {
    std::string key = "k" + std::to_string(i++);
    auto got = db().querySession([&](soci::session& s) -> Result<std::string> {
      std::string out;
      s << "SELECT v FROM kv WHERE k = :k", soci::use(key), soci::into(out);
      return out;
    });
    ASSERT_TRUE(got.isOk()) << got.status().toString();
    // SQLite and MariaDB both stop text at NUL on the way in or out; the
    // rest is byte-exact.
    if (v.find('\0') == std::string::npos) {
      EXPECT_EQ(*got, v);
    }
  }
}

TEST_P(DatabaseTest, QueryTransactionPassesTheValueOut) {
  auto n = db().queryTransaction([](soci::session& s) -> Result<int> {
    CARTRELAY_RETURN_IF_ERROR(put(s, "a", "1"));
    return 42;
  });
  ASSERT_TRUE(n.isOk());
  EXPECT_EQ(*n, 42);
  auto err = db().queryTransaction([](soci::session& s) -> Result<int> {
    CARTRELAY_RETURN_IF_ERROR(put(s, "b", "2"));
    return Status::notFound("nope");
  });
  EXPECT_EQ(err.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(count(), 1);
}

TEST_P(DatabaseTest, ConcurrentTransactionsAllCommit) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string key = std::to_string(t) + "-" + std::to_string(i);
        Status st = db().withTransaction([&](soci::session& s) { return put(s, key, "v"); });
        if (!st.isOk()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count(), kThreads * kPerThread);
}

TEST_P(DatabaseTest, RecordsMetrics) {
  metrics::Metrics metrics("test");
  auto opened = Database::open(scratch_->options(), &metrics);
  ASSERT_TRUE(opened.isOk()) << opened.status().toString();
  Database& db2 = **opened;
  ASSERT_TRUE(db2.ping().isOk());
  Status failed = db2.withSession([](soci::session& s) {
    s << "SELECT * FROM no_such_table";
    return Status::ok();
  });
  EXPECT_FALSE(failed.isOk());
  std::string text = metrics.render();
  std::string backend(toString(GetParam()));
  EXPECT_NE(text.find("cartrelay_store_operation_duration_seconds_count{backend=\"" + backend +
                      "\",result=\"ok\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cartrelay_store_operation_duration_seconds_count{backend=\"" + backend +
                      "\",result=\"error\"} 1"),
            std::string::npos)
      << text;
}

TEST_P(DatabaseTest, WrongPasswordOrOptionsFailWithoutLeakingThePassword) {
  DatabaseOptions options = scratch_->options();
  options.pool_size = 0;
  auto bad_pool = Database::open(options, nullptr);
  EXPECT_EQ(bad_pool.status().code(), Status::Code::kInvalidArgument);

  if (GetParam() != Backend::kMariaDb) return;
  options = scratch_->options();
  options.password = "Wrong-Password-123";
  auto opened = Database::open(options, nullptr);
  ASSERT_FALSE(opened.isOk());
  EXPECT_EQ(opened.status().message().find("Wrong-Password-123"), std::string::npos)
      << opened.status().message();
  EXPECT_NE(opened.status().message().find("1045"), std::string::npos) << opened.status().message();
}

CARTRELAY_STORE_SUITE(DatabaseTest);

// Backend-specific checks that need no server.

TEST(SqliteDatabase, MissingDirectoryIsAClearError) {
  testing::TempDir dir;
  DatabaseOptions options;
  options.url = "sqlite://" + dir.file("no/such/dir/x.db");
  auto db = Database::open(options, nullptr);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(db.status().message().find("does not exist"), std::string::npos);
}

TEST(SqliteDatabase, PragmasAreApplied) {
  testing::TempDir dir;
  DatabaseOptions options;
  options.url = "sqlite://" + dir.file("with space.db");
  options.busy_timeout_ms = 1234;
  auto db = Database::open(options, nullptr);
  ASSERT_TRUE(db.isOk()) << db.status().toString();
  Status status = (*db)->withSession([](soci::session& s) {
    std::string mode;
    int fk = 0;
    int timeout = 0;
    int sync = -1;
    s << "PRAGMA journal_mode", soci::into(mode);
    s << "PRAGMA foreign_keys", soci::into(fk);
    s << "PRAGMA busy_timeout", soci::into(timeout);
    s << "PRAGMA synchronous", soci::into(sync);
    EXPECT_EQ(mode, "wal");
    EXPECT_EQ(fk, 1);
    EXPECT_EQ(timeout, 1234);
    EXPECT_EQ(sync, 2);  // FULL
    return Status::ok();
  });
  EXPECT_TRUE(status.isOk()) << status.toString();
  EXPECT_EQ(::access(dir.file("with space.db").c_str(), F_OK), 0);
  // Customer data: the file is created owner-only whatever the umask.
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("with space.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(SqliteDatabase, UnopenableFileIsAPermanentErrorNotACrash) {
  testing::TempDir dir;
  DatabaseOptions options;
  options.url = "sqlite://" + dir.path();  // a directory, not a file
  auto db = Database::open(options, nullptr);
  ASSERT_FALSE(db.isOk());
  // Retrying cannot help a misconfigured path: permanent, naming the path.
  EXPECT_EQ(db.status().code(), Status::Code::kPermanent) << db.status().toString();
  EXPECT_NE(db.status().message().find(dir.path()), std::string::npos);
}

TEST(SqliteDatabase, InMemory) {
  DatabaseOptions options;
  options.url = "sqlite://:memory:";
  auto db = Database::open(options, nullptr);
  ASSERT_TRUE(db.isOk()) << db.status().toString();
  EXPECT_TRUE((*db)->ping().isOk());
}

// A loopback port with nothing listening on it.
int closedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

TEST(DatabaseOpen, UnreachableMariaDbIsUnavailableAndHidesThePassword) {
  DatabaseOptions options;
  options.url =
      "mysql://cartrelay:Pa55-Unreachable@127.0.0.1:" + std::to_string(closedPort()) + "/cartrelay";
  options.connect_timeout_s = 2;
  auto db = Database::open(options, nullptr);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Status::Code::kUnavailable) << db.status().toString();
  EXPECT_EQ(db.status().message().find("Pa55-Unreachable"), std::string::npos)
      << db.status().message();
  EXPECT_NE(db.status().message().find("***"), std::string::npos) << db.status().message();
}

TEST(DatabaseOpen, BadUrlMessageHidesThePassword) {
  DatabaseOptions options;
  options.url = "mysql://cartrelay:Pa55-BadUrl@127.0.0.1:70000/cartrelay";
  auto db = Database::open(options, nullptr);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(db.status().message().find("Pa55-BadUrl"), std::string::npos);
}

}  // namespace
}  // namespace cartrelay::core::store
