#!/usr/bin/env python3
"""A local stand-in for the Gemini API, for driving the real Gemini CLI in tests.

Gemini CLI talks to GOOGLE_GEMINI_BASE_URL with the @google/genai client:
  POST /v1beta/models/MODEL:streamGenerateContent?alt=sse   (the conversation; SSE)
  POST /v1beta/models/MODEL:generateContent                 (side requests: routing, checks)
  POST /v1beta/models/MODEL:countTokens
  GET  /v1beta/models[/MODEL]
Anything else gets a harmless empty JSON object (and is recorded, so a test can see it).

The script (a JSON file) drives the conversation: a request that carries function declarations
("tools") and whose last turn is the user's prompt answers the script's functionCall; every other
conversation request (the one carrying the functionResponse after the tool ran, or a subagent's
own loop) answers a final text, or, when the request offers the subagent tool `complete_task`,
calls that so a subagent ends at once. Side requests without tools answer a small JSON object
that every Gemini CLI helper (router, next-speaker check, loop check) accepts.

    {"function_call": {"name": "run_shell_command", "args": {"command": "true"}},
     "final_text": "All done."}

Every request is appended to the record file as one JSON line:
    {"method": ..., "path": ..., "body": <the parsed JSON body or null>, "answer": "..."}

Python 3 standard library only. Listens on 127.0.0.1, port 0 (the kernel picks); writes the port
to --port-file once listening (atomically: written beside it, then renamed). Exits by itself after
--lifetime seconds, so a test that dies cannot leave it behind.

    mock_gemini.py --script S.json --record R.jsonl --port-file P [--lifetime 120]
"""

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "gemini-2.5-flash"


def usage_metadata():
    return {"promptTokenCount": 120, "candidatesTokenCount": 8, "totalTokenCount": 128}


def response_with(parts):
    return {
        "candidates": [
            {"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}
        ],
        "usageMetadata": usage_metadata(),
        "modelVersion": MODEL,
    }


def declared_function_names(body):
    names = []
    for tool in body.get("tools") or []:
        for declaration in tool.get("functionDeclarations") or []:
            if "name" in declaration:
                names.append(declaration["name"])
    return names


def complete_task_args(body):
    """The subagent's way out; 0.61 wants {"result": {"response": TEXT}}, older ones a string."""
    text = "Subagent finished."
    for tool in body.get("tools") or []:
        for declaration in tool.get("functionDeclarations") or []:
            if declaration.get("name") != "complete_task":
                continue
            schema = declaration.get("parametersJsonSchema") or declaration.get("parameters") or {}
            result = (schema.get("properties") or {}).get("result") or {}
            if str(result.get("type", "")).lower() == "object":
                return {"result": {"response": text}}
    return {"result": text}


def last_turn_is_prompt(body):
    """True when the newest content is the user's text, not a functionResponse."""
    contents = body.get("contents") or []
    if not contents:
        return False
    last = contents[-1]
    if last.get("role") != "user":
        return False
    return not any("functionResponse" in part for part in last.get("parts") or [])


class Mock:
    def __init__(self, script, record_path):
        self.script = script
        self.record_path = record_path
        self.lock = threading.Lock()
        self.calls_made = 0

    def record(self, entry):
        with self.lock, open(self.record_path, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")

    def conversation_answer(self, body):
        """(kind, response) for a request that carries tools."""
        names = declared_function_names(body)
        call = self.script.get("function_call")
        with self.lock:
            first = self.calls_made == 0
        # The main agent's first turn: the scripted call, once. A subagent's own loop (it offers
        # complete_task) finishes at once, so an allowed launch returns promptly.
        if call and first and last_turn_is_prompt(body) and call["name"] in names:
            with self.lock:
                self.calls_made += 1
            return "function_call", response_with(
                [{"functionCall": {"name": call["name"], "args": call.get("args", {})}}]
            )
        if "complete_task" in names:
            return "complete_task", response_with(
                [{"functionCall": {"name": "complete_task", "args": complete_task_args(body)}}]
            )
        return "final_text", response_with([{"text": self.script.get("final_text", "Done.")}])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mock = None  # set before serving

    def log_message(self, *args):
        pass  # quiet: the record file is the log

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return {"unparsed": raw.decode("utf-8", "replace")}

    def send_json(self, payload, status=200):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_sse(self, payload):
        data = ("data: " + json.dumps(payload) + "\r\n\r\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        self.mock.record({"method": "GET", "path": self.path, "body": None, "answer": "models"})
        model = {"name": "models/" + MODEL, "displayName": MODEL,
                 "inputTokenLimit": 1048576, "outputTokenLimit": 65536,
                 "supportedGenerationMethods": ["generateContent", "countTokens"]}
        if path.rstrip("/").endswith("/models"):
            self.send_json({"models": [model]})
        else:
            self.send_json(model)

    def do_POST(self):
        path = self.path.split("?")[0]
        body = self.read_body() or {}
        if path.endswith(":countTokens"):
            self.mock.record({"method": "POST", "path": self.path, "body": body,
                              "answer": "count_tokens"})
            self.send_json({"totalTokens": 120})
            return
        if path.endswith(":generateContent") or path.endswith(":streamGenerateContent"):
            if isinstance(body, dict) and body.get("tools"):
                kind, answer = self.mock.conversation_answer(body)
            else:
                # Router, next-speaker and loop checks ask for JSON; this object satisfies them
                # ("flash" route, the user speaks next, no loop).
                kind = "side_request"
                answer = response_with([{"text": json.dumps({
                    "reasoning": "mock", "model_choice": "flash", "next_speaker": "user",
                    "complexity_reasoning": "mock", "complexity_score": 1,
                    "unproductive_state_confidence": 0.0, "unproductive_state_analysis": "",
                })}])
            self.mock.record({"method": "POST", "path": self.path, "body": body, "answer": kind})
            if path.endswith(":streamGenerateContent"):
                self.send_sse(answer)
            else:
                self.send_json(answer)
            return
        self.mock.record({"method": "POST", "path": self.path, "body": body, "answer": "other"})
        self.send_json({})


def main():
    parser = argparse.ArgumentParser(description="A scripted local Gemini API.")
    parser.add_argument("--script", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--lifetime", type=float, default=120.0)
    options = parser.parse_args()

    with open(options.script, encoding="utf-8") as script_file:
        script = json.load(script_file)
    Handler.mock = Mock(script, options.record)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True

    partial = options.port_file + ".partial"
    with open(partial, "w", encoding="utf-8") as port_file:
        port_file.write(str(server.server_address[1]) + "\n")
    os.rename(partial, options.port_file)

    # Bounded: however the test ends, the mock is gone after its lifetime.
    deadline = threading.Timer(options.lifetime, server.shutdown)
    deadline.daemon = True
    deadline.start()
    started = time.monotonic()
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    print(f"mock_gemini: stopped after {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
