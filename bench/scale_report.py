"""The scale benchmark's plain-text report: headline table and per-query table."""

from __future__ import annotations

from bench.stats import median, ratio

MIB = 1024


def _fmt(value, digits: int = 2) -> str:
    """A number for the table; blank when missing."""
    if value is None:
        return ""
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def _verdict(value, target, lower_is_better: bool = True) -> str:
    """``≤ 3: met`` / ``≤ 3: MISSED (×4.1)``; blank without a target."""
    if target is None or value is None:
        return ""
    met = value <= target if lower_is_better else value >= target
    sign = "≤" if lower_is_better else "≥"
    if met:
        return f"{sign} {target}: met"
    factor = value / target if lower_is_better else target / max(value, 1e-9)
    return f"{sign} {target}: MISSED (×{factor:.1f})"


def _table(rows: list[list[str]]) -> str:
    """A markdown table with padded columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def headline(results: dict, targets: dict, target_rps: float) -> list[list[str]]:
    """Rows: measure, Concord, baseline, ratio, target."""
    b, q, h = results["builds"], results["queries"], results["http"]
    rows = [["measure", "Concord", "baseline", "Concord/baseline", "target"]]

    def pair(name, c, base, target=None, digits=2):
        rows.append([name, _fmt(c, digits), _fmt(base, digits), _fmt(ratio(c, base), 3),
                     _verdict(c, target)])

    pair("build, wall (s)", b["concord"]["seconds"], b["baseline"]["seconds"], targets.get("build_s"), 1)
    pair("build, CPU of all processes (s)", b["concord"]["cpu_s"], b["baseline"]["cpu_s"], None, 1)
    pair("build, peak RSS main process (MiB)", b["concord"]["maxrss_kb"] / MIB,
         b["baseline"]["maxrss_kb"] / MIB, None, 0)
    pair("build, peak RSS largest worker (MiB)", b["concord"]["workers_maxrss_kb"] / MIB, None, None, 0)
    for kind, label in (("warm", "warm"), ("first", "first-seen")):
        for p in ("p50", "p95", "p99"):
            pair(f"query {p}, {label}, in-process (ms)", q["concord"][kind][p], q["baseline"][kind][p])
    pair("cold start to first answer (s)", q["concord"]["cold_s"], q["baseline"]["cold_s"],
         targets.get("cold_s"), 3)
    for p in ("p50", "p95", "p99"):
        pair(f"HTTP {p}, one request at a time (ms)", h["latency"][p], None,
             targets.get(f"http_{p}_ms"))
    serving = h["memory"]["main"]["rss_kb"] / MIB
    pair("serving RSS after the HTTP run (MiB)", serving, None, targets.get("serve_mb"), 0)
    pair("peak RSS, in-process warm run (MiB)", q["concord"]["warm_rss_kb"] / MIB,
         q["baseline"]["warm_rss_kb"] / MIB, None, 0)
    for key, run in results["rps"].items():
        rows.append([f"requests/s, shipped corpus, {key.replace('_', ' ')}", _fmt(run["per_s"], 0),
                     "", "", _verdict(run["per_s"], target_rps, lower_is_better=False)])
    return rows


def per_query(results: dict) -> list[list[str]]:
    """Rows: query, warm p50 both, first-seen both, HTTP p50, totals."""
    q, h = results["queries"], results["http"]
    rows = [["query", "C warm p50", "B warm p50", "C first", "B first", "C HTTP p50", "hits C / B"]]
    first = {s: {r["name"]: r for r in q[s]["first_rows"]} for s in ("concord", "baseline")}
    base = {r["name"]: r for r in q["baseline"]["warm_rows"]}
    http = {r["name"]: r for r in h["rows"]}
    for row in q["concord"]["warm_rows"]:
        name = row["name"]
        rows.append([name, _fmt(median(row["times_ms"])), _fmt(median(base[name]["times_ms"])),
                     _fmt(first["concord"][name]["ms"]), _fmt(first["baseline"][name]["ms"]),
                     _fmt(median(http[name]["times_ms"])), f"{row['total']} / {base[name]['total']}"])
    return rows


def render(results: dict, targets: dict, target_rps: float) -> str:
    """The whole report."""
    m, c = results["machine"], results["corpus"]
    head = (f"Concord scale benchmark, {results['date']} — nproc {m['nproc']}, commit {m['commit']}, "
            f"load average {m['loadavg_start'][0]:.2f} → {m['loadavg_end'][0]:.2f}\n"
            f"corpus: {c['paragraphs']:,} paragraphs in {c['files']:,} generated resolutions (seed {c['seed']})")
    return "\n\n".join([head, _table(headline(results, targets, target_rps)), _table(per_query(results))])
