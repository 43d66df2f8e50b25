#include "help_text.hpp"

#include "exit_codes.hpp"
#include "setting_table.hpp"

namespace spawngate {

std::string help_text() {
    std::string text =
        R"(spawngate - the pre-spawn gate: is there room in the task budget for one more launch?

Usage:
  spawngate [check] [options]     judge a launch (the default command)
  spawngate status [--json]       the operator's report: every cgroup level, threads, memory
  spawngate status --prometheus FILE
                                  the same as node_exporter textfile metrics ("-": stdout)
  spawngate setup claude|gemini|codex [--project DIR] [--dry-run] [--gate PATH]
                                  merge the shipped hooks into that agent CLI's settings
  spawngate help | --help | --version

It reads the caller's cgroup pids budget (v1 or v2, every ancestor level), thread count and
memory, and answers within a millisecond:
  exit 0  allow (silent), or warn (one line on stderr) at or above the warn level
  exit 2  block: at or above the block level, with guidance on stderr
  exit 64 usage error: a bad flag, environment variable or config file (names the culprit)
  setup only: exit 65 a settings file it cannot parse, 73 cannot write, 74 cannot read

Options (flag / environment variable / config key):
)";
    for (const auto& spec : setting_table()) {
        std::string flag = "  " + std::string(spec.flag);
        if (!spec.value_name.empty()) flag += " " + std::string(spec.value_name);
        text += flag + "\n      " + std::string(spec.help) + "\n      env " +
                std::string(spec.env) + ", key " + std::string(spec.config_key) + "\n";
    }
    text += R"(  --json
      print the verdict as one JSON object on stdout
  --hook claude | claude-post | gemini | gemini-post | codex
      answer as a hook of that agent CLI (Claude Code PreToolUse / PostToolUse, Gemini CLI
      BeforeTool / AfterTool, Codex PreToolUse); reads the hook JSON on stdin
  --config FILE
      TOML config file (env SPAWNGATE_CONFIG; default /etc/spawngate/spawngate.toml, absent is fine)
  --prometheus FILE
      with status: write node_exporter textfile metrics to FILE, replaced atomically ("-": stdout)
  --root DIR
      read DIR/proc and DIR/sys/fs/cgroup instead of the real ones (for tests)
  -h, --help
      print this help and exit
  --version
      print "spawngate VERSION" and exit

Precedence: flag > environment > config file > default.

Examples:
  spawngate && ./launch-agent.sh          # launch only if the budget has room
  spawngate --cost 25 --json              # judge a launch of 25 tasks, machine-readable
  spawngate status                        # what is using the budget right now
  SPAWNGATE_BLOCK=90 spawngate --fail-closed
)";
    return text;
}

}  // namespace spawngate
