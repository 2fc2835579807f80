"""The `hireport` command. Every command reads the data directory from HIREPORT_DATA_DIR (./.hireport)."""

import asyncio
import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from sqlalchemy.orm import Session

from hireport import demo as demo_data
from hireport import ops
from hireport.app import build_runtime
from hireport.delivery.worker import DeliveryWorker
from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.kit.errors import DomainError
from hireport.kit.scopes import GUPY_SCOPES
from hireport.migrations import runner
from hireport.server import prepare
from hireport.services import api_tokens, identity
from hireport.settings import Settings

app = typer.Typer(help="hireport: a self-hosted recruitment platform.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
clients_app = typer.Typer(help="OAuth clients.", no_args_is_help=True)
tenants_app = typer.Typer(help="Tenants.", no_args_is_help=True)
partners_app = typer.Typer(help="Partners (e.g. background-check providers).", no_args_is_help=True)
operators_app = typer.Typer(help="Operator credentials for the management API.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(clients_app, name="clients")
app.add_typer(tenants_app, name="tenants")
app.add_typer(partners_app, name="partners")
app.add_typer(operators_app, name="operators")
api_tokens_app = typer.Typer(help="Gupy-style API tokens of a tenant.", no_args_is_help=True)
app.add_typer(api_tokens_app, name="api-tokens")

console = Console()
errors = Console(stderr=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _settings() -> Settings:
    return Settings()


def _print_first_operator(secret: str | None) -> None:
    """The first operator credential, on stderr so that `--json` output stays parseable."""
    if secret:
        errors.print("[bold]Operator credential for the management API (shown once, stored hashed):[/bold]")
        errors.print(f"  Authorization: Bearer {secret}")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000,
          workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL for more than one).")] = 1) -> None:
    """Migrate the database and serve every API."""
    settings = _settings()
    prepared = prepare(settings)
    _print_first_operator(prepared.first_operator_secret)
    console.print(f"hireport on http://{host}:{port}  (data: {settings.data_dir.resolve()})")
    uvicorn.run("hireport.server:app_from_environment", factory=True, host=host, port=port, workers=workers,
                access_log=False, log_level="warning", server_header=False)


@app.command()
def worker() -> None:
    """Deliver queued e-mail until interrupted (as its own process; `serve` also runs one in-process)."""
    settings = _settings()
    prepare(settings)
    ops.configure_logging(settings)
    runtime = build_runtime(settings)
    stop = asyncio.Event()

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await DeliveryWorker(runtime).run(stop)

    try:
        asyncio.run(run())
    finally:
        runtime.db.dispose()


@api_tokens_app.command("create")
def api_tokens_create(
    tenant: Annotated[int, typer.Option(help="The company (tenant) the token acts for.")],
    endpoints: Annotated[str, typer.Option(help="Space-separated: " + " ".join(GUPY_SCOPES))] = " ".join(GUPY_SCOPES),
    name: Annotated[str, typer.Option()] = "cli token",
    as_json: JsonFlag = False,
) -> None:
    """Create a Gupy-style API token for a tenant and print it (shown once)."""
    with _transaction() as (session, clock):
        row, secret = api_tokens.create(session, Caller.operator(tenant), name=name, scopes=endpoints, clock=clock)
        out = {"id": row.id, "token": secret, "tenant": tenant, "endpoints": row.scopes}
    typer.echo(json.dumps(out, indent=2) if as_json else secret)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration."""
    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    runner.upgrade(settings.resolved_database_url)
    console.print("database is at the latest schema")


@app.command()
def demo(as_json: JsonFlag = False) -> None:
    """Load demo tenant 218 (idempotent) and print fresh credentials for its clients."""
    settings = _settings()
    _print_first_operator(prepare(settings).first_operator_secret)
    runtime = build_runtime(settings)
    try:
        clients, gupy_token = demo_data.load(runtime)
    finally:
        runtime.db.dispose()
    if as_json:
        out = {"clients": [vars(c) for c in clients], "api_token": vars(gupy_token), "base_url": settings.issuer}
        typer.echo(json.dumps(out, indent=2))
        return
    console.print(f"[bold]Demo tenant {demo_data.DEMO_TENANT}: client credentials (new secrets on every run)[/bold]")
    for c in clients:
        console.print(f"\n  {'partner ' + c.partner + ' client' if c.partner else 'integrator client'}", soft_wrap=True)
        console.print(f"    client_id:     {c.client_id}\n    client_secret: {c.client_secret}", soft_wrap=True)
        console.print(f"    instanceId:    {c.tenant}\n    scopes:        {' '.join(c.scopes)}", soft_wrap=True)
    console.print(f"\n  Gupy API token (tenant {gupy_token.tenant}): Bearer {gupy_token.token}\n", soft_wrap=True)


@clients_app.command("create")
def clients_create(
    scopes: Annotated[str, typer.Option(help="Space-separated scopes the client may ask for.")],
    tenant: Annotated[int, typer.Option(help="The tenant (for a partner client: a tenant that uses it).")],
    partner: Annotated[str | None, typer.Option(help="Make a client of this partner instead.")] = None,
    name: Annotated[str, typer.Option(help="A name to recognise the client by.")] = "cli client",
    as_json: JsonFlag = False,
) -> None:
    """Create a client and print its secret (shown once)."""
    with _transaction() as (session, clock):
        if partner:
            identity.enable_partner(session, tenant_id=tenant, partner_code=partner, clock=clock)
        client, secret = identity.create_client(session, name=name, scopes=scopes, clock=clock,
                                                tenant_id=None if partner else tenant, partner_code=partner,
                                                token_lifetime=_settings().token_lifetime)
        out = {"client_id": client.client_id, "client_secret": secret, "scopes": client.scopes,
               "tenant": tenant, "partner": partner}
    if as_json:
        typer.echo(json.dumps(out, indent=2))
    else:
        for key, value in out.items():
            console.print(f"{key}: {' '.join(value) if isinstance(value, list) else value}")


@tenants_app.command("create")
def tenants_create(tenant_id: int, name: Annotated[str, typer.Option()]) -> None:
    """Create a tenant."""
    with _transaction() as (session, clock):
        identity.create_tenant(session, tenant_id=tenant_id, name=name, clock=clock)
    console.print(f"tenant {tenant_id} created")


@tenants_app.command("list")
def tenants_list() -> None:
    with _transaction() as (session, _):
        for tenant in identity.list_tenants(session):
            console.print(f"{tenant.id}\t{tenant.name}")


@partners_app.command("create")
def partners_create(code: str, name: Annotated[str, typer.Option()],
                    kind: Annotated[str, typer.Option()] = "background_check") -> None:
    """Create a partner."""
    with _transaction() as (session, clock):
        identity.create_partner(session, code=code, name=name, kind=kind, clock=clock)
    console.print(f"partner {code} created")


@operators_app.command("create")
def operators_create(name: Annotated[str, typer.Option()] = "operator", as_json: JsonFlag = False) -> None:
    """Create an operator credential for the management API and print it (shown once)."""
    with _transaction() as (session, clock):
        secret = identity.create_operator_credential(session, name=name, clock=clock)
    typer.echo(json.dumps({"operator_credential": secret}) if as_json else secret)


@contextmanager
def _transaction() -> Iterator[tuple[Session, Clock]]:
    """A transaction on the migrated database; a domain error ends the command with its message."""
    settings = _settings()
    _print_first_operator(prepare(settings).first_operator_secret)
    db = Database(settings.resolved_database_url)
    try:
        with db.transaction() as session:
            yield session, Clock()
    except DomainError as exc:
        errors.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(code=1) from exc
    finally:
        db.dispose()
