// Tour maps: Leaflet renders markers as role="button" without a name. Give each marker the
// text of its tooltip as accessible name, so screen readers announce "2. Wijkteam Oost".
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var scratch = document.createElement("div");
  Object.keys(window).forEach(function (key) {
    if (key.indexOf("marker_") !== 0) { return; }
    var marker = window[key];
    if (!(marker instanceof L.Marker) || !marker._icon || !marker.getTooltip()) { return; }
    scratch.innerHTML = String(marker.getTooltip().getContent());
    var name = scratch.textContent.trim();
    // The visible label (a stop number, "Start") must be part of the name (WCAG 2.5.3).
    var visible = marker._icon.textContent.trim();
    if (visible && name.indexOf(visible) !== 0) { name = visible + " – " + name; }
    if (name && !marker._icon.getAttribute("aria-label")) {
      marker._icon.setAttribute("aria-label", name);
    }
  });
})();
// Printing: the frame changes size, so fit the whole route (every stop and the line) into it
// again, instead of printing the on-screen view with stops cut off. Back to it afterwards.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var maps = Object.keys(window).filter(function (key) {
    return key.indexOf("map_") === 0 && window[key] instanceof L.Map;
  }).map(function (key) { return window[key]; });
  function routeBounds(map) {
    var bounds = L.latLngBounds([]);
    map.eachLayer(function (layer) {
      if (layer instanceof L.Marker) { bounds.extend(layer.getLatLng()); }
      if (layer instanceof L.Polyline) { bounds.extend(layer.getBounds()); }
    });
    return bounds;
  }
  function fitAll() {
    maps.forEach(function (map) {
      map.invalidateSize(false);
      var bounds = routeBounds(map);
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12], animate: false }); }
    });
  }
  // Once now and once after the print styles have been laid out (the media query's change
  // event can come before that).
  function fitSoon() { fitAll(); window.setTimeout(fitAll, 0); }
  window.addEventListener("beforeprint", fitSoon);
  window.addEventListener("afterprint", fitSoon);
  if (window.matchMedia) {
    var query = window.matchMedia("print");
    if (query.addEventListener) { query.addEventListener("change", fitSoon); }
  }
})();
