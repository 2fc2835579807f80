"""The README runs as written. Every shell block of README.md is run, in order, in one bash session against a
served demo, as documentation-testing tools do: its commands (the `hireport` CLI on the server's data directory,
curl against the server's address in place of http://127.0.0.1:8000), with `set -euo pipefail` and curl failing
on any HTTP error, so a block that errors fails the test and names itself. A block the test does not run says
why in the comment just above it (`<!-- not run: ... -->`): the two set-up commands, the benchmarks, a
PostgreSQL of your own."""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.served import Server

REPOSITORY = Path(__file__).resolve().parent.parent
README = REPOSITORY / "README.md"
DOCUMENTED = "http://127.0.0.1:8000"
# A shell block, with the reason it is not run when the line above it gives one.
BLOCK = re.compile(r"^(?:<!-- not run: (?P<why>[^\n]*?) -->\n)?```sh\n(?P<code>.*?)^```$", re.S | re.M)
PREAMBLE = 'curl() { command curl --fail-with-body --silent --show-error "$@"; }\n'


@dataclass(frozen=True)
class Block:
    line: int
    code: str
    why_not: str | None


def blocks() -> list[Block]:
    text = README.read_text()
    return [Block(text.count("\n", 0, m.start("code")) + 1, m["code"], m["why"]) for m in BLOCK.finditer(text)]


def test_every_shell_block_is_run_or_says_why_not():
    text = README.read_text()
    found = blocks()
    assert len(found) == text.count("```sh\n"), "a shell block the pattern missed"
    assert all(b.why_not is None or b.why_not.strip() for b in found)
    skipped = [b.code.strip() for b in found if b.why_not]
    assert "scripts/start" in skipped and "scripts/test" in skipped
    assert sum(b.why_not is None for b in found) >= 8, "the README's examples are run"


@pytest.mark.serve
def test_the_readme_runs_as_written(server: Server, tmp_path: Path):
    script = [PREAMBLE]
    for block in blocks():
        if block.why_not is None:
            script += [f"echo '>>> README.md line {block.line}' >&2", block.code.replace(DOCUMENTED, server.base_url)]
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(script)], cwd=REPOSITORY, env=server.env,
                          capture_output=True, text=True, timeout=300)
    failed_at = [line for line in done.stderr.splitlines() if line.startswith(">>> README.md")][-1:]
    assert done.returncode == 0, f"{failed_at}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
