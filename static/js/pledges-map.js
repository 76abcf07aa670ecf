/* Pledge campaigns, progressive enhancement only (the page works without it):
   - the map of commitments by commune (Leaflet, one circle per commune, sized
     by its count and labelled with it; the table under it has the same numbers);
   - the « Copier le lien » buttons of the share box. */
(function () {
  "use strict";

  function initMap() {
    var el = document.getElementById("carte-engagements");
    var source = document.getElementById("pledges-map-data");
    if (!el || !source || typeof window.L === "undefined") return;
    var points = JSON.parse(source.textContent);
    if (!points.length) return;
    el.hidden = false;
    var tiles = el.dataset.tiles;
    // No keyboard handler: the map is a picture of the table that follows.
    var map = L.map(el, { keyboard: false, scrollWheelZoom: false, zoomControl: false,
                          attributionControl: Boolean(tiles) });
    L.control.zoom({ zoomInTitle: el.dataset.zoomIn, zoomOutTitle: el.dataset.zoomOut }).addTo(map);
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
    }
    var max = Math.max.apply(null, points.map(function (p) { return p.count; }));
    var bounds = points.map(function (p) {
      L.circleMarker([p.lat, p.lon], {
        radius: 8 + 22 * Math.sqrt(p.count / max),
        color: "#14513a", weight: 2, fillColor: "#1f6f50", fillOpacity: 0.45, interactive: false
      }).bindTooltip(String(p.count), {
        permanent: true, direction: "center", className: "pledges-map-label"
      }).addTo(map);
      return [p.lat, p.lon];
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 11);
    } else {
      map.fitBounds(bounds, { padding: [50, 50], maxZoom: 12 });
    }
  }

  function initCopy() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.dataset.copy);
      var status = document.querySelector('[data-copy-status="' + button.dataset.copy + '"]');
      if (!input || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          if (status) status.textContent = button.dataset.copied;
        }, function () {
          input.select();
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initMap();
    initCopy();
  });
})();
