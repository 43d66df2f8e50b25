#pragma once
// The deploy zoo's members: how people start real deploys, and commands that only mention
// "deploy". Each is typed at the session's prompt as written here, in a directory of the copied
// project (tests/zoo/project). FINDINGS.md records how each one looks in /proc.

#include <string_view>

namespace spawngate::zoo {

enum class Role {
    Deploy,     // its whole tree must end in one cycle, reaped by the stale-deploy rule
    LookAlike,  // every process of its tree must survive
};

struct Invocation {
    std::string_view slug;       // names its log: logs/SLUG.log
    std::string_view command;    // as typed at a prompt
    std::string_view directory;  // where it is typed, in the project
    std::string_view needs;      // executables on the zoo's PATH, space-separated
    Role role;
    bool core;                    // needs only a shell, python3, make or npm: never skipped
    std::string_view ready_comm;  // ready once a process of one of these names (space-separated)
                                  // runs in the watched tree
    // A service the command starts in a session of its own writes its pid here. The service must
    // survive even inside a deploy's tree; for a look-alike it is the watched tree, as the command
    // itself has exited by then.
    std::string_view service_pid_file = "";
};

// The zoo's PATH: Debian's interpreters, never a user's pyenv or nvm shims.
constexpr std::string_view kZooPath = "/usr/sbin:/usr/bin:/sbin:/bin";

// Deploys hang in `sleep 300` and are ready once that child runs. The look-alikes that need a
// terminal get one from script(1), which runs them through `sh -c` in a session of their own on a
// new pty.
constexpr Invocation kZoo[] = {
    {"ansible", "ansible-playbook -i localhost, -c local site.yml", ".", "ansible-playbook",
     Role::Deploy, false, "sleep"},
    {"cap", "cap production deploy", ".", "cap", Role::Deploy, false, "sleep"},
    {"fab", "fab deploy", ".", "fab", Role::Deploy, false, "sleep"},
    {"dot-slash-deploy-sh", "./deploy.sh", ".", "bash", Role::Deploy, true, "sleep"},
    {"bash-x-deploy-sh", "bash -x deploy.sh", ".", "bash", Role::Deploy, true, "sleep"},
    {"sh-deploy-sh", "sh deploy.sh", ".", "sh", Role::Deploy, true, "sleep"},
    {"python3-deploy-py", "python3 -u deploy.py", ".", "python3", Role::Deploy, true, "sleep"},
    {"make-deploy", "make deploy", ".", "make", Role::Deploy, true, "sleep"},
    {"npm-run-deploy", "npm run deploy", ".", "npm node", Role::Deploy, true, "sleep"},
    // A deploy that restarted the app (setsid, still its child) and hangs after it.
    {"app-deploy-sh", "./deploy.sh", "app", "bash setsid python3", Role::Deploy, false, "sleep",
     "app/app.pid"},

    {"vim", "script -qfc 'vim deploy.sh' /dev/null", ".", "script vim", Role::LookAlike, false,
     "vim"},
    // A second editor on the same file: vi waits at vim's "swap file exists" prompt.
    {"vi", "script -qfc 'vi deploy.sh' /dev/null", ".", "script vi", Role::LookAlike, false, "vi"},
    {"less", "script -qfc 'less deploy.log' /dev/null", ".", "script less", Role::LookAlike, false,
     "less"},
    {"tail", "tail -f deploy.log", ".", "tail", Role::LookAlike, false, "tail"},
    {"grep", "grep -r deploy /dev/stdin", ".", "grep", Role::LookAlike, false, "grep"},
    // git waits for its pager: Debian's git runs /usr/bin/pager (comm "pager"), others less. With
    // git's default LESS=FRX, less would quit at once on a one-screen log; the zoo sets LESS=R, as
    // many users do.
    {"git-log", "script -qfc 'git log -- deploy.sh' /dev/null", ".", "script git", Role::LookAlike,
     false, "pager less"},
    {"http-server", "python3 -m http.server --bind 127.0.0.1 0", "deploy", "python3",
     Role::LookAlike, false, "python3"},
    // A finished deploy left the app running: re-parented to PID 1, in a session of its own.
    {"release-service", "./release.sh", ".", "bash setsid python3", Role::LookAlike, false,
     "python3", "service.pid"},
};

}  // namespace spawngate::zoo
