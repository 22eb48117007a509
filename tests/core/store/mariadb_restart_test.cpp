// Stops and restarts a private MariaDB under an open Database and checks that
// it fails fast while the server is down and heals without being reopened.
// Starts its own server (scripts/test-mariadb.sh with its own directory and
// port), so it never disturbs the shared test server. Labelled mariadb.

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <soci/soci.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/store/database.h"
#include "tests/support/temp_dir.h"

namespace cartrelay::core::store {
namespace {

std::string script() { return std::string(CARTRELAY_SOURCE_DIR) + "/scripts/test-mariadb.sh"; }

int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

// Runs a command; returns its exit status and stdout.
int run(const std::string& command, std::string* out = nullptr) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 512> buf{};
  std::string text;
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) text += buf.data();
  int status = ::pclose(pipe);
  if (out != nullptr) *out = text;
  return status;
}

class MariaDbRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = std::to_string(freePort());
    args_ = " '" + dir_.path() + "' " + port_;
    std::string out;
    ASSERT_EQ(run(script() + " start" + args_, &out), 0) << out;
    started_ = true;
    ASSERT_EQ(run(script() + " url" + args_, &url_), 0) << url_;
    while (!url_.empty() && (url_.back() == '\n' || url_.back() == '\r')) url_.pop_back();
  }

  void TearDown() override {
    if (started_) run(script() + " stop" + args_);
  }

  testing::TempDir dir_;
  std::string port_;
  std::string args_;
  std::string url_;
  bool started_ = false;
};

TEST_F(MariaDbRestart, FailsFastWhileDownAndHealsWithoutReopening) {
  DatabaseOptions options;
  options.url = url_;
  options.pool_size = 3;
  options.connect_timeout_s = 2;
  auto opened = Database::open(options, nullptr);
  ASSERT_TRUE(opened.isOk()) << opened.status().toString();
  Database& db = **opened;
  ASSERT_TRUE(db.withSession([](soci::session& s) {
                  s << "CREATE TABLE IF NOT EXISTS restart_probe (id INT PRIMARY KEY)";
                  s << "INSERT INTO restart_probe (id) VALUES (1)";
                  return Status::ok();
                }).isOk());

  // Touch every pooled session so all of them hold a connection that the
  // restart will break.
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      EXPECT_TRUE(db.withSession([](soci::session& s) {
                      s << "SELECT SLEEP(0.2)";
                      return Status::ok();
                    }).isOk());
    });
  }
  for (auto& t : threads) t.join();

  std::string out;
  ASSERT_EQ(run(script() + " stop" + args_, &out), 0) << out;

  for (int i = 0; i < 4; ++i) {
    Status ping = db.ping();
    EXPECT_EQ(ping.code(), Status::Code::kUnavailable) << ping.toString();
    EXPECT_EQ(ping.message().find(url_.substr(url_.find(':', 8) + 1, 8)), std::string::npos)
        << "password in message: " << ping.message();
  }
  Status tx = db.withTransaction([](soci::session& s) {
    s << "INSERT INTO restart_probe (id) VALUES (2)";
    return Status::ok();
  });
  EXPECT_EQ(tx.code(), Status::Code::kUnavailable) << tx.toString();

  ASSERT_EQ(run(script() + " start" + args_, &out), 0) << out;

  // The very first call after the restart succeeds, and so does every
  // pooled session, in parallel.
  Status first = db.ping();
  EXPECT_TRUE(first.isOk()) << first.toString();
  threads.clear();
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      Status st = db.withTransaction([i](soci::session& s) {
        int id = 10 + i;
        s << "SELECT SLEEP(0.2)";
        s << "INSERT INTO restart_probe (id) VALUES (:id)", soci::use(id);
        return Status::ok();
      });
      EXPECT_TRUE(st.isOk()) << st.toString();
    });
  }
  for (auto& t : threads) t.join();
  auto count = db.querySession([](soci::session& s) -> Result<long long> {
    long long n = 0;
    s << "SELECT COUNT(*) FROM restart_probe", soci::into(n);
    return n;
  });
  ASSERT_TRUE(count.isOk()) << count.status().toString();
  EXPECT_EQ(*count, 4);  // 1 before, 3 after; the failed insert never happened
}

}  // namespace
}  // namespace cartrelay::core::store
