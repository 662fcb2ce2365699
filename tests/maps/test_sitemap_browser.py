"""The site map in headless Chromium, offline: loads without errors, toggles, popups, search."""

from __future__ import annotations

import pytest

from maps.sitemap import SYNTHETIC_BANNER, save_map

pytestmark = pytest.mark.browser


def _errors(messages):
    return [m for m in messages if m[0] in ("error", "pageerror")]


def test_map_offline_toggles_popup_search(tmp_path, browser_page, artifacts_dir, site_factory, region_layers,
                                          hostile_names, labels):
    sites = site_factory(200)
    sites.loc[: len(hostile_names) - 1, "name"] = hostile_names
    path = save_map(sites, region_layers, tmp_path / "map.html", title="Offline test map", synthetic=True,
                    attributions=["Invented test layers"], labels=labels)
    page, messages, blocked = browser_page(path)
    page.wait_for_selector("body[data-siting-ready='1']", timeout=60_000)
    assert _errors(messages) == []
    assert blocked == []  # nothing even tried the network
    assert page.inner_text("#siting-synthetic-banner") == SYNTHETIC_BANNER
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".siting-fullscreen").count() == 1
    labels = page.locator("#siting-layer-control label").all_inner_texts()
    assert any("Transmission ≥ 500 kV" in t for t in labels)
    assert any("Candidate sites" in t for t in labels)
    page.screenshot(path=str(artifacts_dir / "map_sample.png"))

    # Layer toggles: unticking removes the layer from the map, ticking brings it back.
    box = page.locator("#siting-layer-control label", has_text="Substations ≥ 230 kV").locator("input")
    assert page.evaluate("window.sitingMap.map.hasLayer(window.sitingMap.overlays['Substations ≥ 230 kV'])")
    box.uncheck()
    assert not page.evaluate("window.sitingMap.map.hasLayer(window.sitingMap.overlays['Substations ≥ 230 kV'])")
    box.check()
    assert page.evaluate("window.sitingMap.map.hasLayer(window.sitingMap.overlays['Substations ≥ 230 kV'])")

    # Search a hostile name: it is found and shown as text, not run.
    page.fill("#siting-search-input", "<script>alert(1)")
    page.press("#siting-search-input", "Enter")
    popup = page.locator(".leaflet-popup-content .siting-popup-title")
    popup.wait_for(timeout=10_000)
    assert popup.inner_text() == "<script>alert(1)</script>"
    assert page.locator(".leaflet-popup-content script").count() == 0
    # A non-Latin name round-trips.
    page.fill("#siting-search-input", "数据中心")
    page.press("#siting-search-input", "Enter")
    page.wait_for_function("document.querySelector('.siting-popup-title').textContent.includes('数据中心')")
    page.wait_for_timeout(300)  # let the canvas redraw before the screenshot
    page.screenshot(path=str(artifacts_dir / "map_popup.png"))
    # Clicking a site on the canvas opens its popup with the sub-scores.
    page.fill("#siting-search-input", "Site 150")
    page.press("#siting-search-input", "Enter")
    page.wait_for_function("document.querySelector('.siting-popup-title').textContent === 'Site 150'")
    text = page.inner_text(".leaflet-popup-content")
    # labels and units as people read them (maps/labels.py), never the column names
    assert "Grid" in text and "Distance to substation" in text and " km" in text
    assert "score_grid" not in text and "distance_to_substation_km" not in text and "[km]" not in text
    assert _errors(messages) == []
