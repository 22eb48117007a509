#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace cartrelay::core {

// LZ4 compression for bulky stored text such as raw webhook bodies: JSON
// shrinks about threefold, so an inbox row fits in one database page and
// the group commit writes a third of the bytes. LZ4 rather than a stronger
// codec because this runs on every webhook request: a 6.8 KB Shopify
// checkout takes about 4 us, with no allocation beyond the output.
//
// Frame: the original size as 4 bytes little-endian, then one LZ4 block.
// Compress before encrypting (ciphertext does not compress).
//
// Thread-safety: both functions may be called concurrently (no shared state).

// kInvalidArgument for input over 1 GiB; kInternal if LZ4 fails.
Result<std::string> compress(std::string_view bytes);

// kInvalidArgument for a frame that is truncated, corrupt, or declares more
// than `max_bytes` (checked before allocating).
Result<std::string> decompress(std::string_view frame, std::size_t max_bytes);

}  // namespace cartrelay::core
