#pragma once
// A small tmpfs mounted on a fresh temporary directory for one test: read-only, or size-limited
// and filled to the last byte. Unmounted (lazily, so a leftover descriptor cannot keep it) and
// removed on destruction. mount(2) needs CAP_SYS_ADMIN: `skip_reason()` says why it could not.
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace spawngate::testkit {

class ScopedTmpfs {
  public:
    explicit ScopedTmpfs(std::size_t size_bytes = 64 * 1024) {
        char pattern[] = "/tmp/spawngate-tmpfs-XXXXXX";
        if (::mkdtemp(pattern) == nullptr) {
            skip_reason_ = std::string("mkdtemp: ") + std::strerror(errno);
            return;
        }
        path_ = pattern;
        const std::string options = "size=" + std::to_string(size_bytes) + ",mode=0755";
        if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
            skip_reason_ = "cannot mount a tmpfs here (" + std::string(std::strerror(errno)) +
                           "): needs root with CAP_SYS_ADMIN";
            return;
        }
        mounted_ = true;
    }
    ~ScopedTmpfs() {
        if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
        if (!path_.empty()) {
            std::error_code ignored;
            std::filesystem::remove(path_, ignored);
        }
    }
    ScopedTmpfs(const ScopedTmpfs&) = delete;
    ScopedTmpfs& operator=(const ScopedTmpfs&) = delete;

    bool mounted() const { return mounted_; }
    const std::string& skip_reason() const { return skip_reason_; }
    const std::string& path() const { return path_; }

    // Remounts read-only; false (with skip_reason) when the kernel refuses.
    bool make_read_only() {
        if (::mount(nullptr, path_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
                    nullptr) == 0)
            return true;
        skip_reason_ = std::string("cannot remount read-only: ") + std::strerror(errno);
        return false;
    }

    // Writes zeros to a filler file until the filesystem is full.
    void fill() const {
        std::ofstream filler(path_ + "/filler", std::ios::binary);
        const std::string block(4096, '\0');
        while (filler.write(block.data(), static_cast<std::streamsize>(block.size())))
            filler.flush();
    }

  private:
    std::string path_;
    std::string skip_reason_;
    bool mounted_ = false;
};

}  // namespace spawngate::testkit
