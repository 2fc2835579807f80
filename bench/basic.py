"""hireport's basic endpoints against their floors: `POST /connect/token` against the JSON floor and a 20-item
management list against the 20-row floor, on the demo data, measured in the same run.

    python -m bench.basic [--seconds 10] [--connections 8]
"""

import tempfile
import urllib.parse
from pathlib import Path

from bench import floors
from bench.harness import HOST, Row, demo, free_port, hireport_env, load_main, serve_command, serving
from bench.wrk import load

GROUP = "basic"


def run(quick: bool = False, *, seconds: float | None = None, connections: int = 8) -> list[Row]:
    seconds = seconds or (3 if quick else 10)
    found = floors.measure(["JSON", "20-row read"], seconds=seconds, connections=connections)
    with tempfile.TemporaryDirectory(prefix="hireport-bench-basic-") as work:
        data = Path(work)
        credentials = demo(data)
        client = credentials["clients"][0]
        port = free_port()
        with serving(serve_command(port), hireport_env(data), port, data / "serve.log"):
            body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client["client_id"],
                                           "client_secret": client["client_secret"], "scope": "Public.Job.Read",
                                           "instanceId": "218"})
            token = load("POST /connect/token (RS256)", f"http://{HOST}:{port}/connect/token", method="POST",
                         headers={"Content-Type": "application/x-www-form-urlencoded"}, body=body,
                         seconds=seconds, connections=connections)
            manage = load("GET manage applicants (20)", f"http://{HOST}:{port}/manage/v1/tenants/218/applicants?limit=20",
                          headers={"Authorization": f"Bearer {credentials['operator_credential']}"},
                          seconds=seconds, connections=connections)
    return [found["JSON"].row(GROUP), found["20-row read"].row(GROUP),
            found["JSON"].ratio(GROUP, token), found["20-row read"].ratio(GROUP, manage)]


def main() -> None:
    load_main(__doc__ or "", run)


if __name__ == "__main__":
    main()
