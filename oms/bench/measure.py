"""Timing and reporting: medians with min-max over repeats, a plain-text table, a JSON file."""

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction


@dataclass(frozen=True)
class Stats:
    median: float
    low: float
    high: float
    repeats: int
    cpu: float | None = None  # median CPU time of this process per call, ms: steadier than the clock on a busy machine

    def __str__(self) -> str:
        return f"{self.median:.1f} [{self.low:.1f}–{self.high:.1f}]"


def stats(samples: list[float], cpu: list[float] | None = None) -> Stats:
    return Stats(statistics.median(samples), min(samples), max(samples), len(samples),
                 statistics.median(cpu) if cpu else None)


def time_ms(call: Callable[[], object], *, repeats: int, warmup: int = 1) -> Stats:
    """Run ``call`` warmup times untimed, then ``repeats`` times; milliseconds per call, by the clock and in
    this process's CPU time (which other work on the machine barely moves; the database's is not in it)."""
    for _ in range(warmup):
        call()
    samples, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return stats(samples, cpu)


@dataclass
class Row:
    """One measured line of the report."""

    section: str
    case: str
    value: Stats | float | str
    unit: str = "ms"
    target: str = ""
    met: bool | None = None
    extra: dict = field(default_factory=dict)

    def as_cells(self) -> list[str]:
        met = {True: "yes", False: "MISSED", None: ""}[self.met]
        details = ", ".join(f"{key} {value}" for key, value in self.extra.items())
        return [self.case, f"{self.value} {self.unit}".strip(), self.target, met, details]



class _RolledBack(Exception):
    pass


def rolled_back(call: Callable[[], object]) -> None:
    """Run ``call`` in a transaction that is then rolled back: a write timed again and again on the same rows."""
    try:
        with transaction.atomic():
            call()
            raise _RolledBack
    except _RolledBack:
        pass


def within(value: Stats | float, limit: float) -> bool:
    return (value.median if isinstance(value, Stats) else value) <= limit


def at_least(value: Stats | float, limit: float) -> bool:
    return (value.median if isinstance(value, Stats) else value) >= limit


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    line = "  ".join(f"{{:<{width}}}" for width in widths)
    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line.format(*headers), rule, *(line.format(*map(str, row)) for row in rows)])


def report(rows: list[Row], header: str) -> str:
    parts = [header]
    for section in dict.fromkeys(row.section for row in rows):
        cells = [row.as_cells() for row in rows if row.section == section]
        parts += ["", section, table(["case", "result", "target", "met", "details"], cells)]
    return "\n".join(parts)


def write_json(path: Path, rows: list[Row], meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"meta": meta, "results": [_jsonable(row) for row in rows]}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")


def _jsonable(row: Row) -> dict:
    data = asdict(row)
    if isinstance(row.value, Stats):
        data["value"] = asdict(row.value)
    return data
