"""A small, bounded HTTP/1.1 load generator: N keep-alive connections on asyncio, for T seconds.

Run in its own process by the harness; prints one JSON line: requests, errors, seconds, latencies.
"""

import argparse
import asyncio
import json
import time


async def _connection(host: str, port: int, request: bytes, deadline: float, latencies: list[float],
                      errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            status = int(status_line.split()[1])
            if status >= 400:
                errors.append(status)
    finally:
        writer.close()


async def run(host: str, port: int, request: bytes, seconds: float, concurrency: int) -> dict[str, object]:
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_connection(host, port, request, deadline, latencies, errors)
                           for _ in range(concurrency)))
    return {"requests": len(latencies), "errors": len(errors), "seconds": time.perf_counter() - started,
            "latencies": latencies}


def build_request(method: str, host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True, help="JSON: method, host, port, path, headers, body")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    spec = json.loads(args.spec)
    request = build_request(spec["method"], spec["host"], spec["port"], spec["path"], spec.get("headers", {}),
                            spec.get("body", "").encode())
    result = asyncio.run(run(spec["host"], spec["port"], request, min(args.seconds, 120.0), args.concurrency))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
