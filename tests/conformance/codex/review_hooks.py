#!/usr/bin/env python3
"""Marks every hook Codex discovers as reviewed (trusted), so `codex exec` runs it without
--dangerously-bypass-hook-trust.

Codex 0.171 runs a user hook only when config.toml records the hook's current hash as trusted:

    [hooks.state."<CODEX_HOME>/hooks.json:pre_tool_use:0:0"]
    trusted_hash = "sha256:..."

The key and the hash come from Codex itself: this asks `codex app-server` for `hooks/list` and
appends one such table per untrusted hook to $CODEX_HOME/config.toml. The hash covers the event,
matcher, command and timeout, not the file's path; a changed command is "modified" and skipped
again until reviewed. Without a review, `codex exec` skips the hook without a word.
Python 3 standard library only.

    review_hooks.py CODEX_BINARY WORK_DIR     (HOME and CODEX_HOME from the environment)

Exit 0 with one line per trusted hook on stdout; 1 with the reason on stderr.
"""

import json
import os
import signal
import subprocess
import sys
import threading

TIMEOUT_S = 30


def request(process, message):
    process.stdin.write(json.dumps(message) + "\n")
    process.stdin.flush()


def hooks_list(codex, work_dir):
    # Its own process group: on Node < 23.11 the npm wrapper stays the native binary's parent,
    # and killing only the wrapper would leave the app-server running.
    process = subprocess.Popen([codex, "app-server"], cwd=work_dir, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               start_new_session=True)

    def kill_group():
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    # A hung app-server must not hang the test: kill it after the time limit.
    timer = threading.Timer(TIMEOUT_S, kill_group)
    timer.start()
    try:
        request(process, {"id": 1, "method": "initialize",
                          "params": {"clientInfo": {"name": "spawngate-conformance",
                                                    "version": "1"}}})
        request(process, {"method": "initialized"})
        request(process, {"id": 2, "method": "hooks/list", "params": {}})
        for line in process.stdout:
            message = json.loads(line)
            if message.get("id") != 2:
                continue
            if "error" in message:
                raise RuntimeError(f"hooks/list failed: {message['error']}")
            return message["result"]["data"]
        raise RuntimeError("codex app-server ended without answering hooks/list")
    finally:
        timer.cancel()
        process.stdin.close()  # the app-server ends at end of input
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        kill_group()
        process.wait()


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 1
    codex, work_dir = sys.argv[1], sys.argv[2]
    config = os.path.join(os.environ["CODEX_HOME"], "config.toml")
    try:
        listed = hooks_list(codex, work_dir)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        print(f"review_hooks: cannot list Codex's hooks: {error}", file=sys.stderr)
        return 1
    tables = []
    for entry in listed:
        for hook in entry.get("hooks", []):
            if hook.get("isManaged") or hook.get("trustStatus") == "trusted":
                continue
            # JSON string escapes are valid TOML basic-string escapes.
            tables.append(f"\n[hooks.state.{json.dumps(hook['key'])}]\n"
                          f"trusted_hash = {json.dumps(hook['currentHash'])}\n")
            print(f"trusted {hook['key']} ({hook['eventName']}, matcher {hook.get('matcher')})")
    if not tables:
        print("review_hooks: Codex lists no hook to review", file=sys.stderr)
        return 1
    with open(config, "a", encoding="utf-8") as config_file:
        config_file.writelines(tables)
    return 0


if __name__ == "__main__":
    sys.exit(main())
