#pragma once

#include <string>

namespace cartrelay::testing {

// A fresh directory under $TMPDIR (or /tmp), removed recursively on
// destruction. Not copyable; move-only.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string file(const std::string& name) const { return path_ + "/" + name; }

  // Writes content to path()/name with the given mode and returns the full path.
  std::string writeFile(const std::string& name, const std::string& content,
                        unsigned mode = 0600) const;

 private:
  std::string path_;
};

}  // namespace cartrelay::testing
