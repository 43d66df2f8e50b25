// /proc/PID/cgroup: "hierarchy-ID:controller-list:path" lines. A malformed line is a problem,
// never a guess: every accepted path is absolute.
#include "cgroup_membership.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = spawngate::fuzz::as_text(data, size);
    const spawngate::MembershipParse parsed = spawngate::parse_cgroup_membership(text);
    FUZZ_CHECK(parsed.membership.has_value() == parsed.problem.what.empty());
    if (!parsed.membership) return 0;
    const auto& membership = *parsed.membership;
    FUZZ_CHECK(!membership.v1.empty() || membership.unified);
    if (membership.unified) FUZZ_CHECK(membership.unified->starts_with('/'));
    for (const auto& line : membership.v1) {
        FUZZ_CHECK(line.path.starts_with('/'));
        FUZZ_CHECK(line.path.size() + line.controllers.size() <= text.size());
    }
    for (const char* controller : {"pids", "memory", "name=systemd", ""}) {
        if (const auto* line = membership.v1_for(controller))
            FUZZ_CHECK(spawngate::comma_list_contains(line->controllers, controller));
    }
    return 0;
}
