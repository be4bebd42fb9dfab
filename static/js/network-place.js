// Place a partner (or a neighbourhood centre) by clicking the map: the click fills the
// latitude/longitude inputs and moves a pin; typing coordinates moves the pin too.
(function () {
  "use strict";
  var holder = document.querySelector("[data-place-map]");
  var lat = document.querySelector("[data-map-lat]");
  var lon = document.querySelector("[data-map-lon]");
  if (!holder || !lat || !lon || !window.L) { return; }
  var frame = holder.querySelector(".folium-map");
  var map = frame && window[frame.id];
  if (!map) { return; }
  var status = document.getElementById("place-status");
  var marker = null;

  function place(latlng) {
    if (!marker) {
      marker = L.marker(latlng, {
        keyboard: false,
        icon: L.divIcon({
          className: "",
          html: '<div class="marker-pin marker-placed" style="background:#124469"></div>',
          iconSize: [22, 22],
          iconAnchor: [11, 11]
        })
      }).addTo(map);
    } else {
      marker.setLatLng(latlng);
    }
  }

  function fromInputs() {
    var la = parseFloat(lat.value), lo = parseFloat(lon.value);
    if (!isNaN(la) && !isNaN(lo)) { place([la, lo]); map.panTo([la, lo]); }
  }

  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    place(event.latlng);
    if (status) { status.textContent = lat.value + ", " + lon.value; }
  });
  lat.addEventListener("change", fromInputs);
  lon.addEventListener("change", fromInputs);
  fromInputs();
})();
