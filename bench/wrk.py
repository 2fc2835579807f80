"""Load a URL with `wrk` (Debian's package, see bench/setup) for a bounded time and read its figures back.

wrk runs as its own process with one thread, so it takes one core at most; a small Lua script sets the
method, headers and body (or cycles through several paths and bodies) and prints the summary as JSON.
"""

import json
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_SECONDS = 120
TIMEOUT_SECONDS = 10  # a response slower than this counts as an error
MARK = "BENCH-WRK "

DONE = f"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{MARK}{{"requests": %d, "micros": %d, "errors": %d, "p50": %d, "p99": %d}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    errors: int  # responses with a status of 400 or more, timeouts and socket errors
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def lua_string(text: str) -> str:
    """A Lua string literal for any text (each byte outside a safe set as a decimal escape, of three digits:
    a digit may follow it)."""
    safe = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 /?&=.,:;_-+*()[]{}@!"
    return '"' + "".join(chr(b) if b in safe else f"\\{b:03d}" for b in text.encode()) + '"'


def script(method: str, headers: dict[str, str], body: str | None, cycle: Sequence[tuple[str, str | None]]) -> str:
    lines = [f"wrk.method = {lua_string(method)}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"wrk.body = {lua_string(body)}")
    if cycle:
        formatted = ", ".join(f"wrk.format(nil, {lua_string(path)}, nil, {'nil' if b is None else lua_string(b)})"
                              for path, b in cycle)
        lines += [f"local requests = {{{formatted}}}", "local i = 0",
                  "function request()", "  i = i % #requests + 1", "  return requests[i]", "end"]
    return "\n".join(lines) + "\n" + DONE


def load(name: str, url: str, *, method: str = "GET", headers: dict[str, str] | None = None, body: str | None = None,
         cycle: Sequence[tuple[str, str | None]] = (), seconds: float = 10, connections: int = 8) -> Result:
    """Load `url` with `connections` keep-alive connections for `seconds` (at most 120). With `cycle`, the
    requests go round its (path, body) pairs in order instead of repeating the URL's path and `body`."""
    duration = max(1, min(round(seconds), MAX_SECONDS))
    with tempfile.TemporaryDirectory(prefix="hireport-wrk-") as work:
        lua = Path(work) / "load.lua"
        lua.write_text(script(method, headers or {}, body, cycle))
        out = subprocess.run(["wrk", "--latency", "-t1", f"-c{connections}", f"-d{duration}s",
                              f"--timeout={TIMEOUT_SECONDS}s", "-s", str(lua), url],
                             capture_output=True, text=True, timeout=duration + 60)
    found = [line for line in out.stdout.splitlines() if line.startswith(MARK)]
    if out.returncode or not found:
        raise RuntimeError(f"wrk failed on {url}:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    data = json.loads(found[-1].removeprefix(MARK))
    return Result(name, data["requests"], data["errors"], data["micros"] / 1e6, data["p50"] / 1000,
                  data["p99"] / 1000)
