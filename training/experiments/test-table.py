#!/usr/bin/env python3
"""Markdown table of runs tested on pooled vectors (train --test-benchmark/--test-pairs: RUN/test.json), each run's
block against the base measured in the same file (training/RESULTS.md, round 5). The base row is taken from the
first run given; a missing figure prints as '-'.
Usage: test-table.py RUNS_DIR RUN..."""
import json, os, sys

runs, names = sys.argv[1], sys.argv[2:]
COLS = [("cite-physics", "hep-th cite"), ("cite-computing", "CACM cite"), ("cite-computing-citeseer", "CiteSeer cite"),
        ("aeronautics", "Cranfield"), ("medicine", "MEDLINE"), ("information-science", "CISI"), ("computing", "CACM")]


def load(run):
    f = os.path.join(runs, run, "test.json")
    return json.load(open(f)) if os.path.exists(f) else None


def value(side, key, metric="ndcg10"):
    if side is None:
        return None
    if key == "f1max":
        return side.get("f1max", {}).get(metric)
    return side.get(key, {}).get(metric)


def cell(v, b):
    if v is None:
        return "-"
    return f"{v:.4f}" if b is None else f"{v:.4f} ({v - b:+.4f})"


def row(label, side, base):
    cells = [cell(value(side, k), value(base, k)) for k, _ in COLS]
    cells.append(cell(value(side, "cite-physics", "recall100"), value(base, "cite-physics", "recall100")))
    cells.append(cell(value(side, "f1max", "physics"), value(base, "f1max", "physics")))
    cells.append(cell(value(side, "f1max", "All"), value(base, "f1max", "All")))
    return f"| {label} | " + " | ".join(cells) + " |"


print("| run | " + " | ".join(name for _, name in COLS) + " | hep-th R@100 | F1max physics | F1max All |")
print("|---|" + "---:|" * (len(COLS) + 3))
tests = {n: load(n) for n in names}
first = next((t for t in tests.values() if t), None)
if first:
    print(row("base (identity on the same pooled vectors)", first["base"], None))
for n, t in tests.items():
    print(row(n, t["block"], t["base"]) if t else f"| {n} | " + " | ".join("-" * 1 for _ in range(len(COLS) + 3)) + " |")
