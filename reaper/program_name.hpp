#pragma once
// The program a process really runs, seen through interpreters, env and task runners: the value
// the reaper's `program` matcher tests, so that one rule catches a deploy tool however it was
// launched (`bash -e ./deploy.sh`, `python3 /usr/bin/fab deploy`, `npm run deploy`).
//
// The answer is a base name (text after the last '/'; trailing slashes are ignored, as
// basename(1) does):
//   bash -ex ./deploy.sh                       deploy.sh     the script
//   /usr/bin/python3 /usr/bin/fab deploy       fab           a plain script is the program
//   python3 -m http.server                     http.server   the module
//   bash -c 'sleep 300', bare python3          bash, python3 code or no script: the interpreter
//   make -C /srv -j 4 deploy, npm run deploy   deploy        the target, the package.json script
//   node .../npm/bin/npm-cli.js run deploy     deploy        a runner started by node
//   env -S 'python3 -u' /srv/deploy.py         deploy.py     env and its options are skipped
//   -bash                                      bash          a login shell's '-' is dropped
//   vim deploy.sh                              vim           anything else: argv[0]
// Which tools are read through, and their options, is data: interpreter_table.hpp.
//
// A process that rewrote its title (setproctitle, node's process.title) may leave one string with
// spaces and no NUL, e.g. "npm run deploy". When the raw text has no NUL except at its end and
// argv[0] therefore holds spaces, it is split on spaces, which is what ps(1) shows. The cost: a
// real argv[0] with a space and no other argument ("/opt/My App/app") splits too.
//
// argv is never trusted: at most 256 words are examined and at most 8 commands deep (env, a runner
// started by an interpreter), with no allocation beyond the answer. When the bound cuts the command
// line before its script, the program is the interpreter's own name, never a guess from a later
// word. Bytes are returned as they are (control bytes, newlines, invalid UTF-8).

#include <optional>
#include <string>
#include <string_view>

namespace spawngate {

// The program a process runs, from its raw /proc/PID/cmdline (argv as NUL-terminated strings,
// possibly cut short by the reader's size limit: the last word may be partial, and still counts).
// nullopt when there is no usable argv: empty, NUL-only, or an empty argv[0].
std::optional<std::string> program_of(std::string_view raw_cmdline);

}  // namespace spawngate
