#include "connectors/shopify/graphql_mapping.h"

#include <string>

namespace cartrelay::connectors::shopify {

core::Result<core::model::ChangeSet> mapGraphqlNode(std::string_view resource, std::string_view,
                                                    const core::ports::MappingContext&) {
  // Replaced by the poller work (issue 3); until then a polled node is
  // quarantined rather than silently dropped.
  return core::Status::invalidArgument("GraphQL mapping not implemented for resource " +
                                       std::string(resource));
}

}  // namespace cartrelay::connectors::shopify
