#pragma once

#include <string_view>

namespace cartrelay::app {

// The project version from CMake (project(cartrelay VERSION ...)), e.g. "0.1.0".
std::string_view version();

}  // namespace cartrelay::app
