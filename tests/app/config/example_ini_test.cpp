#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "app/config/loader.h"
#include "app/config/schema.h"

namespace cartrelay::app::config {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string dump(const LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.toString() + "\n";
  return out;
}

// examples/cartrelay.ini is what `make run` starts with and what the package
// ships as documentation: it must load as is and mention every key.
TEST(ExampleIni, LoadsAndDocumentsEveryKey) {
  const std::string path = std::string(CARTRELAY_SOURCE_DIR) + "/examples/cartrelay.ini";
  LoadResult r = loadConfigFile(path);
  ASSERT_TRUE(r.config) << dump(r);
  EXPECT_EQ(r.config->whatsapp.mode, "sandbox");
  EXPECT_FALSE(r.config->shops.empty());
  EXPECT_FALSE(r.config->journeys.empty());

  const std::string text = readFile(path);
  for (const KeySpec& spec : schema()) {
    std::string written = "\n" + std::string(spec.key) + " = ";
    std::string commented = "\n# " + std::string(spec.key) + " = ";
    EXPECT_TRUE(text.find(written) != std::string::npos ||
                text.find(commented) != std::string::npos)
        << spec.section << "." << spec.key << " is not documented in examples/cartrelay.ini";
  }
}

TEST(PackagedIni, Loads) {
  LoadResult r = loadConfigFile(std::string(CARTRELAY_SOURCE_DIR) + "/packaging/deb/cartrelay.ini");
  ASSERT_TRUE(r.config) << dump(r);
  EXPECT_EQ(r.config->daemon.database_url, "sqlite:///var/lib/cartrelay/cartrelay.db");
  EXPECT_EQ(r.config->daemon.key_dir, "/etc/cartrelay/keys");
  EXPECT_EQ(r.config->whatsapp.mode, "sandbox");
}

}  // namespace
}  // namespace cartrelay::app::config
