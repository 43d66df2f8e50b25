#!/usr/bin/env python3
"""A local stand-in for the Anthropic Messages API, enough for Claude Code to run one scripted
turn end to end: the model asks for the scripted tool calls one at a time, then answers a final
text. Python 3 standard library only.

    mock_anthropic.py --script SCRIPT.json --record REQUESTS.jsonl --port-file PORT
                      [--lifetime-s 90] [--pids-current FILE]

The script (JSON):
    {"trigger": "text in the main prompt",        # which conversation gets the tool calls
     "tool_uses": [{"name": "Bash", "input": {...}}, ...],
     "final_text": "done",
     "subagent_text": "the subagent's report",     # answer to every other conversation
     "usage": {"input_tokens": 12, "cache_creation_input_tokens": 0,
               "cache_read_input_tokens": 0, "output_tokens": 5}}

Every request is answered from the conversation it carries, not from a counter, because Claude
Code also sends side requests (titles, quota probes, a subagent's own turns) in an order that
changes between versions:
  - a request with tools whose first user message holds the trigger is the main conversation:
    it gets tool_uses[k], k being the number of tool_result blocks already in it, and once
    every call has a result, final_text;
  - anything else (a subagent, a side request) gets subagent_text.

Every request is appended to the record as one JSON line {"path", "method", "headers", "body",
"pids_current"} before it is answered, so a test reads what the model received after a hook
ran. pids_current is the content of --pids-current at that moment (the CLI's cgroup), or null.
The server exits by itself after --lifetime-s seconds, whatever happens to its parent.
"""

import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECORDED_HEADERS = ("anthropic-beta", "anthropic-version", "x-api-key", "user-agent")


def read_text(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def flatten_text(content):
    """All text of one message's content, whether a string or a list of blocks."""
    if isinstance(content, str):
        return content
    parts = []
    for block in content or []:
        if isinstance(block, dict):
            if isinstance(block.get("text"), str):
                parts.append(block["text"])
            if "content" in block:
                parts.append(flatten_text(block["content"]))
    return "\n".join(parts)


def tool_results_in(messages):
    count = 0
    for message in messages:
        if message.get("role") != "user" or not isinstance(message.get("content"), list):
            continue
        count += sum(1 for block in message["content"]
                     if isinstance(block, dict) and block.get("type") == "tool_result")
    return count


def is_main_conversation(body, trigger):
    messages = body.get("messages") or []
    if not body.get("tools") or not messages:
        return False
    first_user = next((m for m in messages if m.get("role") == "user"), None)
    return first_user is not None and trigger in flatten_text(first_user.get("content"))


def answer_blocks(body, script):
    """The content blocks of the model's answer to `body`."""
    tool_uses = script.get("tool_uses", [])
    if is_main_conversation(body, script.get("trigger", "")):
        done = tool_results_in(body.get("messages") or [])
        if done < len(tool_uses):
            call = tool_uses[done]
            return [{"type": "tool_use", "id": "toolu_conformance_%02d" % done,
                     "name": call["name"], "input": call.get("input", {})}]
        return [{"type": "text", "text": script.get("final_text", "done")}]
    return [{"type": "text", "text": script.get("subagent_text", "ok")}]


def usage_of(script):
    usage = {"input_tokens": 12, "cache_creation_input_tokens": 0,
             "cache_read_input_tokens": 0, "output_tokens": 5}
    usage.update(script.get("usage", {}))
    return usage


def sse(event, data):
    return ("event: %s\ndata: %s\n\n" % (event, json.dumps(data))).encode()


def streamed_answer(message_id, model, blocks, usage):
    start_usage = dict(usage, output_tokens=1)
    out = [sse("message_start", {"type": "message_start", "message": {
        "id": message_id, "type": "message", "role": "assistant", "model": model,
        "content": [], "stop_reason": None, "stop_sequence": None, "usage": start_usage}})]
    for index, block in enumerate(blocks):
        if block["type"] == "text":
            out.append(sse("content_block_start", {"type": "content_block_start", "index": index,
                                                   "content_block": {"type": "text", "text": ""}}))
            out.append(sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                                   "delta": {"type": "text_delta",
                                                             "text": block["text"]}}))
        else:
            out.append(sse("content_block_start", {"type": "content_block_start", "index": index,
                                                   "content_block": dict(block, input={})}))
            out.append(sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                                   "delta": {"type": "input_json_delta",
                                                             "partial_json":
                                                                 json.dumps(block["input"])}}))
        out.append(sse("content_block_stop", {"type": "content_block_stop", "index": index}))
    stop_reason = "tool_use" if blocks[-1]["type"] == "tool_use" else "end_turn"
    out.append(sse("message_delta", {"type": "message_delta",
                                     "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                                     "usage": {"output_tokens": usage["output_tokens"]}}))
    out.append(sse("message_stop", {"type": "message_stop"}))
    return b"".join(out)


class MockServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, script, record_path, pids_current_path):
        super().__init__(address, MockHandler)
        self.script = script
        self.record_path = record_path
        self.pids_current_path = pids_current_path
        self.lock = threading.Lock()
        self.count = 0

    def record(self, entry):
        with self.lock:
            self.count += 1
            entry["sequence"] = self.count
            with open(self.record_path, "a") as f:
                f.write(json.dumps(entry) + "\n")
            return self.count


class MockHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the record is the log
        pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return {"unparsed": raw.decode("utf-8", "replace")}

    def send_bytes(self, status, content_type, payload):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def send_json(self, status, value):
        self.send_bytes(status, "application/json", json.dumps(value).encode())

    def handle_any(self):
        body = self.read_body() if self.command == "POST" else None
        server = self.server
        pids_current = read_text(server.pids_current_path) if server.pids_current_path else None
        sequence = server.record({
            "path": self.path, "method": self.command,
            "headers": {k: self.headers.get(k) for k in RECORDED_HEADERS if self.headers.get(k)},
            "body": body, "pids_current": pids_current})
        path = self.path.split("?", 1)[0]
        if path.endswith("/v1/messages/count_tokens"):
            self.send_json(200, {"input_tokens": 1000})
        elif path.endswith("/v1/messages") and isinstance(body, dict):
            blocks = answer_blocks(body, server.script)
            usage = usage_of(server.script)
            model = body.get("model", "claude-mock")
            message_id = "msg_conformance_%04d" % sequence
            if body.get("stream"):
                self.send_bytes(200, "text/event-stream",
                                streamed_answer(message_id, model, blocks, usage))
            else:
                stop = "tool_use" if blocks[-1]["type"] == "tool_use" else "end_turn"
                self.send_json(200, {"id": message_id, "type": "message", "role": "assistant",
                                     "model": model, "content": blocks, "stop_reason": stop,
                                     "stop_sequence": None, "usage": usage})
        else:
            # Anything else the CLI asks (model lists, account or feature probes): a harmless,
            # empty answer rather than an error that could trigger retries.
            self.send_json(200, {"data": [], "has_more": False})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--script", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--lifetime-s", type=float, default=90)
    parser.add_argument("--pids-current", default=None)
    args = parser.parse_args()
    with open(args.script) as f:
        script = json.load(f)

    server = MockServer(("127.0.0.1", 0), script, args.record, args.pids_current)
    # Bounded whatever happens: a test that dies never leaves a listener behind.
    timer = threading.Timer(args.lifetime_s, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    port = server.server_address[1]
    staging = args.port_file + ".tmp"
    with open(staging, "w") as f:
        f.write("%d\n" % port)
    os.rename(staging, args.port_file)  # readers never see a half-written port
    print(port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
