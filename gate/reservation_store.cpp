#include "reservation_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cstring>

#include "hot_path.hpp"

namespace spawngate {
namespace {

constexpr std::size_t kMaxLedgerBytes = std::size_t{256} * 1024;

ReservationsRead parse_into_read(const std::string& where, const std::string& text,
                                 std::uint64_t now_ms) {
    ReservationsRead read;
    LedgerParse parsed = parse_ledger(text);
    if (!parsed.ledger) {
        std::string note = "damaged ledger discarded: " + parsed.problem;
        if (!parsed.intact.empty())
            note += "; kept the " + std::to_string(parsed.intact.size()) +
                    " intact reservation(s) before the damage";
        read.notes.push_back({where, std::move(note)});
        read.ledger.reservations = std::move(parsed.intact);
    } else {
        read.ledger = std::move(*parsed.ledger);
    }
    prune_expired(read.ledger, now_ms);
    return read;
}

// Why a ledger could not be read (errno from read_small_file), for the note.
std::string unreadable_reason(int error) {
    if (error == ELOOP) return "is a symlink; refusing to follow it";
    if (error == 0) return "larger than any real ledger";
    return std::string("unreadable: ") + std::strerror(error);
}

}  // namespace

SPAWNGATE_HOT_PATH std::uint64_t boottime_ms() {
    timespec now{};
    ::clock_gettime(CLOCK_BOOTTIME, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1000u +
           static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000u;
}

SPAWNGATE_HOT_PATH std::optional<std::string> ledger_name(
    const Root& root, const std::optional<CgroupLocation>& pids) {
    if (!pids) return std::string("ledger-host");
    if (pids->identity_inode != 0)
        return "ledger-" + std::to_string(pids->identity_device) + "-" +
               std::to_string(pids->identity_inode);
    struct stat info {};
    if (::stat(root.join(pids->directory()).c_str(), &info) != 0) return std::nullopt;
    return "ledger-" + std::to_string(info.st_dev) + "-" + std::to_string(info.st_ino);
}

SPAWNGATE_HOT_PATH ReservationsRead read_reservations(const std::string& state_dir,
                                                      const std::string& name,
                                                      std::uint64_t now_ms) {
    const std::string where = state_dir + "/" + name;
    // Most checks find no ledger: one failed open answers them. Only an existing ledger is worth
    // the checks of its directory (owner, mode, no symlink) before it is believed.
    struct stat info {};
    if (::lstat(where.c_str(), &info) != 0 && errno == ENOENT) return {};
    const StateDir dir = open_state_dir(state_dir, false);
    if (!dir.fd) return {{}, {dir.problem}};
    std::string text;
    errno = 0;
    if (!read_small_file(dir, name, text, kMaxLedgerBytes)) {
        if (errno == ENOENT) return {};
        return {{}, {{where, unreadable_reason(errno) + "; ignored"}}};
    }
    return parse_into_read(where, text, now_ms);
}

LedgerLock LedgerLock::acquire(const std::string& state_dir, const std::string& name,
                               int timeout_ms) {
    LedgerLock lock;
    lock.name_ = name;
    lock.dir_ = open_state_dir(state_dir, true);
    if (!lock.dir_.fd) {
        lock.problem_ = lock.dir_.problem;
        return lock;
    }
    const std::string lock_name = name + ".lock";
    UniqueFd fd{::openat(lock.dir_.fd.get(), lock_name.c_str(),
                         O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)};
    if (!fd) {
        lock.problem_ = {state_dir + "/" + lock_name,
                         errno == ELOOP ? std::string("is a symlink; refusing to follow it")
                                        : std::string("cannot open: ") + std::strerror(errno)};
        return lock;
    }
    const std::string lock_path = state_dir + "/" + lock_name;
    const std::uint64_t deadline = boottime_ms() + static_cast<std::uint64_t>(timeout_ms);
    for (;;) {
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            lock.problem_ = {lock_path, std::string("cannot lock: ") + std::strerror(errno)};
            return lock;
        }
        if (boottime_ms() >= deadline) {
            lock.problem_ = {lock_path, "still locked after " + std::to_string(timeout_ms) +
                                            " ms; not recorded"};
            return lock;
        }
        const timespec pause{0, 200'000};  // 0.2 ms: updates take microseconds
        ::nanosleep(&pause, nullptr);
    }
    lock.lock_fd_ = std::move(fd);
    return lock;
}

ReservationsRead LedgerLock::read(std::uint64_t now_ms) const {
    const std::string where = dir_.path + "/" + name_;
    std::string text;
    errno = 0;
    if (!read_small_file(dir_, name_, text, kMaxLedgerBytes)) {
        if (errno == ENOENT) return {};
        return {{}, {{where, unreadable_reason(errno) + "; starting a new ledger"}}};
    }
    return parse_into_read(where, text, now_ms);
}

Problem LedgerLock::write(const Ledger& ledger) const {
    return write_file_atomically(dir_, name_, format_ledger(ledger));
}

}  // namespace spawngate
