"""The `hireport` command: it answers without loading what it does not use, and every failure is one line.

The commands run in this process (`hireport.cli.run`), as `hireport` would run them; a subprocess only where a
process is the point (what an import loads, a port another process holds)."""

import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest
import typer

from hireport import cli
from hireport.models import PartnerKind, Role

HIREPORT = [sys.executable, "-m", "hireport"]


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data directory of the commands run here (not made: the commands make it), and only it: no other
    HIREPORT_* setting from the environment the tests run in."""
    for name in [n for n in os.environ if n.startswith("HIREPORT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HIREPORT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def hireport(capsys: pytest.CaptureFixture[str], data: Path):
    def run(*args: str) -> Ran:
        code = cli.run(list(args))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def _one_error_line(ran: Ran, names: str) -> str:
    lines = ran.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), ran.err
    assert names.lower() in lines[0].lower(), (names, lines[0])
    return lines[0]


# What import loads: nothing of the web app, and no password hash -----------------------------------------

LOADED = """
import io, json, sys, contextlib
import argon2
hashes = []
argon2.PasswordHasher.hash = lambda self, password, **kw: hashes.append(password)  # counts, hashes nothing
WEB = ("fastapi", "starlette", "granian")

def loaded(web=WEB):
    return sorted(m for m in sys.modules
                  if m.split(".")[0] in web or m == "hireport.app" or m.startswith("hireport.dialects"))

import hireport.cli
seen = {"import": loaded()}
with contextlib.redirect_stdout(io.StringIO()):
    for args in (["--help"], ["--version"], ["clients", "--help"], ["users", "create", "--help"]):
        assert hireport.cli.run(args) == 0, args
seen["help"] = loaded()
import hireport.services.accounts  # the module that once hashed as it was imported
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    assert hireport.cli.run(["clients", "list"]) == 0
seen["clients list"] = loaded(web=("fastapi", "granian"))  # the services use starlette's thread pool
seen["hashes"] = len(hashes)
print(json.dumps(seen))
"""


def test_the_command_line_loads_no_web_app_and_hashes_no_password(data: Path):
    done = subprocess.run([sys.executable, "-c", LOADED], env=os.environ, capture_output=True, text=True,
                          timeout=120, check=True)
    seen = json.loads(done.stdout)
    assert seen == {"import": [], "help": [], "clients list": [], "hashes": 0}, seen


# --version, and a port another process holds --------------------------------------------------------------

def test_version(hireport):
    for flag in ("--version", "-V"):
        ran = hireport(flag)
        assert (ran.code, ran.out, ran.err) == (0, f"hireport {version('hireport')}\n", "")


def test_serve_on_a_busy_port_says_so_before_it_makes_anything(data: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([*HIREPORT, "serve", "--port", str(port)], env=os.environ, capture_output=True,
                              text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    line = _one_error_line(Ran(done.returncode, done.stdout, done.stderr), f"127.0.0.1:{port} is in use")
    assert "--port" in line and "HIREPORT_PORT" in line
    assert not data.exists()


# Every command: a bad argument, a bad setting -------------------------------------------------------------

# A command line each command takes, as far as parsing goes (they are refused before they run)
GOOD = {
    "serve": [], "worker": [], "demo": ["--json"], "db upgrade": [],
    "clients create": ["--tenant", "218", "--scopes", "Public.Job.Read"], "clients list": ["--tenant", "218"],
    "clients revoke": ["some-client"], "clients rotate": ["some-client"],
    "tenants create": ["300", "--name", "Other"], "tenants list": ["--json"],
    "partners create": ["acme", "--name", "Acme ATS", "--kind", "ats"], "partners list": ["--json"],
    "operators create": ["--name", "ops"], "operators list": [], "operators revoke": ["1"], "operators rotate": ["1"],
    "api-tokens create": ["--tenant", "218"], "api-tokens list": ["--tenant", "218"],
    "api-tokens revoke": ["1", "--tenant", "218"], "api-tokens rotate": ["1", "--tenant", "218"],
    "keys rotate": [], "keys list": [],
    "users create": ["--tenant", "218", "--role", "viewer", "--email", "v@example.com"],
    "users grant": ["--email", "v@example.com", "--tenant", "218", "--role", "admin"],
    "users list": ["--tenant", "218"],
}
# A command line each command refuses, and what the refusal must name
BAD = {
    "serve": (["--port", "abc"], "--port"), "worker": (["--workers", "2"], "--workers"),
    "demo": (["--json=yes"], "--json"), "db upgrade": (["now"], "now"),
    "clients create": (["--tenant", "x", "--scopes", "Public.Job.Read"], "--tenant"),
    "clients list": (["--tenant", "abc"], "--tenant"), "clients revoke": ([], "client_id"),
    "clients rotate": (["a", "b"], "b"),
    "tenants create": (["abc", "--name", "Other"], "tenant_id"), "tenants list": (["--csv"], "--csv"),
    "partners create": (["acme", "--name", "Acme ATS", "--kind", "reseller"], "--kind"),
    "partners list": (["--kind"], "--kind"),
    "operators create": (["--name"], "--name"), "operators list": (["--json"], "--json"),
    "operators revoke": (["first"], "operator_id"), "operators rotate": ([], "operator_id"),
    "api-tokens create": ([], "--tenant"), "api-tokens list": (["--tenant", "acme"], "--tenant"),
    "api-tokens revoke": (["1"], "--tenant"), "api-tokens rotate": (["x", "--tenant", "218"], "token_id"),
    "keys rotate": (["--now"], "--now"), "keys list": (["all"], "all"),
    "users create": (["--tenant", "218", "--role", "boss", "--email", "v@example.com"], "--role"),
    "users grant": (["--email", "v@example.com", "--tenant", "218", "--role", "owner"], "--role"),
    "users list": ([], "--tenant"),
}
# Settings each command refuses, as the command line is: every kind of check, values parsed late included
BAD_SETTINGS = {
    "HIREPORT_PORT": "abc", "HIREPORT_SIGNIN_LIMIT_ACCOUNT": "x", "HIREPORT_CANDIDATE_FORM_LIMIT": "often",
    "HIREPORT_LOG_FORMAT": "xml", "HIREPORT_LOG_LEVEL": "loud", "HIREPORT_TOKEN_LIFETIME": "5",
    "HIREPORT_DATABASE_URL": "postgresql://hireport:s3cret@127.0.0.1/hireport",  # no such driver here: psycopg2
    "HIREPORT_SECRET_KEY": "too short", "HIREPORT_REDIS_URL": "http://127.0.0.1:6379",
    "HIREPORT_PUBLIC_BASE_URL": "hire.example.com", "HIREPORT_MAIL_FROM": "recruiting",
    "HIREPORT_RUN_DELIVERY_WORKER": "maybe", "HIREPORT_HEADER_TIMEOUT": "0",
}


def _commands() -> list[str]:
    """Every command `hireport` has, as it is typed ("serve", "clients list", ...)."""
    root = typer.main.get_command(cli.app)
    ctx = typer.Context(root)
    found = []
    for name in root.list_commands(ctx):
        command = root.get_command(ctx, name)
        if hasattr(command, "list_commands"):  # a group
            found += [f"{name} {sub}" for sub in command.list_commands(ctx)]
        else:
            found.append(name)
    return found


def test_every_command_is_tried():
    assert sorted(_commands()) == sorted(GOOD) == sorted(BAD)


@pytest.mark.parametrize("command", sorted(BAD))
def test_a_bad_argument_is_one_line_naming_it_and_nothing_is_made(hireport, data: Path, command: str):
    args, names = BAD[command]
    ran = hireport(*command.split(), *args)
    assert ran.code == 2 and ran.out == ""
    assert _one_error_line(ran, names).startswith(f"error: hireport {command}")
    assert not data.exists()


@pytest.mark.parametrize("command", sorted(GOOD))
def test_a_bad_setting_is_one_line_naming_it_and_nothing_is_made(hireport, data: Path, command: str,
                                                                 monkeypatch: pytest.MonkeyPatch):
    for name, value in BAD_SETTINGS.items():
        with monkeypatch.context() as setting:
            setting.setenv(name, value)
            ran = hireport(*command.split(), *GOOD[command])
        assert ran.code == 1 and ran.out == "", (name, ran)  # no operator credential, no "hireport on"
        line = _one_error_line(ran, name)
        assert "s3cret" not in line, "a URL's password is never repeated"
        assert not data.exists(), name


def test_the_usage_errors_say_what_is_taken(hireport):
    for args, says in [
        (["serve", "--port", "abc"], "error: hireport serve --port: must be an integer (got 'abc')"),
        (["serve", "--port", "0"], "error: hireport serve --port: must be at least 1 (got '0')"),
        (["users", "create", "--tenant", "1", "--role", "boss", "--email", "a@example.com"],
         f"error: hireport users create --role: 'boss' is not one of {', '.join(Role)}"),
        (["partners", "create", "acme", "--name", "Acme"],
         "error: hireport partners create: missing option '--kind'. Choose from: background_check, ats"),
        (["clients"], "error: hireport clients: missing command (its commands: create, list, revoke, rotate)"),
        (["demo", "--json", "--env"], "error: hireport demo: invalid value for --env: --json or --env, not both"),
        (["nope"], "error: hireport: no such command 'nope' (its commands: serve, worker, demo"),
    ]:
        ran = hireport(*args)
        assert ran.code == 2 and ran.err.startswith(says), (args, ran.err)


def test_the_help_names_every_role_and_the_kinds_are_the_services(hireport):
    helped = hireport("users", "create", "--help").out
    assert all(role.value in helped for role in Role)
    assert list(cli.PartnerKind) == list(PartnerKind)


# Partners, clients and tenants, listed ----------------------------------------------------------------------

@pytest.fixture
def on_database(data: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIREPORT_DATABASE_URL", database_url)


def test_partners_have_a_kind_and_clients_list_what_acts_for_a_tenant(hireport, on_database):
    assert hireport("tenants", "create", "218", "--name", "Acme").code == 0
    assert hireport("tenants", "create", "300", "--name", "Other").code == 0
    assert hireport("partners", "create", "acme-ats", "--name", "Acme ATS", "--kind", "ats").code == 0
    assert hireport("partners", "create", "bg", "--name", "BG Checks", "--kind", "background_check").code == 0
    assert json.loads(hireport("partners", "list", "--json").out) == [
        {"code": "acme-ats", "name": "Acme ATS", "kind": "ats"}, {"code": "bg", "name": "BG Checks",
                                                                  "kind": "background_check"}]
    assert hireport("partners", "list").out.splitlines()[0].split("\t") == ["acme-ats", "Acme ATS", "ats"]
    assert json.loads(hireport("tenants", "list", "--json").out) == [{"id": 218, "name": "Acme"},
                                                                     {"id": 300, "name": "Other"}]

    def client(*args: str) -> str:
        ran = hireport("clients", "create", *args, "--json")
        assert ran.code == 0, ran.err
        return str(json.loads(ran.out)["client_id"])

    own = client("--tenant", "218", "--scopes", "Public.Job.Read")
    ats = client("--partner", "acme-ats", "--tenant", "218", "--scopes", "LinkedIn.Provisioning")
    other = client("--tenant", "300", "--scopes", "Public.Job.Read")
    unused = client("--partner", "bg", "--scopes", "Public.BackgroundCheck.Read")  # no tenant uses bg
    listed = json.loads(hireport("clients", "list", "--tenant", "218", "--json").out)
    assert [(c["client_id"], c["tenant"], c["partner"]) for c in listed] == [(own, 218, None), (ats, None, "acme-ats")]
    assert [c["client_id"] for c in json.loads(hireport("clients", "list", "--json").out)] == [own, ats, other, unused]
    rows = [line.split("\t") for line in hireport("clients", "list", "--tenant", "218").out.splitlines()]
    assert [(r[0], r[2], r[4]) for r in rows] == [(own, "tenant 218", "active"), (ats, "partner acme-ats", "active")]


def test_a_refused_command_says_why_in_one_line(hireport, on_database, monkeypatch: pytest.MonkeyPatch):
    assert hireport("tenants", "create", "218", "--name", "x").code == 0
    for args in (["api-tokens", "create", "--tenant", "999"],
                 ["api-tokens", "rotate", "1", "--tenant", "999"],
                 ["clients", "create", "--tenant", "999", "--scopes", "Public.Job.Read"],
                 ["clients", "create", "--tenant", "218", "--scopes", "Not.A.Scope"],
                 ["clients", "create", "--scopes", "Public.Job.Read"],  # neither a tenant nor a partner
                 ["clients", "revoke", "no-such-client"],
                 ["clients", "rotate", "no-such-client"],
                 ["operators", "revoke", "999"],
                 ["operators", "rotate", "999"],
                 ["tenants", "create", "218", "--name", "again"],
                 ["partners", "create", "bad code!", "--name", "x", "--kind", "ats"],
                 ["users", "grant", "--email", "nobody@example.com", "--tenant", "218", "--role", "viewer"]):
        ran = hireport(*args)
        assert ran.code == 1 and ran.out == "", (args, ran)
        _one_error_line(ran, "")
    monkeypatch.setenv("HIREPORT_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    ran = hireport("tenants", "list")
    assert ran.code == 1
    assert _one_error_line(ran, "HIREPORT_DATABASE_URL") == (
        "error: the database could not be reached; check HIREPORT_DATABASE_URL")
