"""hireport's own ceiling: its whole stack around a constant answer, against the JSON floor in the same run.

    python -m bench.stack [--seconds 10] [--connections 8]

The app is the one `hireport serve` builds (the door, the request context and metrics, FastAPI's middleware,
routing and dependencies), served as `hireport serve` serves it, with two routes put first in
its route table (as the busiest routes are near the front) under the Gupy dialect's prefix, so the door
authenticates them with a Gupy API token (remembered after the first request, as in production):

- `GET /api/v1/_bench/constant`: the door's authentication only, then a constant JSON answer (the JSON
  floor's payload, serialised by orjson as hireport's hot paths answer: `kit.web.Json`);
- `GET /api/v1/_bench/constant-checked`: also the Gupy dialect's endpoint dependency (scope check, rate
  limit and its headers), as every Gupy endpoint has.

No endpoint of hireport can do better than these: each figure bounds the ratio any real endpoint can reach
against the floors, whatever its own work costs.
"""

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI

from bench import floors
from bench.harness import HOST, Row, asgi_command, demo, free_port, hireport_env, load_main, serving
from bench.wrk import load

GROUP = "stack"
PREFIX = "/api/v1/_bench"


def create() -> FastAPI:
    """The app factory: hireport's app, with the two constant routes first."""
    from hireport.dialects.gupy.auth import endpoint
    from hireport.dialects.gupy.scopes import Scope
    from hireport.kit.auth import Caller
    from hireport.kit.web import Json
    from hireport.server import app_from_environment

    app = app_from_environment()
    checked = Annotated[Caller, Depends(endpoint(Scope.jobs_read))]

    async def constant() -> Json:
        return Json(floors.PAYLOAD)

    async def constant_checked(_: checked) -> Json:
        return Json(floors.PAYLOAD)

    app.add_api_route(f"{PREFIX}/constant", constant, include_in_schema=False)
    app.add_api_route(f"{PREFIX}/constant-checked", constant_checked, include_in_schema=False)
    routes = app.router.routes
    routes[:0] = [routes.pop(), routes.pop()]
    return app


def run(quick: bool = False, *, seconds: float | None = None, connections: int = 8) -> list[Row]:
    seconds = seconds or (3 if quick else 10)
    found = floors.measure(["JSON"], seconds=seconds, connections=connections)
    with tempfile.TemporaryDirectory(prefix="hireport-bench-stack-") as work:
        data = Path(work)
        token = demo(data)["api_token"]["token"]
        port = free_port()
        command = asgi_command("bench.stack:create", port, factory=True)
        env = hireport_env(data, gupy_rate_limit="1000000/minute")  # the limiter counts, never refuses
        with serving(command, env, port, data / "serve.log"):
            results = [load(f"hireport stack, constant answer{name}", f"http://{HOST}:{port}{PREFIX}/{path}",
                            headers={"Authorization": f"Bearer {token}"}, seconds=seconds, connections=connections)
                       for name, path in (("", "constant"), (" + Gupy endpoint check", "constant-checked"))]
    return [found["JSON"].row(GROUP), *(found["JSON"].ratio(GROUP, r, "first in the route table") for r in results)]


def main() -> None:
    load_main(__doc__ or "", run)


if __name__ == "__main__":
    main()
