#pragma once
// A temporary directory standing in for "/" in tests: write files into it by their absolute
// path ("/proc/self/cgroup"), hand `root()` to a reader, and it is removed when the test ends.

#include <string>
#include <string_view>

#include "root.hpp"

namespace spawngate::testkit {

class FixtureTree {
  public:
    FixtureTree();
    ~FixtureTree();
    FixtureTree(const FixtureTree&) = delete;
    FixtureTree& operator=(const FixtureTree&) = delete;

    // Creates parent directories as needed and writes `content` (replacing any old file).
    void write(std::string_view absolute, std::string_view content) const;
    void make_directory(std::string_view absolute) const;
    void remove(std::string_view absolute) const;
    // The host path of `absolute` inside the tree.
    std::string path_of(std::string_view absolute) const;

    const Root& root() const { return root_; }
    const std::string& path() const { return root_.path(); }

  private:
    Root root_;
};

}  // namespace spawngate::testkit
