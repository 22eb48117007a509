// isValidJson must give exactly nlohmann::json::accept's verdict: on the
// published payloads, on hand-picked edge cases, and on a bounded set of
// deterministic mutations of those payloads.
#include "core/util/json_syntax.h"

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"

namespace cartrelay::core {
namespace {

std::vector<std::string> fixtureBodies() {
  std::vector<std::string> bodies;
  for (const char* dir : {"shopify", "woocommerce", "whatsapp"}) {
    for (const auto& entry : std::filesystem::directory_iterator(testing::fixturePath(dir))) {
      if (entry.path().extension() != ".json") continue;
      bodies.push_back(
          testing::readFixture(std::string(dir) + "/" + entry.path().filename().string()));
    }
  }
  return bodies;
}

void expectSameVerdict(const std::string& text) {
  EXPECT_EQ(isValidJson(text), nlohmann::json::accept(text)) << "input: " << text.substr(0, 200);
}

TEST(JsonSyntax, EveryFixtureIsValid) {
  auto bodies = fixtureBodies();
  ASSERT_GT(bodies.size(), 40u);
  for (const auto& b : bodies) EXPECT_TRUE(isValidJson(b)) << b.substr(0, 80);
}

TEST(JsonSyntax, EdgeCasesMatchAccept) {
  const std::vector<std::string> cases = {"",
                                          " ",
                                          "{}",
                                          "[]",
                                          "null",
                                          "true",
                                          "false",
                                          "0",
                                          "-0",
                                          "1.5e10",
                                          "1E+2",
                                          "-1.0e-3",
                                          "01",
                                          "1.",
                                          ".5",
                                          "+1",
                                          "1e",
                                          "1e400",
                                          "-1e400",
                                          "[1,]",
                                          "{\"a\":1,}",
                                          "{\"a\" 1}",
                                          "{a:1}",
                                          "[1 2]",
                                          "\"\\u00e7\"",
                                          "\"\\ud83d\\ude00\"",
                                          "\"\\ud83d\"",
                                          "\"\\ude00\"",
                                          "\"\\x\"",
                                          "\"tab\there\"",
                                          "\"\xC3\xA7\"",
                                          "\"\xC3\"",
                                          "\"\xED\xA0\x80\"",
                                          "\"\xF4\x90\x80\x80\"",
                                          "\xEF\xBB\xBF{}",
                                          "{} {}",
                                          "[[[[[[[[[[]]]]]]]]]]",
                                          "[[[",
                                          "{\"a\":{\"b\":[1,{\"c\":null}]}}",
                                          "\"ayşe yılmaz İstanbul\"",
                                          "nul",
                                          "truex",
                                          "[1e-400]",
                                          "[\"\\/\"]",
                                          std::string(1, '\0'),
                                          std::string("\"a\0b\"", 5)};
  for (const auto& c : cases) expectSameVerdict(c);
}

TEST(JsonSyntax, MutatedFixturesMatchAccept) {
  const std::vector<std::string> fragments = {
      "{",     "}", "[", "]",   ",",    ":",    "\"",       "\\", "\\u", "\\ud800",
      "1e400", "-", ".", "nul", "\xFF", "\xC3", "\xE2\x82", " ",  "0x1", "tru"};
  std::mt19937 rng(20261122);  // fixed: the same inputs on every run
  int checked = 0;
  for (const auto& body : fixtureBodies()) {
    for (int i = 0; i < 150; ++i) {
      std::string m = body;
      const std::size_t at = rng() % m.size();
      switch (rng() % 4) {
        case 0:
          m.resize(at);
          break;
        case 1:
          m[at] = static_cast<char>(rng() % 256);
          break;
        case 2:
          m.insert(at, fragments[rng() % fragments.size()]);
          break;
        default:
          m.erase(at, 1 + rng() % 8);
          break;
      }
      expectSameVerdict(m);
      ++checked;
    }
  }
  EXPECT_GT(checked, 6000);
}

}  // namespace
}  // namespace cartrelay::core
