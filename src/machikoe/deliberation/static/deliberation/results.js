/* Results page: draws the opinion map with Plotly from the JSON in #map-data and
   refreshes the live part every few seconds with fetch (no inline script: CSP). */
(function () {
  "use strict";
  var COLORS = ["#1a5fb4", "#c64600", "#26a269", "#813d9c", "#a51d2d"];
  function draw() {
    var holder = document.getElementById("opinion-map");
    var source = document.getElementById("map-data");
    if (!holder || !source || typeof Plotly === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var traces = data.groups.map(function (g) {
      var pts = data.points.filter(function (p) { return p.group === g.id; });
      return { type: "scatter", mode: "markers", name: g.label,
        x: pts.map(function (p) { return p.x; }), y: pts.map(function (p) { return p.y; }),
        marker: { size: 7, opacity: 0.7, color: COLORS[g.id % COLORS.length] }, hoverinfo: "name" };
    });
    if (data.own) {
      traces.push({ type: "scatter", mode: "markers", name: "あなた", x: [data.own.x], y: [data.own.y],
        marker: { size: 16, symbol: "star", color: "#000" }, hoverinfo: "name" });
    }
    Plotly.react(holder, traces, {
      margin: { l: 20, r: 20, t: 10, b: 20 }, height: 360, showlegend: true,
      xaxis: { showticklabels: false, zeroline: false }, yaxis: { showticklabels: false, zeroline: false }
    }, { displaylogo: false, responsive: true });
  }
  function poll() {
    var live = document.getElementById("results-live");
    if (!live || !window.fetch) { return; }
    var interval = parseInt(live.getAttribute("data-interval") || "15000", 10);
    window.setInterval(function () {
      fetch(live.getAttribute("data-url"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { live.innerHTML = html; draw(); } })
        .catch(function () { /* keep the last results on a network error */ });
    }, interval);
  }
  document.addEventListener("DOMContentLoaded", function () { draw(); poll(); });
})();
