#pragma once
// Reads the gate's ledger file over and over while the gate is being called, without the lock,
// as every plain check does, and keeps each distinct version with the time it was read. A torn
// or half-written file would show up here as a version that does not parse.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "ledger_checks.hpp"

namespace spawngate::load {

struct SamplerReport {
    std::uint64_t reads = 0;               // reads that found the file
    std::vector<LedgerSnapshot> versions;  // each distinct version, in the order seen
};

class LedgerSampler {
  public:
    // `find_ledger` names the file, or returns "" while there is none yet.
    explicit LedgerSampler(std::function<std::string()> find_ledger);
    ~LedgerSampler() { stop(); }
    LedgerSampler(const LedgerSampler&) = delete;
    LedgerSampler& operator=(const LedgerSampler&) = delete;

    SamplerReport stop();  // idempotent

  private:
    void run();

    std::function<std::string()> find_ledger_;
    SamplerReport report_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

// Reads all of `path` into `text`; false when it does not exist or cannot be read.
bool read_whole_file(const std::string& path, std::string& text);

}  // namespace spawngate::load
