"""The PNG chart of a run (matplotlib, optional)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .common import LIB_ORDER
from .peak import peak_for


def render_chart(results: dict, path: Path) -> Optional[str]:
    """Horizontal bar chart of GFLOP/s per case and library, one panel per thread count.

    The FMA peak of each case's dtype and thread count is drawn as a black line
    across the case's row.  Returns a note when matplotlib is missing (the chart
    is then skipped).
    """
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib not installed: chart skipped"
    threads = [str(t) for t in results["threads"]]
    cases = results["cases"]
    libs = [l for l in LIB_ORDER if any(l in r for c in cases for r in c["runs"].values())]
    if not cases or not libs:
        return "nothing to plot"
    colors = dict(zip(LIB_ORDER, ["tab:red", "tab:gray", "tab:blue", "tab:cyan", "tab:olive", "tab:orange"]))
    nbars = max(len([l for l in libs if c["runs"].get(t, {}).get(l, {}).get("gflops")])
                for c in cases for t in threads) or 1
    height = 1.5 + 0.12 * len(cases) * (nbars + 1)
    fig, axes = plt.subplots(1, len(threads), figsize=(6.5 * len(threads), height), sharey=True, squeeze=False)
    labelled: set[str] = set()
    for ax, t in zip(axes[0], threads):
        for i, c in enumerate(cases):
            present = [(l, c["runs"].get(t, {}).get(l, {}).get("gflops")) for l in libs]
            present = [(l, g) for l, g in present if g]
            h = 0.8 / max(1, len(present))
            for j, (lib, g) in enumerate(present):
                ax.barh(i - 0.4 + (j + 0.5) * h, g, height=h * 0.95, color=colors[lib],
                        label=lib if lib not in labelled else None)
                labelled.add(lib)
            pk = peak_for(results, c["dtype"], int(t))
            if pk:
                ax.vlines(pk, i - 0.45, i + 0.45, color="k", linewidth=1.5,
                          label="FMA peak (case dtype)" if "peak" not in labelled else None)
                labelled.add("peak")
        ax.set_xscale("log")
        ax.set_title(f"{t} thread(s)")
        ax.set_xlabel("GFLOP/s (log scale)")
        ax.grid(axis="x", which="both", alpha=0.3)
    axes[0][0].set_yticks(range(len(cases)))
    axes[0][0].set_yticklabels([c["name"] for c in cases], fontsize=7)
    axes[0][0].set_ylim(len(cases) - 0.5, -0.5)
    handles, labels = [], []
    for ax in axes[0]:
        for hdl, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(hdl)
                labels.append(lab)
    order = {n: k for k, n in enumerate((*LIB_ORDER, "FMA peak (case dtype)"))}
    handles, labels = zip(*sorted(zip(handles, labels), key=lambda hl: order.get(hl[1], 99)))
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8)
    fig.suptitle(f"fastconv {results['mode']} benchmark, {results['machine']['cpu_model']}, {results['date']}")
    fig.tight_layout(rect=(0, 0.45 / height, 1, 1 - 0.5 / height))  # room for the legend and the title
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return None
