#include "app/version.h"

namespace cartrelay::app {

std::string_view version() { return CARTRELAY_VERSION; }

}  // namespace cartrelay::app
