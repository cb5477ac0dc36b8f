#!/usr/bin/env python3
"""Markdown table of the citation-trained SB-MoE runs against the base (training/RESULTS.md, "Round 4").
Usage: cite-table.py RUNS_DIR BASE_RUN VARIANT... ; a run's missing evaluation prints as '-'."""
import json, os, sys

runs, base, variants = sys.argv[1], sys.argv[2], sys.argv[3:]
COLS = [("cite-physics", "hep-th cite"), ("cite-computing", "CACM cite"), ("cite-computing-citeseer", "CiteSeer cite"),
        ("aeronautics", "Cranfield"), ("medicine", "MEDLINE"), ("information-science", "CISI"), ("computing", "CACM")]

def ndcg(run, key, metric="ndcg@10"):
    f = os.path.join(runs, run, f"ndcg-{key}.json")
    return json.load(open(f))["knn"][metric] if os.path.exists(f) and os.path.getsize(f) > 0 else None

def f1(run, domain):
    f = os.path.join(runs, run, "pairs-eval.json")
    return json.load(open(f)).get(domain, {}).get("f1max") if os.path.exists(f) else None

def cell(v, b):
    if v is None:
        return "-"
    return f"{v:.4f}" if b is None or run_is_base else f"{v:.4f} ({v - b:+.4f})"

print("| run | " + " | ".join(name for _, name in COLS) + " | hep-th R@100 | F1max physics | F1max All |")
print("|---|" + "---:|" * (len(COLS) + 3))
for run in [base] + variants:
    run_is_base = run == base
    cells = [cell(ndcg(run, k), ndcg(base, k)) for k, _ in COLS]
    cells.append(cell(ndcg(run, "cite-physics", "recall@100"), ndcg(base, "cite-physics", "recall@100")))
    cells.append(cell(f1(run, "physics"), f1(base, "physics")))
    cells.append(cell(f1(run, "All"), f1(base, "All")))
    print(f"| {run} | " + " | ".join(cells) + " |")
