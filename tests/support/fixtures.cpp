#include "tests/support/fixtures.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cartrelay::testing {

std::string fixturePath(const std::string& relative) {
  return std::string(CARTRELAY_FIXTURES_DIR) + "/" + relative;
}

std::string readFixture(const std::string& relative) {
  std::ifstream in(fixturePath(relative), std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixture " + fixturePath(relative));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace cartrelay::testing
