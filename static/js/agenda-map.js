// Agenda map (Leaflet): a complement to the list of events, which stays the
// accessible equivalent. Progressive enhancement: without JavaScript the map
// container stays hidden and the page is complete.
(function () {
  "use strict";

  function popupContent(place) {
    var box = document.createElement("div");
    if (place.label) {
      var heading = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = place.label;
      heading.appendChild(strong);
      box.appendChild(heading);
    }
    place.events.forEach(function (event) {
      var line = document.createElement("p");
      var link = document.createElement("a");
      link.href = event.url;
      link.textContent = event.label;
      line.appendChild(link);
      box.appendChild(line);
    });
    return box;
  }

  function markerTitle(place) {
    if (place.events.length === 1) {
      return place.events[0].title;
    }
    return place.label + " (" + place.events.length + ")";
  }

  function init() {
    var container = document.getElementById("agenda-carte");
    if (!container || typeof L === "undefined") {
      return;
    }
    var source = document.getElementById(container.dataset.markers);
    var places = source ? JSON.parse(source.textContent) : [];
    if (!places.length) {
      return;
    }
    container.hidden = false;
    var map = L.map(container, { zoomControl: false, scrollWheelZoom: false });
    L.control
      .zoom({ zoomInTitle: container.dataset.zoomIn, zoomOutTitle: container.dataset.zoomOut })
      .addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (container.dataset.tileUrl) {
      L.tileLayer(container.dataset.tileUrl, {
        attribution: container.dataset.attribution,
        maxZoom: 19,
      }).addTo(map);
    }
    var bounds = [];
    places.forEach(function (place) {
      var title = markerTitle(place);
      L.marker([place.lat, place.lng], { title: title, alt: title, keyboard: true })
        .bindPopup(popupContent(place), { closeButton: true })
        .addTo(map);
      bounds.push([place.lat, place.lng]);
    });
    map.fitBounds(bounds, { padding: [48, 48], maxZoom: 14 });
    map.on("popupopen", function (event) {
      var button = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (button && container.dataset.close) {
        button.setAttribute("aria-label", container.dataset.close);
        button.setAttribute("title", container.dataset.close);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
