"""Connect client mode: registrations per second, each with 10 recruitments, against the write floor measured
in the same run.

    python -m bench.connect [--seconds 10] [--connections 8]

1. Floor: the write floor of `bench.floors` (a bare single-row UPDATE in its own transaction), both forms,
   the faster counts.
2. Registrations: `hireport demo` into a fresh data directory (its tenant holds the Connect seed's codes),
   then `hireport serve` with HIREPORT_CONNECT_RATE_LIMIT=1000000/minute (the limiter never refuses). A token
   of the demo's Connect client; wrk posts `POST /capi/v1/client/recruitment` round robin over 200 distinct
   bodies for --seconds: recruiter customer 34272, product CO27409, campaign Spring2019, 10 recruitments of
   distinct people each (so the first round creates 2,000 customers, and later rounds find them by e-mail).
   A registration counts when it answers 200.
"""

import json
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from bench import floors
from bench.harness import HOST, Row, demo, free_port, hireport_env, load_main, serve_command, serving
from bench.wrk import load

GROUP = "connect"
BODIES, PER_BODY = 200, 10
PATH = "/capi/v1/client/recruitment"


def body(n: int) -> str:
    return json.dumps({
        "product": "CO27409", "campaign": "Spring2019", "recruiter": {"customerNumber": 34272},
        "recruitments": [{"name": {"firstName": f"Friend{n}", "lastName": f"Number{k}"}, "couponCode": "Datanews",
                          "couponNumber": 1, "amount": 100, "quantity": 1, "email": f"friend{n}.{k}@example.com",
                          "address": {"streetAddress": "Osloveien", "streetNumber": 12, "postalCode": "0101",
                                      "postalPlace": "Oslo", "countryCode": "NO"}}
                         for k in range(PER_BODY)]})


def token(base: str, client: dict[str, str]) -> str:
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client["client_id"],
                                   "client_secret": client["client_secret"], "instanceId": "218",
                                   "scope": "Connect.Recruitment.Client"}).encode()
    with urllib.request.urlopen(f"{base}/connect/token", data=form, timeout=30) as answer:  # noqa: S310 (loopback)
        return str(json.loads(answer.read())["access_token"])


def run(quick: bool = False, *, seconds: float | None = None, connections: int = 8) -> list[Row]:
    seconds = seconds if seconds is not None else (3 if quick else 10)
    floor = floors.measure(["write"], seconds=seconds, connections=connections)["write"]
    with tempfile.TemporaryDirectory(prefix="hireport-bench-connect-") as work:
        data = Path(work) / "data"
        made = demo(data)
        port = free_port()
        env = hireport_env(data, connect_rate_limit="1000000/minute", run_delivery_worker="false")
        with serving(serve_command(port), env, port, Path(work) / "serve.log"):
            base = f"http://{HOST}:{port}"
            bearer = token(base, made["connect"])
            result = load(f"registrations ({PER_BODY} recruitments each)", base + PATH, method="POST",
                          headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"},
                          cycle=[(PATH, body(n)) for n in range(BODIES)], seconds=seconds, connections=connections)
    return [floor.row(GROUP), floor.ratio(GROUP, result, f"{result.rps * PER_BODY:,.0f} recruitments/s")]


def main() -> None:
    load_main(__doc__ or "", lambda seconds, connections: run(seconds=seconds, connections=connections))


if __name__ == "__main__":
    main()
