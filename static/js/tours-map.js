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
