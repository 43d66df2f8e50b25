#pragma once
// A private directory in /tmp (mkdtemp: mode 0700, owned by the caller) for a test's reaper
// config, log, lock and state, removed with everything in it by the destructor. The reaper
// refuses lock and state directories that others can write, which a fresh mkdtemp never is.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace spawngate::integration {

class ScopedTempDir {
  public:
    explicit ScopedTempDir(std::string_view prefix) {
        std::string name = "/tmp/" + std::string(prefix) + "-XXXXXX";
        if (::mkdtemp(name.data())) path_ = name;
    }
    ~ScopedTempDir() {
        std::error_code ignored;
        if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
    }
    ScopedTempDir(const ScopedTempDir&) = delete;
    ScopedTempDir& operator=(const ScopedTempDir&) = delete;

    const std::string& path() const { return path_; }  // empty when it could not be created
    std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

    // Writes `content` to `name` with `mode` (0644 by default: the reaper refuses a config
    // others can write). False when it could not be written.
    bool write(std::string_view name, std::string_view content,
               std::filesystem::perms mode = std::filesystem::perms(0644)) const {
        const std::string target = file(name);
        {
            std::ofstream out(target, std::ios::trunc);
            if (!(out << content)) return false;
        }
        std::error_code error;
        std::filesystem::permissions(target, mode, error);
        return !error;
    }

    // The whole of file `name`, or "" when it does not exist.
    std::string read(std::string_view name) const {
        std::ifstream in(file(name));
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

  private:
    std::string path_;
};

}  // namespace spawngate::integration
