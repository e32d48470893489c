"""The scale curve: each row at every scale that has a results file, with its growth from the scale before
(the smaller data set), read from var/bench-<scale>.json. Rows are matched by name across scales, without
what the data set names in them: search terms by their kind, counts of orders as N."""

import json
import re
from pathlib import Path

from .measure import table

QUOTED = re.compile(r" '(.*)'")
ORDERS = re.compile(r"\b\d[\d,]* (orders|lines)\b")


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
    headers = ["row (median ms unless said) / data", *(_header(scale, runs) for scale in runs)]
    return "\n".join(["", "Scale curve (×: growth from the scale to its left)", table(headers, rows)])


def _figures(run: dict) -> dict[str, tuple[float, str]]:
    """(value, unit) of each row with a figure, named without what the data set put in it (search terms become
    their kind, numbers of orders N), then the data set's own figures."""
    meta = run["meta"]
    kinds = {}  # search term -> its kind, from section 1's "<surface>: <kind> '<term>'"
    figures = {}
    for row in run["results"]:
        value = _value(row)
        if value is None:
            continue
        case, match = row["case"], QUOTED.search(row["case"])
        if match and row["section"].startswith("1."):
            kinds.setdefault(match[1], case[:match.start()].split(": ", 1)[-1])
            case = case[:match.start()]
        elif match:
            case = f"{case[:match.start()]}, {kinds.get(match[1], 'term')}{case[match.end():]}"
        figures.setdefault(ORDERS.sub(r"N \1", case), value)
    if meta.get("database_bytes"):
        figures["database size"] = (meta["database_bytes"] / 2**30, "GiB")
    if meta.get("load_seconds"):
        figures["seed load"] = (meta["load_seconds"], "s")
    return figures


def _value(row: dict) -> tuple[float, str] | None:
    """A timed row's median in ms, or a row's figure in its own unit; None for a row without a number."""
    if isinstance(row["value"], dict):
        return row["value"]["median"], "ms"
    try:
        return float(str(row["value"]).rstrip("%").replace(",", "")), row["unit"] or "%"
    except ValueError:
        return None


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
