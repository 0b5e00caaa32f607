"""Render benchmark results as readable plain-text tables (bench/run.py prints them)."""

from __future__ import annotations

import sys
import time

_STARTED = time.perf_counter()


def step(message: str) -> None:
    """Progress on stderr, with seconds since the run began (stdout stays the report)."""
    print(f"[{time.perf_counter() - _STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown-compatible table with columns padded to width."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def num(value, digits: int = 1, suffix: str = "") -> str:
    """A number for a table cell; an en dash when missing."""
    if value is None:
        return "–"
    return f"{value:.{digits}f}{suffix}"


def mib(kib: int | None) -> str:
    """KiB as MiB for a table cell."""
    return "–" if kib is None else f"{kib / 1024:.0f} MiB"


def _met(target: dict) -> str:
    return "met" if target["met"] else "MISSED"


def headline(results: dict) -> str:
    """The summary table: one row per measurement, both systems, ratio, target."""
    warm, cold = results["warm"], results["cold"]
    builds, ratios, targets = results["builds"]["median_s"], results["ratios"], results["targets"]
    pooled = {s: warm[s]["pooled_ms"] or {} for s in ("concord", "baseline")}
    cpu = {s: warm[s]["pooled_cpu_ms"] or {} for s in ("concord", "baseline")}
    c_cold, b_cold = cold["concord"]["median"], cold["baseline"]["median"]
    rows = [
        ["query p50, warm (ms)", num(pooled["concord"].get("p50"), 2),
         num(pooled["baseline"].get("p50"), 2), num(ratios["query_p50"], 3),
         f"< 10 ms: {_met(targets['query_p50_ms'])}"],
        ["query p95, warm (ms)", num(pooled["concord"].get("p95"), 2),
         num(pooled["baseline"].get("p95"), 2), num(ratios["query_p95"], 3), ""],
        ["query p50, CPU time (ms)", num(cpu["concord"].get("p50"), 2),
         num(cpu["baseline"].get("p50"), 2), num(ratios["query_cpu_p50"], 3), ""],
        ["index build, median (s)", num(builds["concord"], 2), num(builds["baseline"], 2),
         num(ratios["build"], 3), ""],
        ["  of which parsing (s)", "", num(builds["baseline_parse"], 2), "", "same parser"],
        ["cold start to first answer (s)", num(c_cold["wall_s"], 3), num(b_cold["wall_s"], 3),
         num(ratios["cold_start"], 3), f"< 1 s: {_met(targets['cold_start_s'])}"],
        ["  python start (s)", num(c_cold["python_start_s"], 3),
         num(b_cold["python_start_s"], 3), "", ""],
        ["  imports (s)", num(c_cold["import_s"], 3), num(b_cold["import_s"], 3), "", ""],
        ["  dictionary load (s)", num(c_cold["dictionary_s"], 3),
         num(b_cold["dictionary_s"], 3), "", ""],
        ["  open index + first query (s)", num(c_cold["first_query_s"], 3),
         num(b_cold["first_query_s"], 3), "", ""],
        ["  CPU time to first answer (s)", num(c_cold["cpu_s"], 3), num(b_cold["cpu_s"], 3),
         "", ""],
        ["peak RSS, warm run", mib(warm["concord"]["maxrss_kb"]),
         mib(warm["baseline"]["maxrss_kb"]), num(ratios["warm_rss"], 2), ""],
        ["peak RSS, cold start", mib(cold["concord"]["maxrss_kb"]),
         mib(cold["baseline"]["maxrss_kb"]), "", ""],
    ]
    return table(["measure", "Concord", "baseline", "Concord/baseline", "target"], rows)


def per_query(results: dict) -> str:
    """Per-query medians and hit counts of both systems."""
    baseline = {row["name"]: row for row in results["warm"]["baseline"]["queries"]}
    rows = []
    for row in results["warm"]["concord"]["queries"]:
        other = baseline.get(row["name"], {})
        mine, theirs = row.get("summary") or {}, other.get("summary") or {}
        rows.append([
            row["name"], num(mine.get("p50"), 2), num(mine.get("p95"), 2),
            num(theirs.get("p50"), 2), num(theirs.get("p95"), 2),
            f"{_hits(row)} / {_hits(other)}",
        ])
    return table(["query", "Concord p50", "Concord p95", "baseline p50", "baseline p95",
                  "hits C / B"], rows)


def _hits(row: dict) -> str:
    if row.get("error"):
        return "ERROR"
    return "–" if row.get("total") is None else str(row["total"])


def errors(results: dict) -> list[str]:
    """One line per query that failed in either system."""
    return [f"{system}: {row['name']}: {row['error']}"
            for system in ("concord", "baseline")
            for row in results["warm"][system]["queries"] if row["error"]]


def render(results: dict) -> str:
    """The whole report: context line, headline table, per-query table, failures, profile."""
    m, s = results["machine"], results["settings"]
    samples = (results["warm"]["concord"]["pooled_ms"] or {}).get("n", 0)
    parts = [
        f"Concord benchmark, {results['date']} — nproc {m['nproc']}, Python {m['python']}, "
        f"commit {m['commit']}, load average {m['loadavg_start'][0]:.2f} → "
        f"{m['loadavg_end'][0]:.2f}",
        f"{results['mix_size']} queries, {s['warmup']} warm-up + up to {s['repeat']} timed rounds "
        f"({samples} Concord samples); builds x{s['builds']}; cold starts x{s['cold']}; "
        f"run took {results['elapsed_s']:.0f} s",
        "", headline(results), "", per_query(results),
    ]
    failed = errors(results)
    if failed:
        parts += ["", "FAILED QUERIES:", *failed]
    if "profile" in results:
        parts += ["", "Concord profile of one round of the mix (cumulative; own time in the JSON):",
                  results["profile"]["cumulative"].strip()]
    if "cold_profile" in results:
        parts += ["", "Concord profile of one cold start (cumulative; own time in the JSON):",
                  results["cold_profile"]["cumulative"].strip()]
    return "\n".join(parts)
