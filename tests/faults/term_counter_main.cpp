// A victim that survives SIGTERM and records each one: argv[1] is a file that gets one "TERM\n"
// per SIGTERM received, so a test sees when the reaper has sent its signal (and is in the grace)
// and how many it sent in all. Only SIGKILL ends it. The other arguments are markers for rules.

#include <fcntl.h>
#include <unistd.h>

#include <csignal>

namespace {

int record_fd = -1;

void record_term(int) {
    static const char line[] = "TERM\n";
    [[maybe_unused]] const ssize_t wrote = ::write(record_fd, line, sizeof line - 1);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    record_fd = ::open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (record_fd < 0) return 1;
    struct sigaction action {};
    action.sa_handler = record_term;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    for (;;) ::pause();
}
