#include "core/util/compression.h"

#include <cstdint>

#include <lz4.h>

namespace cartrelay::core {
namespace {

constexpr std::size_t kSizeBytes = 4;
constexpr std::size_t kMaxInput = std::size_t{1} << 30;  // below LZ4_MAX_INPUT_SIZE

}  // namespace

Result<std::string> compress(std::string_view bytes) {
  if (bytes.size() > kMaxInput) return Status::invalidArgument("input too large to compress");
  const int src_size = static_cast<int>(bytes.size());
  std::string out(kSizeBytes + static_cast<std::size_t>(LZ4_compressBound(src_size)), '\0');
  const auto size = static_cast<std::uint32_t>(bytes.size());
  for (std::size_t i = 0; i < kSizeBytes; ++i) out[i] = static_cast<char>((size >> (8 * i)) & 0xff);
  const int n = LZ4_compress_default(bytes.data(), out.data() + kSizeBytes, src_size,
                                     static_cast<int>(out.size() - kSizeBytes));
  // 0 only when the output buffer is too small, which compressBound rules out.
  if (n <= 0 && !bytes.empty()) return Status::internal("LZ4 compression failed");
  out.resize(kSizeBytes + static_cast<std::size_t>(n));
  return out;
}

Result<std::string> decompress(std::string_view frame, std::size_t max_bytes) {
  if (frame.size() < kSizeBytes) return Status::invalidArgument("LZ4 frame is truncated");
  std::uint32_t size = 0;
  for (std::size_t i = 0; i < kSizeBytes; ++i) {
    size |= static_cast<std::uint32_t>(static_cast<unsigned char>(frame[i])) << (8 * i);
  }
  if (size > max_bytes || size > kMaxInput) {
    return Status::invalidArgument("LZ4 frame declares " + std::to_string(size) +
                                   " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  std::string out(size, '\0');
  const int n =
      LZ4_decompress_safe(frame.data() + kSizeBytes, out.data(),
                          static_cast<int>(frame.size() - kSizeBytes), static_cast<int>(size));
  if (n < 0 || static_cast<std::uint32_t>(n) != size) {
    return Status::invalidArgument("corrupt LZ4 frame");
  }
  return out;
}

}  // namespace cartrelay::core
