"""The fuzzer's answers per operation, printed at the end of the run (`pytest_terminal_summary` in
tests/conftest.py). tests/test_fuzz.py records them with `record_property`, which reaches the report of its
test on the controller under xdist too (where a test's own prints are swallowed)."""

import pytest

TALLY = "fuzz_answers"


def print_table(terminal: pytest.TerminalReporter) -> None:
    """One row per operation: its 2xx answers of all its answers, per database; then the server errors."""
    runs = [value for reports in terminal.stats.values() for report in reports
            if isinstance(report, pytest.TestReport) and report.when == "call"
            for name, value in report.user_properties if name == TALLY]
    if not runs:
        return
    backends = sorted({run["backend"] for run in runs})
    rows: dict[str, dict[str, list[int]]] = {}
    for run in sorted(runs, key=lambda r: str(r["docs"])):
        for label, statuses in run["answers"].items():
            rows.setdefault(label, {})[run["backend"]] = statuses
    width = max(len(label) for label in rows)
    terminal.write_sep("=", "fuzzer: 2xx answers / all answers, per operation")
    terminal.write_line(f"{'operation':<{width}}  " + "  ".join(f"{b:>10}" for b in backends))
    for label, cells in rows.items():
        shown = [f"{sum(200 <= s < 300 for s in cells[b])}/{len(cells[b])}" if b in cells else "-" for b in backends]
        terminal.write_line(f"{label:<{width}}  " + "  ".join(f"{cell:>10}" for cell in shown))
    errors = {b: sum(s >= 500 for cells in rows.values() for s in cells.get(b, [])) for b in backends}
    terminal.write_line(f"{len(rows)} operations; server errors (5xx): "
                        + ", ".join(f"{b} {n}" for b, n in errors.items()))
