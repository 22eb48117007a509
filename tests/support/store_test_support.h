#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/store/database.h"
#include "core/util/key_ring.h"
#include "tests/support/manual_clock.h"
#include "tests/support/temp_dir.h"

namespace cartrelay::testing {

// Environment variable holding the MariaDB URL for the mariadb-labelled
// cases, e.g. $(scripts/test-mariadb.sh url).
inline constexpr const char* kMySqlUrlEnv = "CARTRELAY_TEST_MYSQL_URL";

// "sqlite" / "mariadb": the suffix of parameterised test names.
std::string backendName(const ::testing::TestParamInfo<core::store::Backend>& info);

// A fresh, empty database of the given backend, private to one test:
// SQLite: a file in a temporary directory; MariaDB: a new database
// `cartrelay_test_<pid>_<random>` created through the server URL from
// CARTRELAY_TEST_MYSQL_URL and dropped again on destruction. Tests can
// therefore run in parallel (ctest -j).
class ScratchDatabase {
 public:
  // Fails the current test (fatally) if MariaDB is requested and the
  // environment variable is unset or the server is unreachable.
  static std::unique_ptr<ScratchDatabase> create(core::store::Backend backend);

  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  ~ScratchDatabase();

  // Options pointing at this test's database; open() as often as needed.
  core::store::DatabaseOptions options() const { return options_; }
  // A directory private to the test (the SQLite file lives in it).
  const TempDir& dir() const { return dir_; }
  // SQLite only: the database file.
  const std::string& sqlitePath() const { return sqlite_path_; }

 private:
  ScratchDatabase() = default;

  TempDir dir_;
  core::store::DatabaseOptions options_;
  std::string sqlite_path_;
  std::unique_ptr<core::store::Database> admin_;  // MariaDB: server-level connection
  std::string mysql_database_;
};

// Base fixture of the store suites, parameterised over the backend: a fresh
// database (opened, not migrated), a key ring and a manual clock.
class StoreTest : public ::testing::TestWithParam<core::store::Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  core::store::Database& db() { return *db_; }
  // Opens the database and applies all migrations.
  void openMigrated();

  // Runs one statement outside any repository (raw checks).
  void exec(const std::string& sql);
  // Every column of every row of `SELECT ...` as text (NULL -> "<null>"),
  // for asserting what is stored at rest.
  std::vector<std::vector<std::string>> rawRows(const std::string& select);

  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<core::store::Database> db_;
  std::optional<core::KeyRing> keys_;
  ManualClock clock_{1'763'800'000'000};  // 2025-11-22
};

// Instantiates a StoreTest-derived suite once per backend. The instance
// names (Sqlite/, MariaDb/) are what tests/core/store/CMakeLists.txt filters
// on to label the MariaDB cases.
#define CARTRELAY_STORE_SUITE(Suite)                                                       \
  INSTANTIATE_TEST_SUITE_P(Sqlite, Suite,                                                  \
                           ::testing::Values(::cartrelay::core::store::Backend::kSqlite),  \
                           ::cartrelay::testing::backendName);                             \
  INSTANTIATE_TEST_SUITE_P(MariaDb, Suite,                                                 \
                           ::testing::Values(::cartrelay::core::store::Backend::kMariaDb), \
                           ::cartrelay::testing::backendName)

}  // namespace cartrelay::testing
