"""Charts of the site report, drawn with matplotlib and inlined as SVG.

Each function takes plain lists and dicts (what the caller computed) and returns one
``<svg>`` element as :class:`markupsafe.Markup`, so the report stays one file that opens
offline and prints as it shows. Text stays text in the SVG (searchable, selectable), ids
are prefixed per chart so several charts live in one page, and the output is
deterministic (no date, fixed hash salt). Presentation only: nothing here computes a
figure the caller did not hand over.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
import shapely
from markupsafe import Markup, escape
from matplotlib import dates as mdates
from matplotlib import ticker
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from pyproj import Geod

from maps import sitemap
from models.units import M_PER_KM

#: Okabe-Ito colours (colour-blind safe), in the order series take them.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999")
#: Colours of energy sources, the same in every chart.
SOURCE_COLORS = {
    "Gas": "#E69F00", "Solar PV": "#F0E442", "Wind": "#56B4E9", "Battery discharge": "#CC79A7", "Grid": "#0072B2",
    "Unserved": "#D55E00",
}
ACCENT, MUTED, INK = "#0072B2", "#9aa5b1", "#1d1d1f"

#: matplotlib settings of every chart: small print-sized type, text kept as text.
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "siting-report",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 8.0,
    "axes.titlesize": 9.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#666666",
    "axes.grid": False,
    "grid.color": "#e3e3e3",
    "grid.linewidth": 0.6,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "text.parse_math": False,
    "axes.formatter.useoffset": False,
    "axes.formatter.limits": (-9, 12),
}

#: Width of a chart spanning the printed page, and of one of two side by side [in].
FULL_IN, HALF_IN, THIRD_IN = 7.2, 3.5, 2.4

_GEOD = Geod(ellps="WGS84")


@contextlib.contextmanager
def _figure(width_in: float, height_in: float):
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width_in, height_in), layout="constrained")
        yield fig


def _to_svg(fig: Figure, title: str) -> Markup:
    buf = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, transparent=True,
                    bbox_inches="tight", pad_inches=0.03)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    key = "c" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8] + "-"
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{key}{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{key}{m.group(1)})", text)
    text = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{key}{m.group(1)}"', text)
    # Size by CSS (the viewBox keeps the aspect); a title for screen readers and tooltips.
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)
    text = text.replace("<svg ", f'<svg class="chart" role="img" aria-label="{escape(title)}" ', 1)
    text = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + f"<title>{escape(title)}</title>", text, count=1)
    return Markup(text)


def _finite(values: Sequence[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _money_axis(ax, axis: str = "x", unit: str = "") -> None:
    def f(v, _pos):
        return f"${v:,.0f}{unit}" if abs(v) >= 10 or v == 0 else f"${v:,.1f}{unit}"

    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(ticker.FuncFormatter(f))


def _thousands_axis(ax, axis: str = "y") -> None:
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))


# ---------------------------------------------------------------------------------------
# page 1


def score_chart(items: Sequence[tuple[str, float | None, str]], total: float | None, *, title: str,
                total_note: str = "", width_in: float = THIRD_IN) -> Markup:
    """Sub-scores (0-1) as horizontal bars under the total.

    Parameters
    ----------
    items : sequence of (label, value, note)
        Each sub-score [-] 0-1 (None: unknown) and a short note shown after it (e.g. its weight).
    total : float or None
        The total score [-] 0-1, drawn first in the accent colour.
    title : str
    total_note : str
        Shown after the total (e.g. "excluded").
    """
    labels = ["Total"] + [i[0] for i in items]
    vals = _finite([total] + [i[1] for i in items])
    notes = [total_note] + [i[2] for i in items]
    with _figure(width_in, 0.3 + 0.2 * len(labels)) as fig:
        ax = fig.subplots()
        y = np.arange(len(labels))[::-1]
        colors = [ACCENT] + [MUTED] * len(items)
        ax.barh(y, np.nan_to_num(vals), color=colors, height=0.62)
        for yi, v, n in zip(y, vals, notes):
            txt = "unknown" if not math.isfinite(v) else f"{v:.2f}"
            ax.text(min(np.nan_to_num(v), 1.0) + 0.02, yi, (txt + (f"  {n}" if n else "")), va="center", fontsize=7)
        ax.set_yticks(y, labels)
        ax.set_xlim(0, 1.55)
        ax.set_xticks([0, 0.5, 1.0])
        ax.spines["bottom"].set_bounds(0, 1)
        ax.set_title(title)
        return _to_svg(fig, title)


def stacked_bars(categories: Sequence[str], parts: Mapping[str, Sequence[float]], *, title: str, xlabel: str,
                 totals_text: Sequence[str] | None = None, highlight: str | None = None, money: bool = False,
                 colors: Mapping[str, str] | None = None, width_in: float = THIRD_IN,
                 legend_cols: int = 2) -> Markup:
    """Horizontal stacked bars, one per category (a design), parts in the given order.

    Parameters
    ----------
    categories : sequence of str
        Bar labels, top to bottom.
    parts : mapping of str to sequence of float
        Part label -> one value per category [the unit of ``xlabel``]; all-zero parts are left out.
    totals_text : sequence of str, optional
        Text after each bar (its total, formatted by the caller).
    highlight : str, optional
        A category shown in bold (the design the report recommends).
    money : bool
        Tick labels in dollars.
    colors : mapping, optional
        Colour per part (default the palette in order).
    """
    cats = list(categories)
    shown = {k: _finite(v) for k, v in parts.items() if np.nansum(np.abs(_finite(v))) > 0}
    with _figure(width_in, 0.55 + 0.26 * len(cats) + 0.13 * math.ceil(len(shown) / max(legend_cols, 1))) as fig:
        ax = fig.subplots()
        y = np.arange(len(cats))[::-1]
        left = np.zeros(len(cats))
        for i, (label, v) in enumerate(shown.items()):
            v = np.nan_to_num(v)
            c = (colors or {}).get(label, PALETTE[i % len(PALETTE)])
            ax.barh(y, v, left=left, color=c, height=0.6, label=label, edgecolor="white", linewidth=0.4)
            left = left + v
        span = float(left.max()) if len(left) and left.max() > 0 else 1.0
        if totals_text:
            for yi, x, t in zip(y, left, totals_text):
                ax.text(x + span * 0.02, yi, t, va="center", fontsize=7)
        ax.set_xlim(0, span * 1.32)
        ax.set_yticks(y, cats)
        if highlight in cats:
            ax.get_yticklabels()[cats.index(highlight)].set_fontweight("bold")
        if money:
            _money_axis(ax, "x")
        else:
            _thousands_axis(ax, "x")
        ax.xaxis.set_major_locator(ticker.MaxNLocator(4))
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        fig.legend(loc="outside lower center", ncols=legend_cols, handlelength=1.0, columnspacing=0.8,
                   handletextpad=0.4)
        return _to_svg(fig, title)


def gantt(rows: Sequence[Mapping[str, Any]], *, title: str, xlabel: str,
          markers: Sequence[tuple[float, str]] = (), width_in: float = THIRD_IN) -> Markup:
    """Steps to first power as bars from their start to their end month.

    Parameters
    ----------
    rows : sequence of dict
        ``label``, ``start`` and ``end`` [months from notice to proceed], ``critical`` (bool:
        on the critical path, drawn in the accent colour); a step with NaN months is drawn
        as "not modelled".
    markers : sequence of (month, text)
        Vertical lines (e.g. first power of another design).
    """
    with _figure(width_in, 0.55 + 0.24 * len(rows)) as fig:
        ax = fig.subplots()
        y = np.arange(len(rows))[::-1]
        ends = [0.0]
        for yi, r in zip(y, rows):
            s, e = float(r["start"]), float(r["end"])
            if not (math.isfinite(s) and math.isfinite(e)):
                ax.text(0, yi, "not modelled", va="center", fontsize=7, color="#777")
                continue
            ax.barh(yi, e - s, left=s, color=ACCENT if r.get("critical") else MUTED, height=0.6)
            ax.text(e + 0.8, yi, f"{e - s:,.0f} mo", va="center", fontsize=7)
            ends.append(e)
        hi = max(ends + [m for m, _ in markers if math.isfinite(m)])
        for m, text in markers:
            if math.isfinite(m):
                ax.axvline(m, color=INK, linestyle="--", linewidth=0.8)
                ax.text(m, len(rows) - 0.45, text, ha="center", va="bottom", fontsize=6.5)
        ax.set_ylim(-0.6, len(rows) - 0.1 + (0.45 if markers else 0))
        ax.set_xlim(0, hi * 1.18 if hi > 0 else 1)
        ax.set_yticks(y, [r["label"] for r in rows])
        ax.xaxis.set_major_locator(ticker.MultipleLocator(12 if hi > 30 else 6))
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        return _to_svg(fig, title)


# ---------------------------------------------------------------------------------------
# power


def dispatch_week(times: Sequence[str], parts: Mapping[str, Sequence[float]], load_mw: Sequence[float], *,
                  title: str, ylabel: str = "MW", width_in: float = HALF_IN, legend: bool = True) -> Markup:
    """A week of hourly dispatch: stacked sources with the load as a line, dates on the x axis.

    Parameters
    ----------
    times : sequence of str
        ISO-8601 time of each hour (start of the hour).
    parts : mapping of str to sequence of float
        Source label -> hourly MW, stacked in order; all-zero sources are left out.
    load_mw : sequence of float
        Facility load [MW] each hour.
    """
    t = np.array(times, dtype="datetime64[m]").astype("datetime64[s]").astype(object)
    shown = {k: _finite(v) for k, v in parts.items() if np.nanmax(np.abs(_finite(v)), initial=0.0) > 0}
    with _figure(width_in, 1.95) as fig:
        ax = fig.subplots()
        if shown:
            ax.stackplot(t, *[np.nan_to_num(v) for v in shown.values()], labels=list(shown),
                         colors=[SOURCE_COLORS.get(k, PALETTE[i]) for i, k in enumerate(shown)], linewidth=0)
        ax.plot(t, _finite(load_mw), color=INK, linewidth=1.1, label="Load")
        ax.set_ylim(0, max(float(np.nanmax(_finite(load_mw))), 1.0) * 1.12)
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=2))
        ax.xaxis.set_minor_locator(mdates.DayLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %-d"))
        ax.set_xlim(t[0], t[-1])
        _thousands_axis(ax, "y")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        if legend:
            fig.legend(loc="outside lower center", ncols=min(len(shown) + 1, 4), handlelength=1.0,
                       columnspacing=0.8)
        return _to_svg(fig, title)


def availability_chart(labels: Sequence[str], hours_short: Sequence[float], *, title: str,
                       value_text: Sequence[str], target_hours: float | None = None, target_text: str = "",
                       chosen: int | None = None, width_in: float = HALF_IN) -> Markup:
    """Expected hours a year the fleet falls short, for each number of spare units (log axis).

    Parameters
    ----------
    labels : sequence of str
        One per fleet (e.g. "N+1, 44 units").
    hours_short : sequence of float
        (1 - availability) x 8,760 [h/yr]; 0 is drawn at the axis floor.
    value_text : sequence of str
        Text over each bar (its availability, formatted by the caller).
    target_hours : float, optional
        The reliability target as hours short [h/yr], a dashed line.
    chosen : int, optional
        Index of the fleet the design uses (accent colour).
    """
    h = _finite(hours_short)
    pos = h[np.isfinite(h) & (h > 0)]
    floor = 10 ** math.floor(math.log10(min(pos.min(), target_hours or pos.min()))) / 10 if pos.size else 1e-3
    with _figure(width_in, 1.95) as fig:
        ax = fig.subplots()
        x = np.arange(len(labels))
        colors = [ACCENT if i == chosen else MUTED for i in range(len(labels))]
        ax.bar(x, np.where(np.isfinite(h) & (h > 0), h, floor), color=colors, width=0.62)
        ax.set_yscale("log")
        top = max(float(np.nanmax(h)) if np.isfinite(h).any() else 1.0, target_hours or 0.0)
        ax.set_ylim(floor, top * 30)
        for xi, hi, t in zip(x, h, value_text):
            ax.text(xi, (hi if np.isfinite(hi) and hi > 0 else floor) * 1.4, t, ha="center", va="bottom", fontsize=6.5)
        if target_hours:
            ax.axhline(target_hours, color=INK, linestyle="--", linewidth=0.8)
            ax.text(len(labels) - 0.5, target_hours / 1.3, target_text, ha="right", va="top", fontsize=6.5)
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(_hours_tick))
        ax.set_xticks(x, labels)
        ax.set_ylabel("hours short per year")
        ax.set_title(title)
        return _to_svg(fig, title)


def _hours_tick(v: float, _pos) -> str:
    if v >= 1:
        return f"{v:,.0f}"
    return f"{v:.{max(0, -int(math.floor(math.log10(v) + 1e-9)))}f}" if v > 0 else "0"


# ---------------------------------------------------------------------------------------
# water


def benchmark_chart(labels: Sequence[str], counts: Sequence[float], *, title: str, count_text: Sequence[str],
                    groups: Sequence[str] | None = None, width_in: float = FULL_IN) -> Markup:
    """How many of each everyday thing the site's annual water equals (log axis, one bar each).

    Parameters
    ----------
    labels : sequence of str
        What each bar counts (e.g. "US family of four for a year").
    counts : sequence of float
        How many [-].
    count_text : sequence of str
        Each count as shown (formatted by the caller).
    groups : sequence of str, optional
        The site figure each is compared with (e.g. "consumption", "withdrawal"): one colour each.
    """
    c = _finite(counts)
    groups = list(groups) if groups is not None else [""] * len(c)
    names = list(dict.fromkeys(groups))
    with _figure(width_in, 0.55 + 0.155 * len(c) + (0.15 if len(names) > 1 else 0)) as fig:
        ax = fig.subplots()
        y = np.arange(len(c))[::-1]
        colors = [PALETTE[names.index(g) % len(PALETTE)] for g in groups]
        ax.barh(y, np.where(c > 0, c, np.nan), color=colors, height=0.62)
        ax.set_xscale("log")
        lo = 10 ** math.floor(math.log10(np.nanmin(c[c > 0]))) if (c > 0).any() else 1.0
        hi = float(np.nanmax(c)) if (c > 0).any() else 10.0
        ax.set_xlim(lo / 2, hi * 30)
        for yi, v, t in zip(y, c, count_text):
            if v > 0:
                ax.text(v * 1.25, yi, t, va="center", fontsize=6.5)
        ax.set_yticks(y, labels)
        ax.xaxis.set_major_locator(ticker.LogLocator(numticks=6))
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(_count_tick))
        ax.set_xlabel("how many (log scale)")
        ax.set_title(title)
        if len(names) > 1:
            fig.legend(handles=[Patch(color=PALETTE[i], label=n) for i, n in enumerate(names)],
                       loc="outside lower center", ncols=len(names))
        return _to_svg(fig, title)


def _count_tick(v: float, _pos) -> str:
    if v >= 1e9:
        return f"{v / 1e9:g} bn"
    if v >= 1e6:
        return f"{v / 1e6:g} M"
    if v >= 1e3:
        return f"{v / 1e3:g} k"
    return f"{v:g}"


def grouped_bars(categories: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str, ylabel: str,
                 scale: float = 1.0, width_in: float = HALF_IN) -> Markup:
    """Side-by-side bars per category (e.g. water by month: consumption and withdrawal).

    ``scale`` divides every value (e.g. 1e6 for millions, named in ``ylabel``).
    """
    cats = list(categories)
    with _figure(width_in, 1.9) as fig:
        ax = fig.subplots()
        n = max(len(series), 1)
        w = 0.8 / n
        x = np.arange(len(cats))
        for i, (label, v) in enumerate(series.items()):
            ax.bar(x - 0.4 + w * (i + 0.5), np.nan_to_num(_finite(v)) / scale, width=w, label=label,
                   color=PALETTE[i % len(PALETTE)])
        ax.set_xticks(x, cats)
        _thousands_axis(ax, "y")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        fig.legend(loc="outside lower center", ncols=n)
        return _to_svg(fig, title)


# ---------------------------------------------------------------------------------------
# deal


def tornado(rows: Sequence[Mapping[str, Any]], base: float, *, title: str, xlabel: str,
            value_fmt: Callable[[float], str], width_in: float = FULL_IN) -> Markup:
    """Each driver's swing of a metric, as bars from the base case to its value at the driver's low and high.

    Parameters
    ----------
    rows : sequence of dict
        ``label`` (the driver), ``low_text`` and ``high_text`` (the driver's low and high as
        shown, written after the label), ``at_low`` and ``at_high`` (the metric there); drawn
        in the given order, top to bottom (sort them by swing first).
    base : float
        The metric in the base case (the bars start there).
    value_fmt : callable
        Formats a metric value for the axis and the bar ends.
    """
    with _figure(width_in, 0.95 + 0.22 * len(rows)) as fig:
        ax = fig.subplots()
        y = np.arange(len(rows))[::-1]
        xs = [base]
        for yi, r in zip(y, rows):
            ends = {}
            for key, color in (("at_low", PALETTE[0]), ("at_high", PALETTE[1])):
                v = r.get(key)
                if v is None or not math.isfinite(float(v)):
                    continue
                ends[key] = float(v)
                ax.barh(yi, float(v) - base, left=base, color=color, height=0.6)
                xs.append(float(v))
            if ends and all(abs(v - base) < 1e-9 for v in ends.values()):
                ax.text(base, yi, "  no effect", ha="left", va="center", fontsize=6.5, color="#555")
                continue
            # the metric at the farthest end on each side of the base
            for side in (1, -1):
                far = [v for v in ends.values() if (v - base) * side > 1e-12]
                if far:
                    v = max(far) if side > 0 else min(far)
                    ax.text(v, yi, f" {value_fmt(v)} ", ha="left" if side > 0 else "right", va="center", fontsize=6.5)
        lo, hi = min(xs), max(xs)
        pad = (hi - lo) * 0.12 or abs(base) * 0.1 or 1.0
        ax.set_xlim(lo - pad, hi + pad)
        ax.axvline(base, color=INK, linewidth=0.9)
        ax.text(base, len(rows) - 0.35, f"base case {value_fmt(base)}", ha="center", va="bottom", fontsize=7)
        ax.set_ylim(-0.6, len(rows) + 0.1)
        ax.set_yticks(y, [f"{r['label']}  ({r.get('low_text', '')} / {r.get('high_text', '')})" for r in rows])
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _p: value_fmt(v)))
        ax.xaxis.set_major_locator(ticker.MaxNLocator(8))
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        fig.legend(handles=[Patch(color=PALETTE[0], label="driver at its low (first value)"),
                            Patch(color=PALETTE[1], label="driver at its high (second value)")],
                   loc="outside lower center", ncols=2)
        return _to_svg(fig, title)


def histogram(values: Sequence[float], *, base: float, p10: float, p50: float, p90: float, title: str,
              xlabel: str, value_fmt: Callable[[float], str], width_in: float = HALF_IN, bins: int = 40) -> Markup:
    """Distribution of Monte Carlo draws with the base case and P10, P50 and P90 marked."""
    v = _finite(values)
    v = v[np.isfinite(v)]
    with _figure(width_in, 0.75 + 0.3 * 5) as fig:
        ax = fig.subplots()
        ax.hist(v, bins=bins, color=MUTED, edgecolor="white", linewidth=0.3)
        top = ax.get_ylim()[1]
        # P10 left of its line, P90 right of its line, P50 above them: the labels never overlap
        for x, text, style, y, ha in ((p10, "P10", ":", 1.0, "right"), (p50, "P50", "-", 1.12, "center"),
                                      (p90, "P90", ":", 1.0, "left")):
            ax.axvline(x, color=ACCENT, linestyle=style, linewidth=1.1)
            ax.text(x, top * y, f" {text} {value_fmt(x)} ", ha=ha, va="bottom", fontsize=6.5, color=ACCENT)
        ax.axvline(base, color=PALETTE[3], linewidth=1.1)
        ax.text(base, top * 0.55, f" base {value_fmt(base)} ", ha="left" if base >= p50 else "right", va="top",
                fontsize=6.5, color=PALETTE[3], backgroundcolor="white")
        ax.set_ylim(0, top * 1.25)
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _p: value_fmt(x)))
        ax.xaxis.set_major_locator(ticker.MaxNLocator(6))
        ax.set_xlabel(xlabel)
        ax.set_ylabel("draws")
        ax.set_title(title)
        return _to_svg(fig, title)


# ---------------------------------------------------------------------------------------
# site map

#: Static-map styles by role: (kind, edge colour, face colour, line width [pt], legend label).
MAP_STYLES = {
    "counties": ("polygon", "#9e9e9e", "#f4f4f4", 0.5, "County"),
    "nonattainment": ("polygon", "#e31a1c", "#fde0dd", 0.8, "Ozone nonattainment area"),
    "transmission": ("line", None, None, 1.0, None),
    "pipelines": ("line", "#1b7837", None, 1.1, "Gas pipeline"),
    "substations": ("point", "#000000", "#ffffff", 0.6, "Substation"),
    "plants": ("point", "#333333", None, 0.4, None),
    "datacenters": ("point", "#000000", "#00bcd4", 0.5, "Datacenter"),
}


def _fuel_families(codes) -> list[str]:
    lookup = {code: fam for fam, cs in sitemap.FUEL_FAMILIES.items() for code in cs}
    return [lookup.get(str(c).strip().upper(), "Other") if c is not None and c == c else "Other" for c in codes]


def _voltage_colors(kv: np.ndarray) -> tuple[np.ndarray, list[tuple[str, str]]]:
    out = np.full(len(kv), sitemap.UNKNOWN_VOLTAGE_COLOR, dtype=object)
    legend = []
    for label, lo, hi, color in sitemap.VOLTAGE_CLASSES:
        sel = (kv >= lo) & (kv < hi)
        out[sel] = color
        if sel.any():
            legend.append((label, color))
    if (~np.isfinite(kv)).any():
        legend.append(("Transmission, voltage unknown", sitemap.UNKNOWN_VOLTAGE_COLOR))
    return out, legend


def km_per_degree(lon_deg: float, lat_deg: float, radius_km: float) -> tuple[float, float]:
    """Ground distance of a degree of longitude and of latitude at a site [km/deg].

    Measured on the WGS84 ellipsoid over ``radius_km`` east and north of the site (pyproj's
    geodesic), the scale of the static site map.
    """
    e_lon, _, _ = _GEOD.fwd(lon_deg, lat_deg, 90.0, radius_km * M_PER_KM)
    _, n_lat, _ = _GEOD.fwd(lon_deg, lat_deg, 0.0, radius_km * M_PER_KM)
    return radius_km / (e_lon - lon_deg), radius_km / (n_lat - lat_deg)


def site_map(lon_deg: float, lat_deg: float, layers: Mapping[str, Any], *, site_name: str,
             radius_km: float = 25.0, width_in: float = HALF_IN + 0.6, height_in: float = 3.6) -> Markup:
    """Static map of the context layers within ``radius_km`` of a site, legend below the map.

    Coordinates are drawn in km east and north of the site on the WGS84 ellipsoid (a
    local equirectangular drawing: the same ground distance per unit on both axes).

    Parameters
    ----------
    lon_deg, lat_deg : float
        Site, WGS84 [deg].
    layers : mapping of str to GeoDataFrame
        Layers by role (EPSG:4326); roles of :data:`MAP_STYLES` are drawn.
    site_name : str
    radius_km : float
        Half-width of the view [km].
    """
    kx, ky = km_per_degree(lon_deg, lat_deg, radius_km)  # [km/deg]
    view = shapely.box(lon_deg - radius_km / kx, lat_deg - radius_km / ky, lon_deg + radius_km / kx,
                       lat_deg + radius_km / ky)

    def km(coords: np.ndarray) -> np.ndarray:
        return np.column_stack([(coords[:, 0] - lon_deg) * kx, (coords[:, 1] - lat_deg) * ky])

    handles = []
    title = f"Around the site ({radius_km * 2:,.0f} km across)"
    with _figure(width_in, height_in) as fig:
        ax = fig.subplots()
        ax.set_facecolor("#eef1f4")
        for role, (kind, edge, face, lw, label) in MAP_STYLES.items():
            frame = layers.get(role)
            if frame is None or "geometry" not in getattr(frame, "columns", []) or len(frame) == 0:
                continue
            geoms = frame.geometry.to_numpy()
            keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
            keep[keep] = shapely.intersects(geoms[keep], view)
            if not keep.any():
                continue
            sub = frame[keep]
            # clip to the view: what is drawn is what shows (and the page stays small)
            geoms = shapely.clip_by_rect(geoms[keep], *view.bounds) if kind != "point" else geoms[keep]
            if kind == "polygon":
                patches = []
                for g in geoms:
                    for part in shapely.get_parts(g):
                        rings = [part.exterior, *part.interiors]
                        verts = [km(np.asarray(r.coords)[:, :2]) for r in rings]
                        codes = [np.r_[MplPath.MOVETO, np.full(len(v) - 1, MplPath.LINETO)] for v in verts]
                        patches.append(PathPatch(MplPath(np.concatenate(verts), np.concatenate(codes))))
                ax.add_collection(PatchCollection(patches, facecolor=face, edgecolor=edge, linewidth=lw,
                                                  zorder=1 if role == "counties" else 2))
                handles.append(Patch(facecolor=face, edgecolor=edge, label=label))
            elif kind == "line":
                segs, colors = [], []
                if role == "transmission" and "voltage_kv" in sub.columns:
                    col, legend = _voltage_colors(np.asarray(sub["voltage_kv"].to_numpy(dtype=float, na_value=np.nan)))
                else:
                    col, legend = np.full(len(sub), edge, dtype=object), [(label, edge)]
                for g, c in zip(geoms, col):
                    for part in shapely.get_parts(g):
                        segs.append(km(np.asarray(part.coords)[:, :2]))
                        colors.append(c)
                ax.add_collection(LineCollection(segs, colors=colors, linewidths=lw, zorder=3))
                handles += [Line2D([], [], color=c, linewidth=1.5, label=lab) for lab, c in legend]
            else:
                pts = [p for g in geoms for p in shapely.get_parts(g)]
                xy = km(np.array([[p.x, p.y] for p in pts])) if pts else np.empty((0, 2))
                if role == "plants" and "energy_source" in sub.columns:
                    fams = _fuel_families(sub["energy_source"].tolist())
                    fam_of = [f for g, f in zip(geoms, fams) for _ in shapely.get_parts(g)]
                    colors = [sitemap.FUEL_COLORS.get(f, "#737373") for f in fam_of]
                    ax.scatter(xy[:, 0], xy[:, 1], s=14, c=colors, edgecolors=edge, linewidths=lw, zorder=4)
                    for fam in dict.fromkeys(fam_of):
                        handles.append(Line2D([], [], marker="o", linestyle="", markersize=4,
                                              markerfacecolor=sitemap.FUEL_COLORS.get(fam, "#737373"),
                                              markeredgecolor=edge, label=f"Power plant, {fam.lower()}"))
                else:
                    marker = "s" if role == "substations" else "D"
                    ax.scatter(xy[:, 0], xy[:, 1], s=12, marker=marker, c=face, edgecolors=edge, linewidths=lw,
                               zorder=4)
                    handles.append(Line2D([], [], marker=marker, linestyle="", markersize=4, markerfacecolor=face,
                                          markeredgecolor=edge, label=label))
        ax.scatter([0], [0], s=120, marker="*", c="#fde725", edgecolors="#000", linewidths=0.8, zorder=6)
        handles.insert(0, Line2D([], [], marker="*", linestyle="", markersize=8, markerfacecolor="#fde725",
                                 markeredgecolor="#000", label="Site"))
        ax.set_xlim(-radius_km, radius_km)
        ax.set_ylim(-radius_km, radius_km)
        ax.set_aspect("equal")
        ax.set_xlabel("km east of the site")
        ax.set_ylabel("km north of the site")
        ax.set_title(title)
        fig.legend(handles=handles, loc="outside right center", ncols=1, fontsize=6.5, handlelength=1.2)
        return _to_svg(fig, f"Map around {site_name}")
