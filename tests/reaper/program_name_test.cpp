// The program a process runs, seen through interpreters, env and task runners: the value the
// reaper's `program` matcher tests. Command lines are written as /proc/PID/cmdline shows them.

#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "interpreter_table.hpp"
#include "program_name.hpp"

namespace spawngate {
namespace {

// argv as /proc/PID/cmdline holds it: every word NUL-terminated.
std::string cmdline(std::initializer_list<std::string_view> argv) {
    std::string raw;
    for (const std::string_view word : argv) {
        raw.append(word);
        raw.push_back('\0');
    }
    return raw;
}

std::optional<std::string> program(std::initializer_list<std::string_view> argv) {
    return program_of(cmdline(argv));
}

// Real invocations, as /proc shows them.

TEST(ProgramOf, PythonRunningAnsiblePlaybookIsAnsiblePlaybook) {
    EXPECT_EQ(program({"/usr/bin/python3", "/usr/bin/ansible-playbook", "-i", "localhost,", "-c",
                       "local", "site.yml"}),
              "ansible-playbook");
}

TEST(ProgramOf, VersionedRubyRunningCapistranoIsCap) {
    EXPECT_EQ(program({"/usr/bin/ruby3.1", "/usr/bin/cap", "production", "deploy"}), "cap");
}

TEST(ProgramOf, BashWithOptionsReachesTheScript) {
    EXPECT_EQ(program({"/bin/bash", "-e", "./deploy.sh"}), "deploy.sh");
    EXPECT_EQ(program({"bash", "-x", "deploy.sh"}), "deploy.sh");
}

TEST(ProgramOf, ShWithAScriptIsTheScript) {
    EXPECT_EQ(program({"sh", "deploy.sh"}), "deploy.sh");
}

TEST(ProgramOf, PythonWithAFlagReachesTheScript) {
    EXPECT_EQ(program({"python3", "-u", "deploy.py"}), "deploy.py");
}

TEST(ProgramOf, PythonRunningFabricIsFab) {
    EXPECT_EQ(program({"/usr/bin/python3", "/usr/bin/fab", "deploy"}), "fab");
}

TEST(ProgramOf, MakeTargetIsTheProgram) {
    EXPECT_EQ(program({"make", "deploy"}), "deploy");
    EXPECT_EQ(program({"make", "-C", "/srv/app", "-j", "4", "deploy"}), "deploy");
}

TEST(ProgramOf, RewrittenTitleNpmRunIsSplitOnSpaces) {
    EXPECT_EQ(program_of("npm run deploy"), "deploy");
    EXPECT_EQ(program_of("npm run deploy\0\0\0\0"), "deploy");
}

TEST(ProgramOf, NodeRunningNpmCliRunIsTheScriptName) {
    EXPECT_EQ(program({"node", "/usr/lib/node_modules/npm/bin/npm-cli.js", "run", "deploy"}),
              "deploy");
}

TEST(ProgramOf, EnvSplitStringReachesPython) {
    EXPECT_EQ(program({"/usr/bin/env", "-S", "python3", "-u", "/srv/deploy.py"}), "deploy.py");
}

TEST(ProgramOf, EnvSplitStringFromAShebangLineReachesPython) {
    // The kernel passes `#!/usr/bin/env -S python3 -u` as one argument "-S python3 -u".
    EXPECT_EQ(program({"/usr/bin/env", "-S python3 -u", "/srv/deploy.py"}), "deploy.py");
    EXPECT_EQ(program({"env", "-S", "python3 -u", "/srv/deploy.py"}), "deploy.py");
    EXPECT_EQ(program({"env", "-iS", "FOO=\"a b\" python3 -W ignore", "/srv/deploy.py"}),
              "deploy.py");
}

TEST(ProgramOf, EnvAssignmentsAreSkipped) {
    EXPECT_EQ(program({"env", "FOO=1", "bash", "deploy.sh"}), "deploy.sh");
}

TEST(ProgramOf, ToolsReadingADeployFileAreThemselves) {
    EXPECT_EQ(program({"vim", "deploy.sh"}), "vim");
    EXPECT_EQ(program({"less", "deploy.log"}), "less");
    EXPECT_EQ(program({"tail", "-f", "deploy.log"}), "tail");
    EXPECT_EQ(program({"grep", "-r", "deploy"}), "grep");
    EXPECT_EQ(program({"git", "log", "--", "deploy.sh"}), "git");
}

TEST(ProgramOf, PythonDashMNamesTheModule) {
    EXPECT_EQ(program({"python3", "-m", "http.server"}), "http.server");
    EXPECT_EQ(program({"python3", "-mhttp.server", "8000"}), "http.server");
}

TEST(ProgramOf, CodeOptionMeansTheInterpreterItself) {
    EXPECT_EQ(program({"bash", "-c", "sleep 300"}), "bash");
    EXPECT_EQ(program({"python3", "-c", "print(1)", "deploy.py"}), "python3");
}

TEST(ProgramOf, LoginShellDashIsDropped) {
    EXPECT_EQ(program({"-bash"}), "bash");
}

TEST(ProgramOf, BareInterpreterIsItself) {
    EXPECT_EQ(program({"python3"}), "python3");
    EXPECT_EQ(program({"/usr/bin/bash"}), "bash");
}

// No usable argv.

TEST(ProgramOf, EmptyCmdlineHasNoProgram) {
    EXPECT_EQ(program_of(""), std::nullopt);
}

TEST(ProgramOf, NulOnlyCmdlineHasNoProgram) {
    EXPECT_EQ(program_of(std::string_view("\0", 1)), std::nullopt);
    EXPECT_EQ(program_of(std::string_view("\0\0\0", 3)), std::nullopt);
}

TEST(ProgramOf, EmptyArgvZeroHasNoProgram) {
    EXPECT_EQ(program_of(std::string_view("\0deploy.sh", 10)), std::nullopt);
}

TEST(ProgramOf, BlankTitleHasNoProgram) {
    EXPECT_EQ(program_of("   "), std::nullopt);
}

// Shells.

TEST(ProgramOf, EveryShellNameReachesTheScript) {
    for (const char* shell : {"sh", "bash", "dash", "zsh", "ksh", "/bin/mksh", "-zsh"})
        EXPECT_EQ(program({shell, "deploy.sh"}), "deploy.sh") << shell;
}

TEST(ProgramOf, ShellOptionArgumentsAreSkipped) {
    EXPECT_EQ(program({"bash", "-o", "pipefail", "deploy.sh"}), "deploy.sh");
    EXPECT_EQ(program({"bash", "-eo", "pipefail", "deploy.sh"}), "deploy.sh");
    EXPECT_EQ(program({"bash", "+o", "posix", "deploy.sh"}), "deploy.sh");
    EXPECT_EQ(program({"bash", "-O", "extglob", "+O", "nullglob", "deploy.sh"}), "deploy.sh");
    EXPECT_EQ(program({"bash", "--rcfile", "rc", "--init-file", "init", "deploy.sh"}), "deploy.sh");
    EXPECT_EQ(program({"bash", "+x", "-ex", "deploy.sh"}), "deploy.sh");
}

TEST(ProgramOf, ShellLongFlagsTakeNoArgument) {
    EXPECT_EQ(program({"bash", "--norc", "--login", "--posix", "deploy.sh"}), "deploy.sh");
}

TEST(ProgramOf, ShellReadingStdinOrCodeIsTheShell) {
    EXPECT_EQ(program({"bash", "-s", "deploy.sh"}), "bash");
    EXPECT_EQ(program({"sh", "-ec", "deploy.sh"}), "sh");
}

TEST(ProgramOf, DoubleDashAndLoneDashEndShellOptions) {
    EXPECT_EQ(program({"bash", "--", "deploy.sh"}), "deploy.sh");
    EXPECT_EQ(program({"bash", "-", "deploy.sh"}), "deploy.sh");
}

// Python.

TEST(ProgramOf, EveryPythonVersionIsRecognised) {
    for (const char* python : {"python", "python3", "python3.11", "python2.7", "/usr/bin/pypy3"})
        EXPECT_EQ(program({python, "-u", "deploy.py"}), "deploy.py") << python;
}

TEST(ProgramOf, PythonCombinedAndAttachedOptionsAreSkipped) {
    EXPECT_EQ(program({"python3", "-uW", "ignore", "deploy.py"}), "deploy.py");
    EXPECT_EQ(program({"python3", "-Wignore", "deploy.py"}), "deploy.py");
    EXPECT_EQ(program({"python3", "-X", "dev", "-W", "error", "deploy.py"}), "deploy.py");
    EXPECT_EQ(program({"python3", "--check-hash-based-pycs", "always", "deploy.py"}), "deploy.py");
}

TEST(ProgramOf, PythonReadingStdinIsPython) {
    EXPECT_EQ(program({"python3", "-", "deploy.py"}), "python3");
}

TEST(ProgramOf, LookalikeOfAVersionedNameIsNotAnInterpreter) {
    EXPECT_EQ(program({"python3-config", "--cflags"}), "python3-config");
    EXPECT_EQ(program({"perldoc", "deploy.pl"}), "perldoc");
}

// Ruby.

TEST(ProgramOf, RubyOptionArgumentsAreSkipped) {
    EXPECT_EQ(program({"ruby", "-I", "lib", "-r", "bundler/setup", "deploy.rb"}), "deploy.rb");
    EXPECT_EQ(program({"ruby", "-Ilib", "-rbundler/setup", "deploy.rb"}), "deploy.rb");
    EXPECT_EQ(program({"ruby", "-C", "/srv", "-E", "UTF-8", "deploy.rb"}), "deploy.rb");
    EXPECT_EQ(program({"ruby", "--enable", "frozen-string-literal", "--disable", "gems",
                       "--encoding", "UTF-8", "deploy.rb"}),
              "deploy.rb");
}

TEST(ProgramOf, RubyAttachedWarningLevelIsNotCode) {
    EXPECT_EQ(program({"ruby", "-W:no-deprecated", "deploy.rb"}), "deploy.rb");
}

TEST(ProgramOf, RubyDashSNamesTheScriptFromPath) {
    EXPECT_EQ(program({"ruby", "-S", "cap", "production", "deploy"}), "cap");
}

TEST(ProgramOf, RubyDashEIsRuby) {
    EXPECT_EQ(program({"ruby3.1", "-e", "puts 1", "deploy.rb"}), "ruby3.1");
}

// Node, deno, bun.

TEST(ProgramOf, NodeOptionArgumentsAreSkipped) {
    EXPECT_EQ(program({"node", "-r", "dotenv/config", "deploy.js"}), "deploy.js");
    EXPECT_EQ(program({"node", "--require", "x", "--import", "tsx", "deploy.ts"}), "deploy.ts");
    EXPECT_EQ(
        program({"node", "--loader", "ts-node/esm", "--experimental-loader", "y", "deploy.ts"}),
        "deploy.ts");
    EXPECT_EQ(program({"node", "-C", "dev", "--conditions", "prod", "--input-type", "module",
                       "--title", "deployer", "--env-file", ".env", "deploy.js"}),
              "deploy.js");
}

TEST(ProgramOf, NodeEqualsFormsTakeNoNextWord) {
    EXPECT_EQ(program({"nodejs", "--require=x", "--env-file=.env", "deploy.js"}), "deploy.js");
}

TEST(ProgramOf, NodeEvalAndPrintAreNode) {
    EXPECT_EQ(program({"node", "-e", "1", "deploy.js"}), "node");
    EXPECT_EQ(program({"node", "--eval", "1"}), "node");
    EXPECT_EQ(program({"node", "-p", "1"}), "node");
    EXPECT_EQ(program({"node", "--print=1", "deploy.js"}), "node");
}

TEST(ProgramOf, DenoRunSkipsTheSubcommandAndItsOptions) {
    EXPECT_EQ(program({"deno", "run", "-A", "-c", "deno.json", "deploy.ts"}), "deploy.ts");
    EXPECT_EQ(program({"deno", "run", "--config", "d.json", "--import-map", "m.json", "--lock",
                       "l.json", "--cert", "c.pem", "deploy.ts"}),
              "deploy.ts");
    EXPECT_EQ(program({"deno", "-L", "debug", "run", "--log-level", "info", "deploy.ts"}),
              "deploy.ts");
    EXPECT_EQ(program({"deno", "deploy.ts"}), "deploy.ts");
}

TEST(ProgramOf, DenoEvalIsDeno) {
    EXPECT_EQ(program({"deno", "eval", "deploy()"}), "deno");
}

TEST(ProgramOf, DenoTaskIsTheTaskName) {
    EXPECT_EQ(program({"deno", "task", "deploy"}), "deploy");
}

TEST(ProgramOf, BunRunSkipsTheSubcommand) {
    EXPECT_EQ(program({"bun", "run", "deploy.ts"}), "deploy.ts");
    EXPECT_EQ(program({"bun", "deploy.ts"}), "deploy.ts");
    EXPECT_EQ(program({"bun", "-e", "deploy()"}), "bun");
}

// Perl and PHP.

TEST(ProgramOf, PerlOptionArgumentsAreSkipped) {
    EXPECT_EQ(program({"perl", "-I", "lib", "deploy.pl"}), "deploy.pl");
    EXPECT_EQ(program({"perl5.36.0", "-Ilib", "-MStrict", "-mwarnings", "deploy.pl"}), "deploy.pl");
    EXPECT_EQ(program({"perl", "-M", "strict", "deploy.pl"}), "deploy.pl");
    EXPECT_EQ(program({"perl", "-i.bak", "-w", "deploy.pl"}), "deploy.pl");
}

TEST(ProgramOf, PerlDashEIsPerl) {
    EXPECT_EQ(program({"perl", "-e", "1", "deploy.pl"}), "perl");
    EXPECT_EQ(program({"perl", "-E", "say 1"}), "perl");
    EXPECT_EQ(program({"perl", "-pi.bak", "-e", "s/a/b/", "deploy.conf"}), "perl");
}

TEST(ProgramOf, PhpDashFIsTheScript) {
    EXPECT_EQ(program({"php", "-f", "/srv/deploy.php"}), "deploy.php");
    EXPECT_EQ(program({"php8.2", "-d", "memory_limit=1G", "-c", "php.ini", "-z", "x.so", "-t",
                       "/srv", "artisan", "deploy"}),
              "artisan");
}

TEST(ProgramOf, PhpCodeAndServerArePhp) {
    EXPECT_EQ(program({"php", "-r", "deploy();"}), "php");
    EXPECT_EQ(program({"php", "-S", "0.0.0.0:8000", "router.php"}), "php");
    EXPECT_EQ(program({"php", "-B", "a", "-R", "b", "-F", "c.php", "-E", "d"}), "php");
}

// env.

TEST(ProgramOf, EnvOptionsAreSkipped) {
    EXPECT_EQ(program({"env", "-i", "PATH=/bin", "bash", "deploy.sh"}), "deploy.sh");
    EXPECT_EQ(program({"env", "-u", "HOME", "-C", "/srv", "python3", "deploy.py"}), "deploy.py");
    EXPECT_EQ(program({"env", "-", "--unset=HOME", "--chdir", "/srv", "cap", "deploy"}), "cap");
}

TEST(ProgramOf, EnvWithoutACommandIsEnv) {
    EXPECT_EQ(program({"env"}), "env");
    EXPECT_EQ(program({"env", "FOO=1"}), "env");
    EXPECT_EQ(program({"env", "-S", ""}), "env");
}

TEST(ProgramOf, EnvInsideEnvIsReadThrough) {
    EXPECT_EQ(program({"env", "env", "-S", "bash -e", "deploy.sh"}), "deploy.sh");
}

// Task runners.

TEST(ProgramOf, MakeOptionArgumentsAndAssignmentsAreSkipped) {
    EXPECT_EQ(program({"make", "-f", "Makefile.deploy", "-I", "inc", "-o", "old", "-W", "new",
                       "PREFIX=/srv", "deploy"}),
              "deploy");
    EXPECT_EQ(program({"gmake", "--directory=/srv", "-j4", "deploy"}), "deploy");
}

TEST(ProgramOf, MakeJobsWithoutANumberLeavesTheTarget) {
    EXPECT_EQ(program({"make", "-j", "deploy"}), "deploy");
    EXPECT_EQ(program({"make", "-l", "2.5", "deploy"}), "deploy");
}

TEST(ProgramOf, MakeWithoutATargetIsMake) {
    EXPECT_EQ(program({"make"}), "make");
    EXPECT_EQ(program({"make", "-j", "8", "CC=clang"}), "make");
}

TEST(ProgramOf, NpmRunAndItsAliasesNameTheScript) {
    for (const char* run : {"run", "run-script", "rum", "urn"})
        EXPECT_EQ(program({"npm", run, "deploy"}), "deploy") << run;
}

TEST(ProgramOf, NpmOptionArgumentsAreSkipped) {
    EXPECT_EQ(program({"npm", "--prefix", "/srv/app", "run", "deploy"}), "deploy");
    EXPECT_EQ(program({"npm", "run", "-w", "api", "--workspace", "web", "deploy"}), "deploy");
}

TEST(ProgramOf, OtherNpmSubcommandsAreNpm) {
    EXPECT_EQ(program({"npm", "install", "deploy"}), "npm");
    EXPECT_EQ(program({"npm"}), "npm");
    EXPECT_EQ(program({"npm", "run"}), "npm");
    EXPECT_EQ(program({"node", "/usr/lib/node_modules/npm/bin/npm-cli.js", "ci"}), "npm");
}

TEST(ProgramOf, NodeRunningTheNpmLauncherIsReadAsNpm) {
    EXPECT_EQ(program({"node", "/usr/bin/npm", "run", "deploy"}), "deploy");
}

TEST(ProgramOf, YarnAndPnpmRunNameTheScript) {
    EXPECT_EQ(program({"yarn", "--cwd", "/srv", "run", "deploy"}), "deploy");
    EXPECT_EQ(program({"yarn", "deploy"}), "yarn");
    EXPECT_EQ(program({"pnpm", "-C", "/srv", "--filter", "api", "run", "deploy"}), "deploy");
    EXPECT_EQ(program({"node", "/usr/lib/node_modules/pnpm/bin/pnpm.cjs", "install"}), "pnpm");
}

// argv is never trusted.

TEST(ProgramOf, HugeCmdlineIsBoundedAndParses) {
    // 128 KiB: bash, ~43,000 "-x", then the script. The script lies past the 256-word bound, so
    // the program is the interpreter's own name, never a guess from a later word.
    std::string raw = cmdline({"bash"});
    while (raw.size() < 128 * 1024) raw.append(std::string_view("-x\0", 3));
    raw.append(cmdline({"deploy.sh"}));
    EXPECT_EQ(program_of(raw), "bash");
}

TEST(ProgramOf, HugeTitleIsBoundedAndParses) {
    std::string title = "bash";
    while (title.size() < 128 * 1024) title.append(" -x");
    EXPECT_EQ(program_of(title + " deploy.sh"), "bash");
}

TEST(ProgramOf, OptionArgumentPastTheEndIsTheInterpreter) {
    EXPECT_EQ(program({"bash", "-o"}), "bash");
    EXPECT_EQ(program({"python3", "-m"}), "python3");
    EXPECT_EQ(program({"php", "-f"}), "php");
}

TEST(ProgramOf, DeepNestingStopsAtTheBound) {
    std::string raw;
    for (int i = 0; i < 5000; ++i) raw.append(cmdline({"env"}));
    raw.append(cmdline({"deploy.sh"}));
    EXPECT_EQ(program_of(raw), "env");
}

TEST(ProgramOf, SelfFeedingSplitStringTerminates) {
    std::string raw = cmdline({"env"});
    for (int i = 0; i < 5000; ++i) raw.append(cmdline({"-S-S -S -S-S"}));
    EXPECT_EQ(program_of(raw), "env");
}

TEST(ProgramOf, CmdlineCutMidWordKeepsThePartialWord) {
    EXPECT_EQ(program_of(std::string_view("bash\0-e\0./depl", 14)), "depl");
}

TEST(ProgramOf, EmptyScriptArgumentIsTheInterpreter) {
    EXPECT_EQ(program({"bash", "", "deploy.sh"}), "bash");
}

TEST(ProgramOf, SpacesInsideAnArgumentAreNotSplitWhenNulsSeparateArgv) {
    EXPECT_EQ(program({"/opt/My App/deploy tool", "--now"}), "deploy tool");
}

TEST(ProgramOf, TrailingSlashesAreIgnored) {
    EXPECT_EQ(program({"bash", "/srv/deploy/"}), "deploy");
    EXPECT_EQ(program({"/"}), "/");
}

TEST(ProgramOf, HostileBytesComeBackAsTheyAre) {
    std::string hostile;
    for (int byte = 0x01; byte <= 0xff; ++byte)
        if (byte != '/') hostile.push_back(static_cast<char>(byte));
    EXPECT_EQ(program({hostile, "x"}), hostile);
    EXPECT_EQ(program({"bash", "-e", "/tmp/" + hostile}), hostile);
    EXPECT_EQ(program({"sh", "deploy\n.sh\x1b[31m\xff\xfe"}), "deploy\n.sh\x1b[31m\xff\xfe");
}

// The table itself.

TEST(InterpreterTable, EveryNameAndScriptFileFindsItsOwnEntry) {
    for (const Interpreter& interpreter : interpreter_table()) {
        for (const std::string_view name : interpreter.names)
            EXPECT_EQ(find_interpreter(name), &interpreter) << name;
        for (const std::string_view file : interpreter.script_files) {
            EXPECT_EQ(find_interpreter(file), &interpreter) << file;
            EXPECT_EQ(own_program(interpreter, file), interpreter.label) << file;
        }
    }
}

TEST(InterpreterTable, VersionedNamesFindTheirFamily) {
    for (const Interpreter& interpreter : interpreter_table()) {
        if (!interpreter.versioned_names) continue;
        for (const std::string_view name : interpreter.names)
            EXPECT_EQ(find_interpreter(std::string(name) + "3.11.2"), &interpreter) << name;
    }
    EXPECT_EQ(find_interpreter("bash5"), nullptr);
}

TEST(InterpreterTable, EveryOptionHasOneRoleAndLooksLikeAnOption) {
    for (const Interpreter& interpreter : interpreter_table()) {
        std::size_t listed = 0;
        std::set<std::string_view> distinct;
        for (const auto list :
             {interpreter.options_with_argument, interpreter.options_with_attached_value,
              interpreter.options_with_optional_number, interpreter.no_script_options,
              interpreter.module_options, interpreter.script_options, interpreter.split_options})
            for (const std::string_view option : list) {
                ++listed;
                distinct.insert(option);
                EXPECT_TRUE(option.size() >= 2 && (option[0] == '-' || option[0] == '+'))
                    << interpreter.label << " " << option;
            }
        EXPECT_EQ(distinct.size(), listed) << interpreter.label;
    }
}

}  // namespace
}  // namespace spawngate
