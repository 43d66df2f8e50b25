#!/usr/bin/env python3
"""A local stand-in for the OpenAI Responses API, for driving the real Codex CLI in tests.

Python 3 standard library only. Listens on 127.0.0.1 (port 0: the kernel picks one) and writes
the port to --port-file once it accepts connections. Every request is appended to --log as one
JSON line: {"seq", "time", "method", "path", "headers", "body"} (body parsed as JSON where it is JSON).

POST .../responses answers with a Server-Sent Events stream (response.created, then per output
item response.output_item.added / .done, then response.completed with usage), scripted by
--script, a JSON file:

    {"calls": [{"namespace": "multi_agent_v1", "name": "spawn_agent",
                "arguments": {"message": "survey the tests"}},
               {"namespace": "multi_agent_v1", "name": "wait_agent",
                "arguments": {"targets": ["$agent_id"], "timeout_ms": 20000}}],
     "final_text": "done"}

The main agent's first request gets the first call as one function_call item (arguments may be
an object or an already-encoded string), the next request the next call, and so on; then the
final text. ("function_call": {...} is short for a single call.) See Script for subagents and
"$agent_id". GET .../models answers an empty list; anything else 404 (recorded too).

--hold-until FILE holds the main agent's request that is to be answered with call number
--hold-at-call (0, the default: the first request) until FILE exists (see Hold), so a test can
fill a cgroup while the CLI waits on the model, right before the call it judges.

The server exits by itself after --lifetime seconds, so a test that dies never leaves it behind.
"""

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def sse_event(payload):
    return f"event: {payload['type']}\ndata: {json.dumps(payload)}\n\n"


def usage():
    return {
        "input_tokens": 100,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 10,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 110,
    }


def response_stream(response_id, items):
    """The events of one completed response that produced `items`."""
    events = [{"type": "response.created",
               "response": {"id": response_id, "object": "response", "status": "in_progress",
                            "output": []}}]
    for index, item in enumerate(items):
        events.append({"type": "response.output_item.added", "output_index": index,
                       "item": dict(item, status="in_progress")})
        if item["type"] == "message":
            text = item["content"][0]["text"]
            events.append({"type": "response.output_text.delta", "output_index": index,
                           "item_id": item["id"], "content_index": 0, "delta": text})
        events.append({"type": "response.output_item.done", "output_index": index,
                       "item": item})
    events.append({"type": "response.completed",
                   "response": {"id": response_id, "object": "response", "status": "completed",
                                "output": items, "usage": usage()}})
    return "".join(sse_event(event) for event in events)


class Script:
    """Which items answer which request. The main agent's requests take the scripted calls in
    order, then the final text; a subagent's requests (Codex marks them "thread_source":
    "subagent" in the x-codex-turn-metadata header) always get the final text, so a spawned
    subagent ends its turn at once and never takes a call meant for the main agent.

    An argument that is exactly "$agent_id" becomes the agent_id of the latest call output in
    the request that has one (spawn_agent answers {"agent_id": ...}). A call whose "$agent_id"
    cannot be filled is skipped, like a model that saw its spawn refused: a spawn followed by
    wait_agent(["$agent_id"]) keeps the CLI running until the subagent has answered, and ends
    at once when the spawn was blocked."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as script_file:
            script = json.load(script_file)
        self.calls = script.get("calls") or ([script["function_call"]]
                                             if script.get("function_call") else [])
        self.final_text = script.get("final_text", "done")
        self.lock = threading.Lock()
        self.responses = 0
        self.calls_answered = 0

    def next_items(self, request, from_subagent, hold):
        # The main agent asks one request at a time; only subagents run alongside it.
        call = None
        if not from_subagent:
            while self.calls_answered < len(self.calls):
                index = self.calls_answered
                self.calls_answered += 1
                arguments = fill_agent_id(self.calls[index].get("arguments", {}),
                                          latest_agent_id(request))
                if arguments is not None:
                    hold.wait_if_due(index)
                    call = dict(self.calls[index], arguments=arguments)
                    break
            else:
                hold.wait_if_due(len(self.calls))
        with self.lock:
            self.responses += 1
            number = self.responses
        if call:
            arguments = call["arguments"]
            if not isinstance(arguments, str):
                arguments = json.dumps(arguments)
            item = {"type": "function_call", "id": f"fc_{number}",
                    "call_id": call.get("call_id", f"call_spawngate_{number}"),
                    "name": call["name"], "arguments": arguments, "status": "completed"}
            # Tools inside a namespace (spawn_agent in multi_agent_v1) are called by name and
            # namespace; without the namespace Codex answers "unsupported call".
            if call.get("namespace"):
                item["namespace"] = call["namespace"]
            return number, [item]
        return number, [{"type": "message", "id": f"msg_{number}", "role": "assistant",
                         "status": "completed",
                         "content": [{"type": "output_text", "text": self.final_text,
                                      "annotations": []}]}]


def latest_agent_id(request):
    """The agent_id in the latest function_call_output of a request body, or None."""
    found = None
    for item in (request or {}).get("input", []):
        if not isinstance(item, dict) or item.get("type") != "function_call_output":
            continue
        output = item.get("output")
        try:
            parsed = json.loads(output) if isinstance(output, str) else None
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("agent_id"), str):
            found = parsed["agent_id"]
    return found


def fill_agent_id(value, agent_id):
    """`value` with every "$agent_id" replaced; None when one is needed and there is none."""
    if value == "$agent_id":
        return agent_id
    if isinstance(value, list):
        filled = [fill_agent_id(element, agent_id) for element in value]
        return None if any(element is None for element in filled) else filled
    if isinstance(value, dict):
        filled = {key: fill_agent_id(element, agent_id) for key, element in value.items()}
        return None if any(element is None for element in filled.values()) else filled
    return value


def from_subagent(headers):
    try:
        metadata = json.loads(headers.get("x-codex-turn-metadata") or "{}")
    except ValueError:
        return False
    return isinstance(metadata, dict) and metadata.get("thread_source") == "subagent"


class Recorder:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.seq = 0

    def record(self, method, path, headers, raw_body):
        try:
            body = json.loads(raw_body) if raw_body else None
        except (ValueError, UnicodeDecodeError):
            body = {"undecodable_bytes": len(raw_body)}
        with self.lock:
            self.seq += 1
            line = json.dumps({"seq": self.seq, "time": time.time(), "method": method,
                               "path": path,
                               "headers": dict(headers), "body": body})
            with open(self.path, "a", encoding="utf-8") as log:
                log.write(line + "\n")
        return body if isinstance(body, dict) else None


class Hold:
    """Holds one request until the test says go: the mock creates FILE.waiting, then waits
    (bounded by the lifetime) until FILE exists. The test fills the cgroup meanwhile, with the
    CLI fully started and idle."""

    def __init__(self, path, at_call):
        self.path = path
        self.at_call = at_call
        self.done = False

    def wait_if_due(self, call_index):
        if not self.path or self.done or call_index != self.at_call:
            return
        self.done = True
        with open(self.path + ".waiting", "w", encoding="utf-8"):
            pass
        while not os.path.exists(self.path):
            time.sleep(0.05)


def make_handler(script, recorder, hold):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep the test's stderr for real problems
            pass

        def read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def send(self, status, content_type, text):
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            recorder.record("GET", self.path, self.headers, b"")
            if self.path.split("?")[0].endswith("/models"):
                self.send(200, "application/json",
                          json.dumps({"object": "list", "data": [], "models": []}))
            else:
                self.send(404, "application/json", json.dumps({"error": "not mocked"}))

        def do_POST(self):
            raw = self.read_body()
            body = recorder.record("POST", self.path, self.headers, raw)
            if self.path.split("?")[0].endswith("/responses"):
                number, items = script.next_items(body, from_subagent(self.headers), hold)
                self.send(200, "text/event-stream", response_stream(f"resp_{number}", items))
            else:
                self.send(404, "application/json", json.dumps({"error": "not mocked"}))

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--lifetime", type=float, default=120.0)
    parser.add_argument("--hold-until", default="")
    parser.add_argument("--hold-at-call", type=int, default=0)
    options = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(Script(options.script),
                                                                Recorder(options.log),
                                                                Hold(options.hold_until,
                                                                     options.hold_at_call)))
    server.daemon_threads = True
    threading.Timer(options.lifetime, server.shutdown).start()
    # Written to a temporary name and renamed, so a reader never sees half a number.
    partial = options.port_file + ".partial"
    with open(partial, "w", encoding="utf-8") as port_file:
        port_file.write(f"{server.server_address[1]}\n")
    os.replace(partial, options.port_file)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
