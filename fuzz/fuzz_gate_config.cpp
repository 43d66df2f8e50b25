// The gate's TOML config (/etc/spawngate/spawngate.toml), through load_config_file as the gate
// calls it: the input is written to an in-memory file and loaded by its /proc/self/fd path.
#include "config_file.hpp"
#include "fuzz_support.hpp"
#include "setting_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const spawngate::fuzz::MemFile file;
    file.assign(spawngate::fuzz::as_text(data, size));
    const spawngate::ConfigLoad load = spawngate::load_config_file(file.path(), true);
    if (load.error) {
        // Nothing is applied from a file with an error, and the message names the file.
        FUZZ_CHECK(load.entries.empty());
        FUZZ_CHECK(load.error->find(file.path()) != std::string::npos);
        return 0;
    }
    for (const auto& entry : load.entries) {
        FUZZ_CHECK(spawngate::find_setting_by_key(entry.key) != nullptr);
        FUZZ_CHECK(entry.where.starts_with(file.path()));
    }
    return 0;
}
