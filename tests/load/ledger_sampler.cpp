#include "ledger_sampler.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "spawned_children.hpp"

namespace spawngate::load {

bool read_whole_file(const std::string& path, std::string& text) {
    text.clear();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char chunk[4096];
    ssize_t got = 0;
    while ((got = ::read(fd, chunk, sizeof chunk)) != 0) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;
        text.append(chunk, static_cast<std::size_t>(got));
    }
    ::close(fd);
    return got == 0;
}

LedgerSampler::LedgerSampler(std::function<std::string()> find_ledger)
    : find_ledger_(std::move(find_ledger)) {
    thread_ = std::thread([this] { run(); });
}

void LedgerSampler::run() {
    std::string text, path;
    while (!stopping_.load()) {
        if (path.empty()) path = find_ledger_();
        const std::uint64_t started = now_ms();
        if (!path.empty() && read_whole_file(path, text)) {
            ++report_.reads;
            if (report_.versions.empty() || report_.versions.back().text != text)
                report_.versions.push_back({text, started});
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
}

SamplerReport LedgerSampler::stop() {
    if (thread_.joinable()) {
        stopping_.store(true);
        thread_.join();
    }
    return report_;
}

}  // namespace spawngate::load
