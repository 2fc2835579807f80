"""The `hireport` command. Every command reads the data directory from HIREPORT_DATA_DIR (./.hireport).

Each command imports what it uses when it runs: the command line itself (`--help`, `--version`) loads neither
the web app nor the database, and only `serve`, `demo` and the commands that name scopes (`clients create`,
`api-tokens create`: each dialect registers its scopes as it is imported) load the dialects.
Every failure is one `error:` line on stderr and a non-zero exit (2 for a command line that does not parse).
"""

import importlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from importlib.metadata import version
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from hireport.kit.errors import DomainError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hireport.kit.clock import Clock
    from hireport.settings import Settings

app = typer.Typer(help="hireport: a self-hosted recruitment platform.")
db_app = typer.Typer(help="Database schema.")
clients_app = typer.Typer(help="OAuth clients.")
tenants_app = typer.Typer(help="Tenants.")
partners_app = typer.Typer(help="Partners: background-check providers, and ATSs that provision apps (LinkedIn).")
operators_app = typer.Typer(help="Operator credentials for the management API.")
app.add_typer(db_app, name="db")
app.add_typer(clients_app, name="clients")
app.add_typer(tenants_app, name="tenants")
app.add_typer(partners_app, name="partners")
app.add_typer(operators_app, name="operators")
api_tokens_app = typer.Typer(help="API tokens of a tenant (Gupy-style bearer tokens).")
app.add_typer(api_tokens_app, name="api-tokens")
keys_app = typer.Typer(help="The keys that sign access tokens.")
app.add_typer(keys_app, name="keys")
users_app = typer.Typer(help="People who sign in (the recruiter console), and their role in each tenant.")
app.add_typer(users_app, name="users")

console = Console()
errors = Console(stderr=True)
OWNER_ONLY = 0o077  # the umask of every command: files 0600, directories 0700
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


class PartnerKind(StrEnum):
    """The tables' `PartnerKind`, repeated so that the command line offers the choices without loading the tables
    (a test holds the two equal)."""

    background_check = "background_check"
    ats = "ats"


class CommandError(Exception):
    """A command cannot do what it was asked; the message says why, in one line."""


def _show_version(shown: bool) -> None:
    if shown:
        typer.echo(f"hireport {version('hireport')}")
        raise typer.Exit()


@app.callback()
def _hireport(shown: Annotated[bool, typer.Option("--version", "-V", is_eager=True, callback=_show_version,
                                                  help="Print the version and exit.")] = False) -> None:
    """What comes before any command: `--version`."""


def _settings() -> "Settings":
    """Every setting, checked before a command does anything (SettingsError names the variable)."""
    from hireport.settings import from_environment

    return from_environment()


def _role(value: str) -> str:
    """A role's name, checked when the command line is parsed (the roles are the tables', loaded then)."""
    from hireport.models import Role

    if value not in set(Role):
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(Role)}")
    return value


RoleOption = Annotated[str, typer.Option(parser=_role, metavar="ROLE",
                                         help="What the person may do in the tenant: admin, recruiter or viewer.")]


def _load_scopes() -> None:
    """Make the scopes credentials may carry known: each dialect registers its own when it is imported (so a
    command that names scopes loads the dialects; the others do not)."""
    importlib.import_module("hireport.dialects")


def _show(rows: list[dict[str, Any]], as_json: bool, line: Callable[[dict[str, Any]], str]) -> None:
    """A list command's rows: as JSON, or a line each (tab-separated columns)."""
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        typer.echo(line(row))


def _print_first_operator(secret: str | None, *, to: Console = console) -> None:
    """The first operator credential, on the terminal: stdout for `serve` (whose stderr is the log), stderr
    for commands whose stdout may be `--json`."""
    if secret:
        to.print("[bold]Operator credential for the management API (shown once, stored hashed):[/bold]")
        to.print(f"  Authorization: Bearer {secret}", soft_wrap=True)


@app.command()
def serve(host: Annotated[str | None, typer.Option(help="Default: HIREPORT_HOST, else 127.0.0.1.")] = None,
          port: Annotated[int | None, typer.Option(min=1, max=65535, help="Default: HIREPORT_PORT, else 8000.")] = None,
          workers: Annotated[int, typer.Option(min=1, help="Worker processes (PostgreSQL for more than one).")] = 1,
          ) -> None:
    """Migrate the database and serve every API. Unless HIREPORT_PUBLIC_BASE_URL is set, the URL clients
    are given (token issuer, links) follows the host and port."""
    import shutil
    import tempfile

    from hireport.server import AddressUnusable, check_address, http_server, prepare

    # Every worker process reads its settings from the environment: hand them the host and port.
    for name, value in (("HIREPORT_HOST", host), ("HIREPORT_PORT", port)):
        if value is not None:
            os.environ[name] = str(value)
    settings = _settings()
    try:
        check_address(settings.host, settings.port)
    except AddressUnusable as exc:
        raise CommandError(f"{exc} (choose with --host and --port, or HIREPORT_HOST and HIREPORT_PORT)") from None
    prepared = prepare(settings)
    _print_first_operator(prepared.first_operator_secret)
    console.print(f"hireport on http://{settings.host}:{settings.port}  (data: {settings.data_dir.resolve()})")
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
    import asyncio
    import signal

    from hireport import ops
    from hireport.boot import build_runtime
    from hireport.delivery.worker import DeliveryWorker
    from hireport.server import prepare

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
    _load_scopes()
    from hireport.kit.auth import Caller
    from hireport.kit.scopes import Holder, held_by
    from hireport.services import api_tokens

    with _transaction() as (session, clock, _):
        row, secret = api_tokens.create(session, Caller.operator(tenant), name=name,
                                        scopes=endpoints or list(held_by(Holder.api_token)), clock=clock)
        out = {"id": row.id, "token": secret, "tenant": tenant, "endpoints": row.scopes}
    typer.echo(json.dumps(out, indent=2) if as_json else secret)


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
    from hireport.kit.secrets import new_secret
    from hireport.models import Role
    from hireport.services import accounts

    chosen = password or new_secret()[:20]
    with _transaction() as (session, clock, _):
        account = accounts.create(session, email=email, display_name=name or email.split("@")[0], password=chosen,
                                  clock=clock)
        accounts.add_member(session, account, tenant_id=tenant, role=Role(role), clock=clock)
        out = {"id": account.id, "email": account.email, "tenant": tenant, "role": role,
               **({} if password else {"password": chosen})}
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    console.print(f"account {out['id']}: {out['email']}, {role} of tenant {tenant}", soft_wrap=True)
    if not password:
        console.print(f"  password (shown once): {chosen}", soft_wrap=True)


@users_app.command("grant")
def users_grant(email: Annotated[str, typer.Option()], tenant: Annotated[int, typer.Option()],
                role: RoleOption) -> None:
    """Give an account a role in a tenant (or change the one it has)."""
    from hireport.models import Role
    from hireport.services import accounts

    with _transaction() as (session, clock, _):
        account = accounts.find(session, email)
        if account is None:
            raise DomainError(f"no active account has e-mail {email}")
        accounts.add_member(session, account, tenant_id=tenant, role=Role(role), clock=clock)
    console.print(f"{account.email} is {role} of tenant {tenant}")


@users_app.command("list")
def users_list(tenant: Annotated[int, typer.Option(help="The tenant whose members to list.")],
               as_json: JsonFlag = False) -> None:
    """The people of a tenant, with their roles."""
    from hireport.services import accounts

    with _transaction() as (session, _, _):
        rows = [{"id": a.id, "email": a.email, "name": a.display_name, "role": role.value}
                for a, role in accounts.members_of(session, tenant)]
    _show(rows, as_json, lambda row: f"{row['id']}\t{row['email']}\t{row['role']}\t{row['name']}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration."""
    from hireport.migrations import runner

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    runner.upgrade(settings.resolved_database_url)
    console.print("database is at the latest schema")


@app.command()
def demo(as_json: JsonFlag = False,
         as_env: Annotated[bool, typer.Option("--env", help='Print them as `export NAME=value` lines, for '
                                                            '`eval "$(hireport demo --env)"`.')] = False,
         reissue: Annotated[bool, typer.Option("--reissue", help="Issue new demo secrets (the old stop).")] = False,
         ) -> None:
    """Load demo tenant 218 (idempotent) and print its current credentials."""
    if as_json and as_env:
        raise typer.BadParameter("--json or --env, not both", param_hint="--env")
    from hireport import demo as demo_data
    from hireport.boot import build_runtime
    from hireport.server import prepare

    settings = _settings()
    first_operator = prepare(settings).first_operator_secret
    runtime = build_runtime(settings)
    try:
        demo = demo_data.credentials(runtime, settings.data_dir / "demo-credentials.json", reissue=reissue)
    finally:
        runtime.db.dispose()
    clients, gupy_token = demo.clients, demo.api_token
    if as_env:
        _print_first_operator(first_operator, to=errors)  # stdout is for the shell
        typer.echo(demo_data.as_env(demo), nl=False)
        return
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
    console.print(f"\n  LinkedIn partner {linkedin.partner}: parent app (token at /oauth/v2/accessToken; its tokens "
                  "act for the partner, no tenant)", soft_wrap=True)
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
    _load_scopes()
    from hireport.services import identity

    with _transaction() as (session, clock, settings):
        if partner and tenant is not None:
            identity.enable_partner(session, tenant_id=tenant, partner_code=partner, clock=clock)
        client, secret = identity.create_client(session, name=name, scopes=scopes, clock=clock,
                                                tenant_id=None if partner else tenant, partner_code=partner,
                                                token_lifetime=settings.token_lifetime, redirect_uris=redirect_uri)
        out = {"client_id": client.client_id, "client_secret": secret, "scopes": client.scopes,
               "tenant": tenant, "partner": partner, "redirect_uris": client.redirect_uris}
    if as_json:
        typer.echo(json.dumps(out, indent=2))
    else:
        for key, value in out.items():
            console.print(f"{key}: {' '.join(value) if isinstance(value, list) else value}")


@clients_app.command("list")
def clients_list(tenant: Annotated[int | None, typer.Option(
                     help="Only the clients that act for this tenant: its own, and those of the partners it uses.")
                 ] = None,
                 as_json: JsonFlag = False) -> None:
    """Every client: its id, name, owner (a tenant or a partner), scopes, and whether it is revoked."""
    from hireport.services import identity

    with _transaction() as (session, _, _):
        partners = {p.id: p.code for p in identity.list_partners(session)}
        rows: list[dict[str, Any]] = [{"client_id": c.client_id, "name": c.name, "tenant": c.tenant_id,
                 "partner": None if c.partner_id is None else partners[c.partner_id], "scopes": list(c.scopes),
                 "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None}
                for c in identity.list_clients(session, tenant_id=tenant)]

    def line(row: dict[str, Any]) -> str:
        owner = f"partner {row['partner']}" if row["partner"] else f"tenant {row['tenant']}"
        state = f"revoked {row['revoked_at'][:16].replace('T', ' ')}" if row["revoked_at"] else "active"
        return f"{row['client_id']}\t{row['name']}\t{owner}\t{' '.join(row['scopes'])}\t{state}"

    _show(rows, as_json, line)


@clients_app.command("revoke")
def clients_revoke(client_id: str) -> None:
    """No more tokens for the client; the ones it has are refused within seconds (at once with Redis)."""
    from hireport.kit.invalidation import REVOKED_CLIENTS
    from hireport.services import identity

    with _transaction() as (session, clock, settings):
        identity.revoke_client(session, identity.get_client(session, client_id), clock=clock)
        _tell_servers(session, settings, REVOKED_CLIENTS, client_id)
    console.print(f"client {client_id} revoked")


@clients_app.command("rotate")
def clients_rotate(client_id: str, as_json: JsonFlag = False) -> None:
    """A new secret for the client (shown once); the old one gets no more tokens."""
    from hireport.services import identity

    with _transaction() as (session, _, _):
        secret = identity.rotate_client_secret(session, identity.get_client(session, client_id))
    typer.echo(json.dumps({"client_id": client_id, "client_secret": secret}) if as_json else secret)


@tenants_app.command("create")
def tenants_create(tenant_id: int, name: Annotated[str, typer.Option()]) -> None:
    """Create a tenant."""
    from hireport.services import identity

    with _transaction() as (session, clock, _):
        identity.create_tenant(session, tenant_id=tenant_id, name=name, clock=clock)
    console.print(f"tenant {tenant_id} created")


@tenants_app.command("list")
def tenants_list(as_json: JsonFlag = False) -> None:
    """Every tenant: its id and name."""
    from hireport.services import identity

    with _transaction() as (session, _, _):
        rows = [{"id": t.id, "name": t.name} for t in identity.list_tenants(session)]
    _show(rows, as_json, lambda row: f"{row['id']}\t{row['name']}")


@partners_app.command("create")
def partners_create(code: Annotated[str, typer.Argument(help="A short code: letters, digits, '-' or '_'.")],
                    name: Annotated[str, typer.Option()],
                    kind: Annotated[PartnerKind, typer.Option(
                        help="background_check: runs background checks for the tenants that use it; ats: provisions "
                             "apps for its customers (LinkedIn).")]) -> None:
    """Create a partner."""
    from hireport.services import identity

    with _transaction() as (session, clock, _):
        identity.create_partner(session, code=code, name=name, kind=kind.value, clock=clock)
    console.print(f"partner {code} created ({kind.value})")


@partners_app.command("list")
def partners_list(as_json: JsonFlag = False) -> None:
    """Every partner: its code, name and kind."""
    from hireport.services import identity

    with _transaction() as (session, _, _):
        rows = [{"code": p.code, "name": p.name, "kind": p.kind} for p in identity.list_partners(session)]
    _show(rows, as_json, lambda row: f"{row['code']}\t{row['name']}\t{row['kind']}")


@operators_app.command("create")
def operators_create(name: Annotated[str, typer.Option()] = "operator", as_json: JsonFlag = False) -> None:
    """Create an operator credential for the management API and print it (shown once)."""
    from hireport.services import identity

    with _transaction() as (session, clock, _):
        secret = identity.create_operator_credential(session, name=name, clock=clock)
    typer.echo(json.dumps({"operator_credential": secret}) if as_json else secret)


@operators_app.command("list")
def operators_list() -> None:
    from hireport.services import identity

    with _transaction() as (session, _, _):
        for o in identity.list_operators(session):
            state = f"revoked {o.revoked_at:%Y-%m-%d %H:%M}" if o.revoked_at else "active"
            typer.echo(f"{o.id}\t{o.name}\t{state}")


@operators_app.command("revoke")
def operators_revoke(operator_id: int) -> None:
    """The credential stops working (within 10 seconds in running servers, at once with Redis)."""
    from hireport.kit.invalidation import OPERATORS
    from hireport.services import identity

    with _transaction() as (session, clock, settings):
        row = identity.revoke_operator(session, operator_id, clock=clock)
        _tell_servers(session, settings, OPERATORS, row.secret_hash)
    console.print(f"operator credential {operator_id} revoked")


@operators_app.command("rotate")
def operators_rotate(operator_id: int, as_json: JsonFlag = False) -> None:
    """A new secret for the credential (shown once); the old one stops."""
    from hireport.kit.invalidation import OPERATORS
    from hireport.services import identity

    with _transaction() as (session, _, settings):
        _, secret, old_hash = identity.rotate_operator(session, operator_id)
        _tell_servers(session, settings, OPERATORS, old_hash)
    typer.echo(json.dumps({"operator_credential": secret}) if as_json else secret)


@api_tokens_app.command("list")
def api_tokens_list(tenant: Annotated[int, typer.Option()]) -> None:
    from hireport.kit.auth import Caller
    from hireport.services import api_tokens, identity

    with _transaction() as (session, _, _):
        identity.get_tenant(session, tenant)
        for t in api_tokens.list_all(session, Caller.operator(tenant)):
            state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
            typer.echo(f"{t.id}\t{t.name}\t{' '.join(t.scopes)}\t{state}")


@api_tokens_app.command("revoke")
def api_tokens_revoke(token_id: int, tenant: Annotated[int, typer.Option()]) -> None:
    from hireport.kit.auth import Caller
    from hireport.kit.invalidation import API_TOKENS
    from hireport.services import api_tokens

    with _transaction() as (session, clock, settings):
        row = api_tokens.revoke(session, Caller.operator(tenant), token_id, clock=clock)
        _tell_servers(session, settings, API_TOKENS, row.token_hash)
    console.print(f"API token {token_id} revoked")


@api_tokens_app.command("rotate")
def api_tokens_rotate(token_id: int, tenant: Annotated[int, typer.Option()], as_json: JsonFlag = False) -> None:
    """A new secret for the token, same endpoints (shown once); the old one stops."""
    from hireport.kit.auth import Caller
    from hireport.kit.invalidation import API_TOKENS
    from hireport.services import api_tokens

    with _transaction() as (session, _, settings):
        _, secret, old_hash = api_tokens.rotate(session, Caller.operator(tenant), token_id)
        _tell_servers(session, settings, API_TOKENS, old_hash)
    typer.echo(json.dumps({"id": token_id, "token": secret}) if as_json else secret)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """A new token-signing key signs from now on (running servers follow within seconds); the old ones
    still verify until the last token they signed has expired, then leave the JWKS."""
    from hireport.kit.clock import Clock
    from hireport.kit.db import Database
    from hireport.kit.keys import key_encryption_key
    from hireport.server import prepare
    from hireport.services import identity

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
    from hireport.boot import build_runtime
    from hireport.server import prepare

    settings = _settings()
    prepare(settings)
    runtime = build_runtime(settings)
    try:
        for key in runtime.tokens.verifying_keys():
            typer.echo(f"{key.kid}\t{key.created_at:%Y-%m-%d %H:%M:%S}")
    finally:
        runtime.db.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    """The `hireport` command (`argv`: the arguments, default the process's): every failure is one `error:`
    line on stderr and a non-zero exit, never a traceback. Whatever any command writes (the database,
    documents, mail, keys) is its owner's alone."""
    os.umask(OWNER_ONLY)
    sys.exit(run(argv))


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv`; its exit status."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="hireport", standalone_mode=False)
    except typer.TyperException as exc:  # the command line does not parse (click's errors): 2
        _fail(_usage_error(exc, _named(command, sys.argv[1:] if argv is None else argv)))
        return exc.exit_code
    except typer.Abort:
        _fail("aborted")
        return 1
    except Exception as exc:
        message = _failure(exc)
        if message is None:
            raise
        _fail(message)
        return 1
    return code if isinstance(code, int) else 0


def _named(command: Any, args: Sequence[str]) -> str:
    """The command `args` name, as far as they name one ("hireport clients list")."""
    path = ["hireport"]
    for token in args:
        sub = command.get_command(typer.Context(command), token) if hasattr(command, "get_command") else None
        if sub is None:
            break
        path.append(token)
        command = sub
    return " ".join(path)


def _usage_error(exc: typer.TyperException, named: str) -> str:
    """A command line that does not parse, said in one line that names the command and the argument (the
    error's own context says which command, else `named`)."""
    from pydantic import ValidationError

    from hireport.settings import wrong_value

    ctx: Any = getattr(exc, "ctx", None)
    command: Any = ctx.command if ctx is not None else None
    where = ctx.command_path if ctx is not None else named
    param, detail = getattr(exc, "param", None), getattr(exc, "message", "")
    if param is not None and detail:  # a value the argument or option does not take
        name = param.opts[0] if param.param_type_name == "option" else (param.name or "").upper()
        checked = exc.__cause__  # typer checks a value with pydantic
        said = wrong_value(checked.errors()[0]) if isinstance(checked, ValidationError) else detail
        return f"{where} {name}: {said.removeprefix('Value error, ').rstrip('.')}"
    text = f"{where}: {_lowered(exc.format_message()).rstrip('.')}"
    if param is None and getattr(exc, "option_name", None) is None and hasattr(command, "list_commands"):
        text += f" (its commands: {', '.join(command.list_commands(ctx))})"  # a group: say what it has
    return text


def _lowered(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


def _failure(exc: Exception) -> str | None:
    """What to tell of an error that ended a command; None for one that is hireport's fault (a bug)."""
    if isinstance(exc, CommandError | OSError | ValueError):  # ValueError: a setting (SettingsError), a value
        return str(exc)
    if isinstance(exc, DomainError):
        return exc.message
    from sqlalchemy.exc import OperationalError, SQLAlchemyError  # loaded already by whatever raised one

    if isinstance(exc, OperationalError):
        return "the database could not be reached; check HIREPORT_DATABASE_URL"
    if isinstance(exc, SQLAlchemyError):
        return f"the database refused the change ({type(exc).__name__})"
    return None


def _fail(message: str) -> None:
    errors.print(Text.assemble(("error:", "red"), " ", " ".join(message.split())), soft_wrap=True)


def _tell_servers(session: "Session", settings: "Settings", topic: str, key: str) -> None:
    """With HIREPORT_REDIS_URL, running servers forget what the change made stale once it is committed."""
    from hireport.kit.invalidation import InvalidationBus

    InvalidationBus(settings.redis_url).publish_on_commit(session, topic, key)


@contextmanager
def _transaction() -> Iterator[tuple["Session", "Clock", "Settings"]]:
    """A transaction on the migrated database, with the settings (checked before anything is made)."""
    from hireport.kit.clock import Clock
    from hireport.kit.db import Database
    from hireport.server import prepare

    settings = _settings()
    _print_first_operator(prepare(settings).first_operator_secret, to=errors)
    db = Database(settings.resolved_database_url)
    try:
        with db.transaction() as session:
            yield session, Clock(), settings
    finally:
        db.dispose()
