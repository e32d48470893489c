"""The scale curve: each search row at every scale that has a results file, with its growth from
the scale before (the smaller data set), read from var/bench-<scale>.json."""

import json
import re
from pathlib import Path

from .measure import table

QUOTED = re.compile(r" '(.*)'")


def results_path(folder: Path, scale: str) -> Path:
    return folder / f"bench-{scale}.json"


def scale_curve(folder: Path, scales: list[str]) -> str:
    runs = {scale: json.loads(path.read_text()) for scale in scales if (path := results_path(folder, scale)).exists()}
    if not runs:
        return f"\nScale curve: no results yet in {folder} (bench-{{{','.join(scales)}}}.json)"
    columns = {scale: _figures(run) for scale, run in runs.items()}
    names = list(dict.fromkeys(name for figures in columns.values() for name in figures))
    rows = []
    for name in names:
        cells, previous = [name], None
        for figures in columns.values():
            value = figures.get(name)
            cells.append(_cell(value, previous))
            previous = value
        rows.append(cells)
    headers = ["search (median ms) / data", *(_header(scale, runs) for scale in runs)]
    return "\n".join(["", "Scale curve (×: growth from the scale to its left)", table(headers, rows)])


def _figures(run: dict) -> dict[str, tuple[float, str]]:
    """(value, unit) of each search row, named without the term (terms come from each data set),
    then the data set's own figures."""
    meta = run["meta"]
    kinds = {}  # search term -> its kind, from section 1's "<surface>: <kind> '<term>'"
    figures = {}
    for row in run["results"]:
        if not isinstance(row["value"], dict) or not _is_search(row):
            continue
        case, match = row["case"], QUOTED.search(row["case"])
        if match and row["section"].startswith("1."):
            kinds.setdefault(match[1], case[:match.start()].split(": ", 1)[-1])
            case = case[:match.start()]
        elif match:
            case = f"{case[:match.start()]}, {kinds.get(match[1], match[1])}"
        figures[case] = (row["value"]["median"], "ms")
    if meta.get("database_bytes"):
        figures["database size"] = (meta["database_bytes"] / 2**30, "GiB")
    if meta.get("load_seconds"):
        figures["seed load"] = (meta["load_seconds"], "s")
    return figures


def _is_search(row: dict) -> bool:
    return row["section"].startswith("1.") or " search " in f" {row['case']} "


def _cell(value: tuple[float, str] | None, previous: tuple[float, str] | None) -> str:
    if value is None:
        return ""
    text = f"{value[0]:.1f}" if value[1] == "ms" else f"{value[0]:.1f} {value[1]}"
    if previous and previous[0]:
        text += f" ×{value[0] / previous[0]:.1f}"
    return text


def _header(scale: str, runs: dict) -> str:
    meta = runs[scale]["meta"]
    return f"{scale} ({meta.get('when', '?')[:10]})"
