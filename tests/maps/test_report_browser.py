"""The report in headless Chromium: opens offline without errors, prints to a PDF of several pages."""

from __future__ import annotations

import re

import pytest

from maps.report import render_report

pytestmark = pytest.mark.browser


def _pdf_pages(data: bytes) -> int:
    """Page objects in a PDF (Chromium writes page dictionaries uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


@pytest.fixture
def report_dict(region_layers, site_factory):
    from maps.sitemap import render_map
    from siting.scenario import Scenario, assumption_rows

    return {
        "title": "Browser report",
        "synthetic": True,
        "site": {"name": "Ελληνικά 数据中心", "latitude_deg": 36.07, "longitude_deg": -79.8},
        "summary": {"score_total": 0.5, "rank": 1, "n_sites": 10},
        "map": {"layers": region_layers, "interactive_html": render_map(site_factory(10), region_layers,
                                                                        title="m", synthetic=True)},
        "deal": {"name": "deal", "metrics": {"equity_irr_frac": 0.12},
                 "cash_flows": [{"operating_year": y, "equity_cash_flow_usd": 1e6 * (y - 3),
                                 "project_cash_flow_usd": 2e6 * (y - 3)} for y in range(10)]},
        "scenario": assumption_rows(Scenario()),
    }


def test_report_offline_and_interactive_map(tmp_path, browser_page, artifacts_dir, report_dict):
    path = render_report(report_dict, tmp_path / "report.html")
    page, messages, blocked = browser_page(path, viewport=(1000, 1400))
    page.wait_for_load_state("load")
    assert page.locator("#summary .tile").count() == 6
    assert page.locator("#site-map svg").count() == 1
    # Open the interactive map: it initialises inside the sandboxed iframe without errors.
    page.locator("#site-map details summary").click()
    frame = page.frame_locator("iframe.interactive-map")
    frame.locator("body[data-siting-ready='1']").wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    assert [m for m in messages if m[0] in ("error", "pageerror")] == []
    assert blocked == []
    page.screenshot(path=str(artifacts_dir / "report_top.png"))


def test_report_pdf(tmp_path, chromium, report_dict, artifacts_dir):
    html = render_report(report_dict, tmp_path / "report.html", pdf=True)
    pdf = html.with_suffix(".pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    n = _pdf_pages(data)
    # Summary + map + power/emissions/water, then the deal and the sources/assumptions each start a page.
    assert n >= 3
    assert re.search(rb"/Count\s+" + str(n).encode(), data)  # the page tree agrees
    (artifacts_dir / "report_sample.pdf").write_bytes(data)
