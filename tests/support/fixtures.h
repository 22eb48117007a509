#pragma once

#include <string>

namespace cartrelay::testing {

// Absolute path of a file under ../shared/fixtures, e.g. fixturePath("shopify/orders_create.json").
std::string fixturePath(const std::string& relative);

// Whole file as bytes; throws std::runtime_error if it cannot be read, so a
// missing fixture fails the test loudly instead of testing an empty body.
std::string readFixture(const std::string& relative);

}  // namespace cartrelay::testing
