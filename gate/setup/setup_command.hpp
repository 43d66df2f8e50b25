#pragma once
// `spawngate setup claude|gemini|codex [--project DIR] [--dry-run] [--gate PATH]`: merges the
// shipped hook entries into that CLI's user settings (or a project's), keeping every other
// setting and hook, idempotently; refuses a file it cannot parse (and never truncates one);
// writes atomically (a temporary file in the same directory, fsync, rename). Never on the gate's
// hot path: only `main` dispatches here, before the check's own parsing.

namespace spawngate {

// The whole subcommand; argv[1] is "setup". Returns the exit code, having written its messages.
int run_setup(int argc, const char* const* argv);

}  // namespace spawngate
