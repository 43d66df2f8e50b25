#include "dac_capabilities.hpp"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace spawngate::faults {

bool run_without_dac_override(const std::function<void()>& body, std::string& why_not) {
    bool dropped = false;
    std::thread worker([&] {
        __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
        if (::syscall(SYS_capget, &header, data) != 0) {
            why_not = std::string("capget: ") + std::strerror(errno);
            return;
        }
        // Both capabilities live in the first 32-bit word.
        data[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
        if (::syscall(SYS_capset, &header, data) != 0) {
            why_not = std::string("capset: ") + std::strerror(errno);
            return;
        }
        dropped = true;
        body();
    });
    worker.join();
    return dropped;
}

}  // namespace spawngate::faults
