"""The report as a person sees it, in headless Chromium: on screen at three widths and printed to PDF.

Checked on the page: nothing sticks out of the viewport, no table header is narrower than its
longest word, no snake_case name in the body (only the appendix shows raw names), it opens
offline without errors. Checked on the PDF: the body prints to at most six Letter pages before
the appendix, page 1 is the executive summary. Screenshots of the page and of the PDF's pages
are saved in tests/artifacts/ (git-ignored), with the page load time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import unicodedata

import pytest

from maps.labels import SNAKE_CASE
from maps.report import render_report

pytestmark = pytest.mark.browser

#: Screen widths a person opens the report at: a laptop, a tablet, a phone [CSS px].
WIDTHS = (1280, 800, 390)
#: Letter paper (8.5 in) less the report's 11 mm print margins, at 96 CSS px per inch [CSS px].
PRINT_WIDTH_PX = round((8.5 - 2 * 11 / 25.4) * 96)
#: Pages the body may print to before the appendix (issue 15, "Done when").
MAX_BODY_PAGES = 6

#: Elements whose box reaches outside the viewport (SVG children are clipped by their svg; a
#: table inside a horizontal scroll box is checked as the box).
JS_OUTSIDE = """() => {
  const W = document.documentElement.clientWidth; const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    if (el.parentElement && el.parentElement.closest('.scroll-x')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > W + 1 || r.left < -1) out.push(`${el.tagName}.${el.className} [${Math.round(r.left)}, ${Math.round(r.right)}] > ${W}`);
  }
  return {width: W, scrollWidth: document.documentElement.scrollWidth, outside: out};
}"""
#: Words of table headers broken across lines or wider than their cell.
JS_HEADER_WORDS = """() => {
  const bad = [];
  for (const th of document.querySelectorAll('th')) {
    const cs = getComputedStyle(th);
    const inner = th.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const re = /\\S+/g; let m;
      while ((m = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        const lines = Array.from(range.getClientRects()).filter(r => r.width > 0).length;
        const w = range.getBoundingClientRect().width;
        if (lines > 1 || w > inner + 0.5) bad.push(`${m[0]}: ${lines} lines, ${w.toFixed(1)} px in ${inner.toFixed(1)} px`);
      }
    }
  }
  return bad;
}"""
#: Text of the report body (everything before the appendix), charts included.
JS_BODY_TEXT = """() => {
  const main = document.querySelector('main');
  let t = main.innerText;
  for (const s of main.querySelectorAll('svg')) t += '\\n' + s.textContent;
  return t;
}"""
JS_LOAD_MS = "() => performance.getEntriesByType('navigation')[0].loadEventEnd"


def _pdf_text_pages(pdf) -> list[str]:
    """Text of each page (NFKC: the printed "ﬁ" ligature reads as "fi")."""
    from pypdf import PdfReader

    return [unicodedata.normalize("NFKC", p.extract_text() or "") for p in PdfReader(str(pdf)).pages]


def _appendix_page(pages: list[str]) -> int:
    """1-based page where the appendix heading is."""
    return next(i for i, t in enumerate(pages, 1) if any(line.strip() == "Appendix" for line in t.splitlines()))


def _pdf_to_pngs(pdf, prefix, artifacts_dir, *, last: int) -> list:
    """Pages 1..last of a PDF as PNG files in the artifacts folder (poppler's pdftoppm)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        if os.environ.get("SITING_REQUIRE_BROWSER") == "1":
            pytest.fail("pdftoppm not found; .ci/run installs Debian's poppler-utils")
        return []
    subprocess.run([exe, "-r", "80", "-png", "-f", "1", "-l", str(last), str(pdf), str(artifacts_dir / prefix)],
                   check=True, capture_output=True, timeout=120)
    return sorted(artifacts_dir.glob(f"{prefix}-*.png"))


def _check_as_seen(browser_page, html_path, artifacts_dir, name: str) -> dict:
    """Open a report at every width of :data:`WIDTHS` and in print layout; return the load times [ms]."""
    load_ms = {}
    for width in WIDTHS:
        page, messages, blocked = browser_page(html_path, viewport=(width, 1000))
        page.wait_for_load_state("load")
        load_ms[width] = page.evaluate(JS_LOAD_MS)
        box = page.evaluate(JS_OUTSIDE)
        assert box["outside"] == [] and box["scrollWidth"] <= box["width"], (width, box)
        assert page.evaluate(JS_HEADER_WORDS) == [], width
        assert SNAKE_CASE.findall(page.evaluate(JS_BODY_TEXT)) == [], width
        assert [m for m in messages if m[0] in ("error", "pageerror")] == [] and blocked == []
        page.screenshot(path=str(artifacts_dir / f"{name}_{width}px.png"), full_page=True)
        if width == WIDTHS[0]:
            page.locator("#summary").screenshot(path=str(artifacts_dir / f"{name}_summary.png"))
    page, _, _ = browser_page(html_path, viewport=(PRINT_WIDTH_PX, 1000))
    page.emulate_media(media="print")
    box = page.evaluate(JS_OUTSIDE)
    assert box["outside"] == [], box
    assert page.evaluate(JS_HEADER_WORDS) == []
    return load_ms


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory, chromium):
    """The report of a sample-region site, with its site's deal, written to HTML and PDF once."""
    from siting.scenario import Scenario
    from siting.site_report import build_site_report, write_site_report

    out = tmp_path_factory.mktemp("report") / "sample.html"
    report = build_site_report(36.05, -79.85, Scenario(it_load_mw=200.0), deal_draws=300)
    t0 = time.perf_counter()
    write_site_report(report, out, pdf=True)
    return out, time.perf_counter() - t0


def test_sample_report_as_seen(sample_report, browser_page, artifacts_dir):
    html_path, render_s = sample_report
    load_ms = _check_as_seen(browser_page, html_path, artifacts_dir, "report_sample")
    (artifacts_dir / "report_sample_timings.json").write_text(json.dumps(
        {"render_and_print_s": render_s, "page_load_ms": load_ms}, indent=2), encoding="utf-8")
    assert max(load_ms.values()) < 10_000  # a static page: no script, inline charts


def test_sample_report_pdf(sample_report, artifacts_dir):
    pdf = sample_report[0].with_suffix(".pdf")
    pages = _pdf_text_pages(pdf)
    appendix = _appendix_page(pages)
    assert appendix - 1 <= MAX_BODY_PAGES, [p[:60] for p in pages]
    assert "Executive summary" in pages[0] and "three risks" in pages[0]
    assert "Appendix" not in "".join(pages[:appendix - 1])
    assert SNAKE_CASE.findall("\n".join(pages[:appendix - 1])) == []
    assert _pdf_to_pngs(pdf, "report_sample_pdf", artifacts_dir, last=appendix) or shutil.which("pdftoppm") is None


def test_report_offline_and_interactive_map(tmp_path, browser_page, artifacts_dir, region_layers, site_factory):
    from maps.sitemap import render_map
    from siting.scenario import Scenario, assumption_rows

    report = {
        "title": "Browser report",
        "synthetic": True,
        "site": {"name": "Ελληνικά 数据中心", "latitude_deg": 36.07, "longitude_deg": -79.8},
        "summary": {"score_total": 0.5, "rank": 1, "n_sites": 10},
        "map": {"layers": region_layers, "interactive_html": render_map(site_factory(10), region_layers,
                                                                        title="m", synthetic=True)},
        "scenario": assumption_rows(Scenario()),
    }
    path = render_report(report, tmp_path / "report.html")
    page, messages, blocked = browser_page(path, viewport=(1000, 1400))
    page.wait_for_load_state("load")
    assert page.locator("#site-map svg").count() == 1
    # Open the interactive map: it initialises inside the sandboxed iframe without errors.
    page.locator("#site-map details summary").click()
    frame = page.frame_locator("iframe.interactive-map")
    frame.locator("body[data-siting-ready='1']").wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    assert [m for m in messages if m[0] in ("error", "pageerror")] == []
    assert blocked == []
    page.screenshot(path=str(artifacts_dir / "report_top.png"))


@pytest.mark.shared_data
@pytest.mark.slow
def test_abilene_report_prints_to_six_pages_plus_the_appendix(shared_data, tmp_path, browser_page, artifacts_dir,
                                                               capsys):
    """Abilene TX at 1,200 MW of IT on the real layers: page 1 answers build or not, how fast, at what cost, with
    what water; the body prints to at most six pages before the appendix."""
    from siting.cli import main

    layers = tmp_path / "layers.toml"
    assert main(["-q", "data", "scan", str(shared_data), "--out", str(layers)]) == 0
    out = tmp_path / "abilene.html"
    t0 = time.perf_counter()
    assert main(["-q", "report", "--lat", "32.45", "--lon", "-99.74", "--it-mw", "1200", "--layers", str(layers),
                 "--out", str(out), "--pdf"]) == 0
    run_s = time.perf_counter() - t0
    capsys.readouterr()
    pages = _pdf_text_pages(out.with_suffix(".pdf"))
    appendix = _appendix_page(pages)
    assert appendix - 1 <= MAX_BODY_PAGES, len(pages)
    first = pages[0]
    # should we build here (the verdict), how fast, at what cost, with what water; and the deal
    # three serious risks (water high concern, a fleet larger than its pipeline already feeds, gas after the grid)
    assert "Build only if the serious risks are resolved" in first
    for words in ("Time to first power", "months", "Delivered cost of power", "/MWh", "Cooling water consumed",
                  "gal/yr", "three risks", "equity IRR"):
        assert words in first, words
    html = out.read_text(encoding="utf-8")
    summary = html[html.index('<section id="summary"'):html.index('<section id="power"')]
    assert summary.count("<svg") == 4  # score, cost stack, time-to-power chain, water in everyday terms
    load_ms = _check_as_seen(browser_page, out, artifacts_dir, "report_abilene")
    _pdf_to_pngs(out.with_suffix(".pdf"), "report_abilene_pdf", artifacts_dir, last=len(pages))
    (artifacts_dir / "report_abilene_timings.json").write_text(json.dumps(
        {"siting_report_with_pdf_s": run_s, "page_load_ms": load_ms, "pdf_pages": len(pages),
         "body_pages": appendix - 1}, indent=2), encoding="utf-8")
