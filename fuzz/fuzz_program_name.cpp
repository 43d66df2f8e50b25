// The program a process runs, seen through interpreters, from its raw /proc/PID/cmdline: argv
// is whatever the process wrote there, so the parse must be bounded and total. The answer, when
// there is one, is a base name: never empty, never with a '/', never longer than the input.
#include "fuzz_support.hpp"
#include "program_name.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto raw = spawngate::fuzz::as_text(data, size);
    const auto program = spawngate::program_of(raw);
    if (!program) return 0;
    FUZZ_CHECK(!program->empty());
    FUZZ_CHECK(program->size() <= raw.size());
    FUZZ_CHECK(program->find('\0') == std::string::npos);
    FUZZ_CHECK(*program == "/" || program->find('/') == std::string::npos);
    return 0;
}
