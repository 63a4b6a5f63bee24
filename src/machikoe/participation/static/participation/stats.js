// Draws the participation statistics with the locally served Plotly (no CDN).
// The numbers come from a json_script element; every chart has a table next to it.
(function () {
  "use strict";
  var node = document.getElementById("participation-stats");
  if (!node || typeof Plotly === "undefined") { return; }
  var stats = JSON.parse(node.textContent);
  var config = { displayModeBar: false, responsive: true, locale: "ja" };
  function bar(id, rows, labelKey) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var x = rows.map(function (r) { return r[labelKey]; });
    var y = rows.map(function (r) { return r.count; });
    Plotly.newPlot(el, [{ type: "bar", x: x, y: y, marker: { color: "#0b5d3b" } }],
      { margin: { t: 10, r: 10, b: 80, l: 40 }, yaxis: { rangemode: "tozero" } }, config);
  }
  bar("chart-channel", stats.by_channel, "label");
  bar("chart-age", stats.by_age_band, "label");
  bar("chart-district", stats.by_district, "label");
  bar("chart-day", stats.by_day, "day");
}());
