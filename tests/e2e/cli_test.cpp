// The real binary's command line: exit codes and messages as DESIGN.md's
// interface section promises them.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "tests/e2e/daemon_harness.h"

namespace cartrelay::testing {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Cli, ExampleConfigChecksOutAfterKeygen) {
  // Copy examples/cartrelay.ini into a private tree: its relative paths
  // (../var) then point into the temporary directory, not the checkout.
  TempDir dir;
  std::filesystem::create_directories(dir.file("examples"));
  std::filesystem::create_directories(dir.file("var"));
  std::filesystem::copy_file(std::string(CARTRELAY_SOURCE_DIR) + "/examples/cartrelay.ini",
                             dir.file("examples/cartrelay.ini"));
  const std::string config = dir.file("examples/cartrelay.ini");

  // Before keygen: the configuration itself is fine (exit 0), the missing
  // keys are a warning, and run refuses to start without them.
  CommandResult before = runCommand({CARTRELAY_BINARY, "check-config", "--config", config});
  EXPECT_EQ(before.exit_code, 0) << before.output;
  EXPECT_TRUE(contains(before.output, "warning: daemon.key_dir: ")) << before.output;
  EXPECT_TRUE(contains(before.output, "cartrelay keygen")) << before.output;
  CommandResult refused = runCommand({CARTRELAY_BINARY, "run", "--config", config});
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_TRUE(contains(refused.output, "cartrelay keygen")) << refused.output;

  CommandResult keygen = runCommand({CARTRELAY_BINARY, "keygen", "--config", config});
  ASSERT_EQ(keygen.exit_code, 0) << keygen.output;
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("var/keys/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  CommandResult check = runCommand({CARTRELAY_BINARY, "check-config", "--config", config});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_FALSE(contains(check.output, "warning")) << check.output;

  CommandResult migrate = runCommand({CARTRELAY_BINARY, "migrate", "--config", config});
  EXPECT_EQ(migrate.exit_code, 0) << migrate.output;
  EXPECT_TRUE(contains(migrate.output, "schema at version")) << migrate.output;
  EXPECT_TRUE(std::filesystem::exists(dir.file("var/cartrelay.db")));
}

TEST(Cli, TypoBadValueAndExposedSecretExitTwoNamingTheKey) {
  DaemonHarness h;
  h.writeConfig("", "", "listne = 127.0.0.1:1\n");
  CommandResult typo = h.cli({"check-config"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_TRUE(contains(typo.output, "daemon.listne: unknown key")) << typo.output;

  h.writeConfig("", "", "max_body_bytes = huge\n");
  CommandResult bad = h.cli({"check-config"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.output, "daemon.max_body_bytes: must be a size")) << bad.output;

  std::string secret = h.dir().writeFile("token", "abcdefghijabcdefghijabcdefghij-secret\n", 0644);
  h.writeConfig("", "", "admin_token = file:" + secret + "\n");
  CommandResult exposed = h.cli({"check-config"});
  EXPECT_EQ(exposed.exit_code, 2);
  EXPECT_TRUE(contains(exposed.output, "daemon.admin_token: ")) << exposed.output;
  EXPECT_TRUE(contains(exposed.output, "accessible by others")) << exposed.output;
  EXPECT_FALSE(contains(exposed.output, "abcdefghij")) << "secret content leaked";

  // run refuses the same configuration with the same message and exit code.
  CommandResult run = h.cli({"run"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.output, "daemon.admin_token: ")) << run.output;
}

TEST(Cli, DaemonRefusesKeysReadableByOthers) {
  DaemonHarness h;
  h.writeConfig();
  ASSERT_EQ(h.cli({"keygen"}).exit_code, 0);
  ASSERT_EQ(::chmod(h.dir().file("keys/lookup.key").c_str(), 0644), 0);
  CommandResult check = h.cli({"check-config"});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_TRUE(contains(check.output, "daemon.key_dir: ")) << check.output;
  CommandResult run = h.cli({"run"});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_TRUE(contains(run.output, "lookup.key")) << run.output;
}

TEST(Cli, UsageErrorsAndHelp) {
  EXPECT_EQ(runCommand({CARTRELAY_BINARY}).exit_code, 2);
  EXPECT_EQ(runCommand({CARTRELAY_BINARY, "frobnicate"}).exit_code, 2);
  EXPECT_EQ(runCommand({CARTRELAY_BINARY, "check-config", "--bogus"}).exit_code, 2);
  for (const char* cmd : {"run", "check-config", "migrate", "keygen", "version"}) {
    CommandResult help = runCommand({CARTRELAY_BINARY, cmd, "--help"});
    EXPECT_EQ(help.exit_code, 0) << cmd;
    EXPECT_TRUE(contains(help.output, "--config")) << cmd << ": " << help.output;
  }
  CommandResult version = runCommand({CARTRELAY_BINARY, "version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(contains(version.output, "cartrelay ")) << version.output;
  CommandResult missing =
      runCommand({CARTRELAY_BINARY, "check-config", "--config", "/nonexistent.ini"});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST(Cli, ComplianceReportFromTheExampleConfig) {
  // Reads only the configuration, so the checkout's example file can be used
  // as is: nothing is created next to it.
  const std::string config = std::string(CARTRELAY_SOURCE_DIR) + "/examples/cartrelay.ini";
  CommandResult text = runCommand({CARTRELAY_BINARY, "compliance", "report", "--config", config});
  EXPECT_EQ(text.exit_code, 0) << text.output;
  for (const char* section :
       {"== Controller ==", "== Purposes and legal bases ==", "== Data categories ==",
        "== Recipients ==", "== International transfers ==", "== Retention ==",
        "== Security measures =="}) {
    EXPECT_TRUE(contains(text.output, section)) << section << "\n" << text.output;
  }
  EXPECT_TRUE(contains(text.output, "30 days after the cart's last activity")) << text.output;
  EXPECT_TRUE(contains(text.output, "standard contract")) << text.output;

  CommandResult as_json =
      runCommand({CARTRELAY_BINARY, "compliance", "report", "--json", "--config", config});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.output;
  nlohmann::json report = nlohmann::json::parse(as_json.output);
  EXPECT_EQ(report["controller"]["jurisdiction"], "TR");
  EXPECT_EQ(report["controller"]["shops"][0]["name"], "demo");
  EXPECT_EQ(report["transfers"][0]["transfer_basis"], "standard_contract");
  bool carts_found = false;
  for (const auto& row : report["retention"]) {
    if (row["key"] == "carts") carts_found = row["days"] == 30;
  }
  EXPECT_TRUE(carts_found) << as_json.output;
  EXPECT_FALSE(contains(as_json.output, "demo-webhook-secret")) << "secret leaked";

  EXPECT_EQ(runCommand({CARTRELAY_BINARY, "compliance", "report", "--config", "/nonexistent.ini"})
                .exit_code,
            2);
}

}  // namespace
}  // namespace cartrelay::testing
