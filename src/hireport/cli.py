"""The `hireport` command. Every command reads the data directory from HIREPORT_DATA_DIR (./.hireport)."""

import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from hireport import demo as demo_data
from hireport import ops
from hireport.app import build_runtime, key_encryption_key
from hireport.delivery.worker import DeliveryWorker
from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.kit.errors import DomainError
from hireport.kit.invalidation import API_TOKENS, OPERATORS, REVOKED_CLIENTS, InvalidationBus
from hireport.kit.scopes import Holder, held_by
from hireport.kit.secrets import new_secret
from hireport.migrations import runner
from hireport.models import Role
from hireport.server import http_server, prepare
from hireport.services import accounts, api_tokens, checks, identity
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
api_tokens_app = typer.Typer(help="API tokens of a tenant (Gupy-style bearer tokens).", no_args_is_help=True)
app.add_typer(api_tokens_app, name="api-tokens")
keys_app = typer.Typer(help="The keys that sign access tokens.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
users_app = typer.Typer(help="People who sign in (the recruiter console), and their role in each tenant.",
                        no_args_is_help=True)
app.add_typer(users_app, name="users")

console = Console()
errors = Console(stderr=True)
OWNER_ONLY = 0o077  # the umask of every command: files 0600, directories 0700
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _settings() -> Settings:
    return Settings()


def _print_first_operator(secret: str | None, *, to: Console = console) -> None:
    """The first operator credential, on the terminal: stdout for `serve` (whose stderr is the log), stderr
    for commands whose stdout may be `--json`."""
    if secret:
        to.print("[bold]Operator credential for the management API (shown once, stored hashed):[/bold]")
        to.print(f"  Authorization: Bearer {secret}", soft_wrap=True)


@app.command()
def serve(host: Annotated[str | None, typer.Option(help="Default: HIREPORT_HOST, else 127.0.0.1.")] = None,
          port: Annotated[int | None, typer.Option(help="Default: HIREPORT_PORT, else 8000.")] = None,
          workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL for more than one).")] = 1) -> None:
    """Migrate the database and serve every API. Unless HIREPORT_PUBLIC_BASE_URL is set, the URL clients
    are given (token issuer, links) follows the host and port."""
    # Every worker process reads its settings from the environment: hand them the host and port.
    for name, value in (("HIREPORT_HOST", host), ("HIREPORT_PORT", port)):
        if value is not None:
            os.environ[name] = str(value)
    settings = _settings()
    host, port = settings.host, settings.port
    prepared = prepare(settings)
    _print_first_operator(prepared.first_operator_secret)
    console.print(f"hireport on http://{host}:{port}  (data: {settings.data_dir.resolve()})")
    metrics_dir = None
    if workers > 1:
        # Each worker process keeps its metrics in files here, and `/metrics` adds them all up (prometheus_client's
        # multiprocess mode). Set before the workers start, which import prometheus_client afresh.
        metrics_dir = tempfile.mkdtemp(prefix="hireport-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        http_server(settings, workers).serve()
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


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
    endpoints: Annotated[str | None, typer.Option(help="Space-separated scopes (default: every one an API token "
                                                        "may hold)")] = None,
    name: Annotated[str, typer.Option()] = "cli token",
    as_json: JsonFlag = False,
) -> None:
    """Create a Gupy-style API token for a tenant and print it (shown once)."""
    with _transaction() as (session, clock):
        row, secret = api_tokens.create(session, Caller.operator(tenant), name=name,
                                        scopes=endpoints or list(held_by(Holder.api_token)), clock=clock)
        out = {"id": row.id, "token": secret, "tenant": tenant, "endpoints": row.scopes}
    typer.echo(json.dumps(out, indent=2) if as_json else secret)


RoleOption = Annotated[Role, typer.Option(help="What the person may do in the tenant.")]


@users_app.command("create")
def users_create(
    tenant: Annotated[int, typer.Option(help="The tenant the person works in.")],
    role: RoleOption,
    email: Annotated[str, typer.Option(help="The e-mail they sign in with.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the e-mail's local part).")] = None,
    password: Annotated[str | None, typer.Option(help="Default: a random one, printed once.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create an account with a role in a tenant (`users grant` gives it roles in other tenants)."""
    chosen = password or new_secret()[:20]
    with _transaction() as (session, clock):
        account = accounts.create(session, email=email, display_name=name or email.split("@")[0], password=chosen,
                                  clock=clock)
        accounts.add_member(session, account, tenant_id=tenant, role=role, clock=clock)
        out = {"id": account.id, "email": account.email, "tenant": tenant, "role": role.value,
               **({} if password else {"password": chosen})}
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    console.print(f"account {out['id']}: {out['email']}, {role.value} of tenant {tenant}", soft_wrap=True)
    if not password:
        console.print(f"  password (shown once): {chosen}", soft_wrap=True)


@users_app.command("grant")
def users_grant(email: Annotated[str, typer.Option()], tenant: Annotated[int, typer.Option()],
                role: RoleOption) -> None:
    """Give an account a role in a tenant (or change the one it has)."""
    with _transaction() as (session, clock):
        account = accounts.find(session, email)
        if account is None:
            raise DomainError(f"no active account has e-mail {email}")
        accounts.add_member(session, account, tenant_id=tenant, role=role, clock=clock)
    console.print(f"{account.email} is {role.value} of tenant {tenant}")


@users_app.command("list")
def users_list(tenant: Annotated[int, typer.Option(help="The tenant whose members to list.")],
               as_json: JsonFlag = False) -> None:
    """The people of a tenant, with their roles."""
    with _transaction() as (session, _):
        rows = [{"id": a.id, "email": a.email, "name": a.display_name, "role": role.value}
                for a, role in accounts.members_of(session, tenant)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        console.print(f"{row['id']}\t{row['email']}\t{row['role']}\t{row['name']}", soft_wrap=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration."""
    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    runner.upgrade(settings.resolved_database_url)
    console.print("database is at the latest schema")


@app.command()
def demo(as_json: JsonFlag = False,
         reissue: Annotated[bool, typer.Option("--reissue", help="Issue new demo secrets (the old stop).")] = False,
         ) -> None:
    """Load demo tenant 218 (idempotent) and print its current credentials."""
    settings = _settings()
    first_operator = prepare(settings).first_operator_secret
    runtime = build_runtime(settings)
    try:
        demo = demo_data.credentials(runtime, settings.data_dir / "demo-credentials.json", reissue=reissue)
    finally:
        runtime.db.dispose()
    clients, gupy_token = demo.clients, demo.api_token
    if as_json:
        out = {**demo_data.as_json(demo), "base_url": settings.issuer,
               **({"operator_credential": first_operator} if first_operator else {})}
        typer.echo(json.dumps(out, indent=2))
        return
    _print_first_operator(first_operator)
    console.print(f"[bold]Demo tenant {demo_data.DEMO_TENANT}: client credentials ([/bold]hireport demo --reissue"
                  "[bold] for new ones)[/bold]")
    for c in clients:
        console.print(f"\n  {'partner ' + c.partner + ' client' if c.partner else 'integrator client'}", soft_wrap=True)
        console.print(f"    client_id:     {c.client_id}\n    client_secret: {c.client_secret}", soft_wrap=True)
        console.print(f"    instanceId:    {c.tenant}\n    scopes:        {' '.join(c.scopes)}", soft_wrap=True)
    console.print(f"\n  Gupy API token (tenant {gupy_token.tenant}): Bearer {gupy_token.token}", soft_wrap=True)
    linkedin = demo.linkedin
    console.print(f"\n  LinkedIn partner {linkedin.partner}: parent app (token at /oauth/v2/accessToken)",
                  soft_wrap=True)
    console.print(f"    client_id:     {linkedin.parent.client_id}\n    client_secret: {linkedin.parent.client_secret}",
                  soft_wrap=True)
    console.print(f"  its app for tenant {linkedin.app.tenant} ({linkedin.key}; plugin pages on "
                  f"{', '.join(linkedin.origins)}; Apply with LinkedIn requested)", soft_wrap=True)
    console.print(f"    client_id:     {linkedin.app.client_id}\n    client_secret: {linkedin.app.client_secret}",
                  soft_wrap=True)
    connect = demo.connect
    console.print(f"\n  Connect client (tenant {connect.tenant}; /connect/token with instanceId={connect.tenant})",
                  soft_wrap=True)
    console.print(f"    client_id:     {connect.client_id}\n    client_secret: {connect.client_secret}", soft_wrap=True)
    console.print(f"\n[bold]Careers page:[/bold] {settings.issuer}{demo.careers}", soft_wrap=True)
    console.print(f"\n[bold]Sign in to the recruiter console at {settings.issuer}/console as[/bold]")
    for p in demo.people:
        console.print(f"    {p.role + ':':11}{p.email}  password: {p.password}", soft_wrap=True)
    console.print()


@clients_app.command("create")
def clients_create(
    scopes: Annotated[str, typer.Option(help="Space-separated scopes the client may ask for.")],
    tenant: Annotated[int | None, typer.Option(help="The tenant; for a partner client, optional: a tenant that "
                                                   "uses the partner from now on.")] = None,
    partner: Annotated[str | None, typer.Option(help="Make a client of this partner instead.")] = None,
    name: Annotated[str, typer.Option(help="A name to recognise the client by.")] = "cli client",
    redirect_uri: Annotated[list[str] | None, typer.Option(
        "--redirect-uri", help="Repeatable: an exact URI people who authorize the client are sent back to "
        "(makes it an application people authorize, with the authorization-code grant).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a client and print its secret (shown once)."""
    with _transaction() as (session, clock):
        if partner and tenant is not None:
            identity.enable_partner(session, tenant_id=tenant, partner_code=partner, clock=clock)
        client, secret = identity.create_client(session, name=name, scopes=scopes, clock=clock,
                                                tenant_id=None if partner else tenant, partner_code=partner,
                                                token_lifetime=_settings().token_lifetime,
                                                redirect_uris=redirect_uri)
        out = {"client_id": client.client_id, "client_secret": secret, "scopes": client.scopes,
               "tenant": tenant, "partner": partner, "redirect_uris": client.redirect_uris}
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
                    kind: Annotated[str, typer.Option()] = checks.PROVIDER_KIND) -> None:
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


@clients_app.command("list")
def clients_list(tenant: Annotated[int | None, typer.Option(help="Only this tenant's clients.")] = None) -> None:
    with _transaction() as (session, _):
        for c in identity.list_clients(session, tenant_id=tenant):
            state = f"revoked {c.revoked_at:%Y-%m-%d %H:%M}" if c.revoked_at else "active"
            console.print(f"{c.client_id}\t{c.name}\t{' '.join(c.scopes)}\t{state}", soft_wrap=True)


@clients_app.command("revoke")
def clients_revoke(client_id: str) -> None:
    """No more tokens for the client; the ones it has are refused within seconds (at once with Redis)."""
    with _transaction() as (session, clock):
        identity.revoke_client(session, identity.get_client(session, client_id), clock=clock)
        _tell_servers(session, REVOKED_CLIENTS, client_id)
    console.print(f"client {client_id} revoked")


@clients_app.command("rotate")
def clients_rotate(client_id: str, as_json: JsonFlag = False) -> None:
    """A new secret for the client (shown once); the old one gets no more tokens."""
    with _transaction() as (session, _):
        secret = identity.rotate_client_secret(session, identity.get_client(session, client_id))
    typer.echo(json.dumps({"client_id": client_id, "client_secret": secret}) if as_json else secret)


@operators_app.command("list")
def operators_list() -> None:
    with _transaction() as (session, _):
        for o in identity.list_operators(session):
            state = f"revoked {o.revoked_at:%Y-%m-%d %H:%M}" if o.revoked_at else "active"
            console.print(f"{o.id}\t{o.name}\t{state}")


@operators_app.command("revoke")
def operators_revoke(operator_id: int) -> None:
    """The credential stops working (within 10 seconds in running servers, at once with Redis)."""
    with _transaction() as (session, clock):
        row = identity.revoke_operator(session, operator_id, clock=clock)
        _tell_servers(session, OPERATORS, row.secret_hash)
    console.print(f"operator credential {operator_id} revoked")


@operators_app.command("rotate")
def operators_rotate(operator_id: int, as_json: JsonFlag = False) -> None:
    """A new secret for the credential (shown once); the old one stops."""
    with _transaction() as (session, _):
        _, secret, old_hash = identity.rotate_operator(session, operator_id)
        _tell_servers(session, OPERATORS, old_hash)
    typer.echo(json.dumps({"operator_credential": secret}) if as_json else secret)


@api_tokens_app.command("list")
def api_tokens_list(tenant: Annotated[int, typer.Option()]) -> None:
    with _transaction() as (session, _):
        identity.get_tenant(session, tenant)
        for t in api_tokens.list_all(session, Caller.operator(tenant)):
            state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
            console.print(f"{t.id}\t{t.name}\t{' '.join(t.scopes)}\t{state}", soft_wrap=True)


@api_tokens_app.command("revoke")
def api_tokens_revoke(token_id: int, tenant: Annotated[int, typer.Option()]) -> None:
    with _transaction() as (session, clock):
        row = api_tokens.revoke(session, Caller.operator(tenant), token_id, clock=clock)
        _tell_servers(session, API_TOKENS, row.token_hash)
    console.print(f"API token {token_id} revoked")


@api_tokens_app.command("rotate")
def api_tokens_rotate(token_id: int, tenant: Annotated[int, typer.Option()], as_json: JsonFlag = False) -> None:
    """A new secret for the token, same endpoints (shown once); the old one stops."""
    with _transaction() as (session, _):
        _, secret, old_hash = api_tokens.rotate(session, Caller.operator(tenant), token_id)
        _tell_servers(session, API_TOKENS, old_hash)
    typer.echo(json.dumps({"id": token_id, "token": secret}) if as_json else secret)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """A new token-signing key signs from now on (running servers follow within seconds); the old ones
    still verify until the last token they signed has expired, then leave the JWKS."""
    settings = _settings()
    prepare(settings)
    db = Database(settings.resolved_database_url)
    try:
        key = identity.rotate_signing_key(db, clock=Clock(), kek=key_encryption_key(settings))
    finally:
        db.dispose()
    console.print(f"new signing key {key.kid}")


@keys_app.command("list")
def keys_list() -> None:
    """The signing keys that still verify tokens, newest (the one that signs) first."""
    settings = _settings()
    prepare(settings)
    runtime = build_runtime(settings)
    try:
        for key in runtime.tokens.verifying_keys():
            console.print(f"{key.kid}\t{key.created_at:%Y-%m-%d %H:%M:%S}")
    finally:
        runtime.db.dispose()


def main() -> None:
    """The `hireport` command: every failure is one line on stderr and a non-zero exit, never a traceback.
    Whatever any command writes (the database, documents, mail, keys) is its owner's alone."""
    os.umask(OWNER_ONLY)
    try:
        app()
    except DomainError as exc:
        errors.print(f"[red]error:[/red] {exc.message}")
        sys.exit(1)
    except OperationalError:
        errors.print("[red]error:[/red] the database could not be reached; check HIREPORT_DATABASE_URL")
        sys.exit(1)
    except SQLAlchemyError as exc:
        errors.print(f"[red]error:[/red] the database refused the change ({type(exc).__name__})")
        sys.exit(1)
    except (OSError, ValueError) as exc:
        errors.print(f"[red]error:[/red] {exc}")
        sys.exit(1)


def _tell_servers(session: Session, topic: str, key: str) -> None:
    """With HIREPORT_REDIS_URL, running servers forget what the change made stale once it is committed."""
    InvalidationBus(_settings().redis_url).publish_on_commit(session, topic, key)


@contextmanager
def _transaction() -> Iterator[tuple[Session, Clock]]:
    """A transaction on the migrated database; a domain error ends the command with its message."""
    settings = _settings()
    _print_first_operator(prepare(settings).first_operator_secret, to=errors)
    db = Database(settings.resolved_database_url)
    try:
        with db.transaction() as session:
            yield session, Clock()
    except DomainError as exc:
        errors.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(code=1) from exc
    finally:
        db.dispose()
