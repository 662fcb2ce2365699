/* Site map behaviour: context layers, candidate sites on one canvas, popups, search,
 * fullscreen and the layer control. Reads its data from the JSON element
 * #siting-map-data (written by maps/sitemap.py). Every string from the data goes into
 * the page through textContent, never innerHTML, so hostile names stay text. */
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
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
      t.appendChild(tr);
    });
    box.appendChild(t);
    return box;
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
    if (layer.visible) { gj.addTo(map); }
  });

  /* ---- candidate sites ---- */
  var s = cfg.sites;
  var siteLayer = L.featureGroup();
  var markers = new Array(s.lat.length);
  function sitePopup(i) {
    var rows = s.fields.map(function (fld, j) { return [fld, s.values[i][j]]; });
    return table(s.name[i], rows);
  }
  var palette = cfg.palette;
  for (var i = 0; i < s.lat.length; i++) {
    var c = palette[s.cls[i]];
    var m = L.circleMarker([s.lat[i], s.lon[i]], {
      renderer: renderer, radius: cfg.site_radius, weight: cfg.site_weight, color: "#000", opacity: 1,
      fillColor: c, fillOpacity: 0.9
    });
    m.siting_index = i;
    markers[i] = m;
    siteLayer.addLayer(m);
  }
  siteLayer.on("click", function (e) {
    var i = e.layer.siting_index;
    L.popup({ maxWidth: 360 }).setLatLng(e.layer.getLatLng()).setContent(sitePopup(i)).openOn(map);
  });
  if (s.lat.length) { siteLayer.addTo(map); }
  overlays[cfg.sites_label] = siteLayer;
  siteLayer.siting_id = "sites";

  var control = L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);
  control.getContainer().id = "siting-layer-control";

  /* ---- view ---- */
  /* A map in a hidden container (e.g. a closed <details> in the report) has no size yet:
   * centre it now and fit the bounds once it is shown. */
  function fit() { map.fitBounds(cfg.bounds, { padding: [20, 20] }); }
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
    L.popup({ maxWidth: 360 }).setLatLng(ll).setContent(sitePopup(k)).openOn(map);
  }
  document.getElementById("siting-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search();
  });
  L.DomEvent.disableClickPropagation(document.getElementById("siting-search"));
  L.DomEvent.disableScrollPropagation(document.getElementById("siting-search"));

  window.sitingMap = { map: map, overlays: overlays, sites: siteLayer, openSite: openSite,
                       readyMs: performance.now() };
  document.body.setAttribute("data-siting-ready", "1");
})();
