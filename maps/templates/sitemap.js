/* Site map behaviour: score surface, context layers, candidate sites on one canvas, popups,
 * search, fullscreen, the layer control and the collapsible legend. Reads its data from the
 * JSON element #siting-map-data (written by maps/sitemap.py). Every string from the data
 * goes into the page through textContent (links through setAttribute after the page
 * checked them), never innerHTML, so hostile names stay text. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("siting-map-data").textContent);
  var map = window[cfg.map_name];
  var renderer = L.canvas({ padding: 0.5 });
  var overlays = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function table(title, rows) {
    var box = el("div", "siting-popup");
    box.appendChild(el("div", "siting-popup-title", title));
    var t = el("table");
    rows.forEach(function (r) {
      if (r[1] === null || r[1] === undefined || r[1] === "") { return; }
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
      t.appendChild(tr);
    });
    box.appendChild(t);
    return box;
  }

  /* ---- web basemap (optional): the plain background stays underneath when it cannot load ---- */
  if (cfg.tiles) {
    var warned = false;
    map.eachLayer(function (lyr) {
      if (lyr instanceof L.TileLayer) {
        lyr.on("tileerror", function () {
          if (warned) { return; }
          warned = true;
          document.getElementById("siting-offline-note").hidden = false;
        });
      }
    });
  }

  /* ---- score surface: an image under everything else ---- */
  if (cfg.surface) {
    var surf = L.imageOverlay(cfg.surface.url, cfg.surface.bounds,
                              { opacity: 0.75, interactive: false, className: "siting-surface" });
    if (cfg.surface_visible) { surf.addTo(map); }
    overlays[cfg.surface.label] = surf;
    surf.siting_id = "surface";
  }

  /* ---- context layers ---- */
  cfg.layers.forEach(function (layer) {
    var styles = layer.styles;
    function styleOf(f) { return styles[f.properties._s] || styles[0]; }
    var gj = L.geoJSON(layer.geojson, {
      style: function (f) { var s = styleOf(f); s.renderer = renderer; return s; },
      pointToLayer: function (f, latlng) {
        var s = styleOf(f);
        s.renderer = renderer;
        s.radius = f.properties._r || s.radius || 4;
        return L.circleMarker(latlng, s);
      },
      onEachFeature: function (f, lyr) {
        lyr.bindTooltip(function () {
          var p = f.properties;
          return table(layer.label, layer.fields.map(function (fld, i) { return [fld, p._t[i]]; }));
        }, { sticky: true });
      }
    });
    overlays[layer.label] = gj;
    gj.siting_id = layer.id;
    /* shaded polygons would tint the score surface: they start hidden under it */
    if (layer.visible && !(cfg.surface_visible && layer.id === "counties")) { gj.addTo(map); }
  });

  /* ---- candidate sites ---- */
  var s = cfg.sites;
  var siteLayer = L.featureGroup();
  var markers = new Array(s.lat.length);
  function sitePopup(i) {
    var rows = s.fields.map(function (fld, j) { return [fld, s.values[i][j]]; });
    var box = table(s.name[i], rows);
    if (s.explain && s.explain[i]) {
      box.appendChild(el("div", "siting-popup-explain", s.explain[i]));
    }
    if (s.link && s.link[i]) {
      var a = el("a", "siting-popup-link", "Open the site report");
      a.setAttribute("href", s.link[i]);
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener");
      box.appendChild(a);
    }
    return box;
  }
  /* A popup pans clear of the header (top left) and of the layer list and legend (right). */
  function panPadding() {
    var head = document.getElementById("siting-header").getBoundingClientRect();
    var right = 20;
    ["siting-layer-control", "siting-legend"].forEach(function (id) {
      var e = document.getElementById(id);
      if (e) { right = Math.max(right, window.innerWidth - e.getBoundingClientRect().left + 10); }
    });
    right = Math.min(right, Math.max(20, window.innerWidth - 420));
    return { tl: [20, Math.min(head.bottom + 10, window.innerHeight / 2)], br: [right, 45] };
  }
  function openPopup(i, latlng) {
    var pad = panPadding();
    L.popup({ maxWidth: 380, autoPanPaddingTopLeft: pad.tl, autoPanPaddingBottomRight: pad.br })
      .setLatLng(latlng).setContent(sitePopup(i)).openOn(map);
  }
  var palette = cfg.palette;
  var draw = s.draw || s.lat.map(function (_, k) { return k; });
  for (var d = 0; d < draw.length; d++) {
    var i = draw[d];
    var m = L.circleMarker([s.lat[i], s.lon[i]], {
      renderer: renderer, radius: cfg.site_radius, weight: cfg.site_weight, color: "#000", opacity: 1,
      fillColor: palette[s.cls[i]], fillOpacity: 0.9
    });
    m.siting_index = i;
    markers[i] = m;
    siteLayer.addLayer(m);
  }
  siteLayer.on("click", function (e) { openPopup(e.layer.siting_index, e.layer.getLatLng()); });
  if (s.lat.length && cfg.sites_visible) { siteLayer.addTo(map); }
  overlays[cfg.sites_label] = siteLayer;
  siteLayer.siting_id = "sites";

  /* ---- the best sites, on top of a dense map whose dots start hidden ---- */
  if (cfg.best_label && s.best.length) {
    var bestLayer = L.featureGroup();
    s.best.slice().reverse().forEach(function (k) {
      var bm = L.circleMarker([s.lat[k], s.lon[k]], {
        renderer: renderer, radius: 8, weight: 3, color: "#000", opacity: 1,
        fillColor: palette[s.cls[k]], fillOpacity: 1
      });
      bm.siting_index = k;
      bestLayer.addLayer(bm);
    });
    bestLayer.on("click", function (e) { openPopup(e.layer.siting_index, e.layer.getLatLng()); });
    bestLayer.addTo(map);
    overlays[cfg.best_label] = bestLayer;
    bestLayer.siting_id = "best";
  }

  var control = L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);
  control.getContainer().id = "siting-layer-control";
  /* The layer list folds like the legend: a header button hides or shows it. */
  (function () {
    var box = control.getContainer();
    var head = el("button", "siting-fold", "Layers");
    head.type = "button";
    head.setAttribute("aria-expanded", "true");
    box.insertBefore(head, box.firstChild);
    L.DomEvent.on(head, "click", function (ev) {
      L.DomEvent.stop(ev);
      var folded = box.classList.toggle("siting-folded");
      head.setAttribute("aria-expanded", folded ? "false" : "true");
    });
  })();

  /* ---- view ---- */
  /* A map in a hidden container (e.g. a closed <details> in the report) has no size yet:
   * centre it now and fit the bounds once it is shown. */
  /* Fitted clear of the panels: the header (top left), the layer list and legend (right). */
  function fit() {
    var pad = panPadding();
    var size = map.getSize();
    var right = Math.min(pad.br[0], size.x / 2);
    map.fitBounds(cfg.bounds, { paddingTopLeft: [50, Math.min(pad.tl[1], size.y / 3)], paddingBottomRight: [right, 30] });
  }
  if (cfg.bounds) {
    var size = map.getSize();
    if (size.x > 0 && size.y > 0) { fit(); }
    else {
      map.setView([(cfg.bounds[0][0] + cfg.bounds[1][0]) / 2, (cfg.bounds[0][1] + cfg.bounds[1][1]) / 2], 8);
      if (window.ResizeObserver) {
        var ro = new ResizeObserver(function () {
          var c = map.getContainer();
          if (c.clientWidth > 0 && c.clientHeight > 0) { ro.disconnect(); map.invalidateSize(); fit(); }
        });
        ro.observe(map.getContainer());
      }
    }
  }

  /* ---- fullscreen ---- */
  var Full = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var b = el("a", "siting-fullscreen leaflet-bar");
      b.appendChild(el("span"));
      b.href = "#";
      b.title = "Full screen";
      b.setAttribute("role", "button");
      L.DomEvent.on(b, "click", function (ev) {
        L.DomEvent.preventDefault(ev);
        if (document.fullscreenElement) { document.exitFullscreen(); }
        else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
      });
      return b;
    }
  });
  new Full().addTo(map);

  /* ---- search by site name ---- */
  var input = document.getElementById("siting-search-input");
  var results = document.getElementById("siting-search-results");
  var lower = null;
  function search() {
    var q = input.value.trim().toLowerCase();
    results.textContent = "";
    if (!q) { return; }
    if (lower === null) { lower = s.name.map(function (n) { return String(n).toLowerCase(); }); }
    var hits = [];
    for (var k = 0; k < lower.length && hits.length < 10; k++) {
      if (lower[k].indexOf(q) !== -1) { hits.push(k); }
    }
    if (!hits.length) { results.appendChild(el("div", "siting-search-none", "no site matches")); return; }
    hits.forEach(function (k) {
      var b = el("button", "siting-search-hit", s.name[k]);
      b.type = "button";
      b.addEventListener("click", function () { openSite(k); });
      results.appendChild(b);
    });
    openSite(hits[0]);
  }
  function openSite(k) {
    if (!map.hasLayer(siteLayer)) { siteLayer.addTo(map); }
    var ll = markers[k].getLatLng();
    // No animation: the popup opens (and auto-pans) on the final view, centred on the site.
    map.setView(ll, Math.max(map.getZoom(), 11), { animate: false });
    openPopup(k, ll);
  }
  document.getElementById("siting-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search();
  });
  ["siting-header", "siting-legend"].forEach(function (id) {
    var node = document.getElementById(id);
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
  });

  window.sitingMap = { map: map, overlays: overlays, sites: siteLayer, openSite: openSite,
                       readyMs: performance.now() };
  document.body.setAttribute("data-siting-ready", "1");
})();
