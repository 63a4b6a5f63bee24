/* Charts of the listening report. Data come from json_script elements (never inline
   scripts: the site's CSP forbids them); every chart has a table with the same figures. */
(function () {
  "use strict";
  if (typeof window.Plotly === "undefined") { return; }

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var config = { responsive: true, displaylogo: false, displayModeBar: false };
  var font = { family: "system-ui, 'Hiragino Sans', 'Noto Sans JP', sans-serif", size: 13 };

  /* WebGL is missing on many ward PCs (virtual desktops): draw SVG there, and whenever the
     map is small enough for SVG to stay fast. */
  function webglAvailable() {
    try {
      var canvas = document.createElement("canvas");
      return !!(canvas.getContext("webgl") || canvas.getContext("experimental-webgl"));
    } catch (e) { return false; }
  }

  var scatter = data("scatter-data");
  var scatterEl = document.getElementById("scatter-chart");
  if (scatter && scatterEl) {
    var points = scatter.series.reduce(function (n, s) { return n + s.x.length; }, 0);
    var traceType = points > 5000 && webglAvailable() ? "scattergl" : "scatter";
    var traces = scatter.series.map(function (s) {
      return {
        type: traceType, mode: "markers", name: s.name, x: s.x, y: s.y, text: s.text,
        hovertemplate: "%{text}<extra>" + s.name.replace(/[<>&]/g, "") + "</extra>",
        marker: { size: 6, opacity: 0.75 }
      };
    });
    window.Plotly.newPlot(scatterEl, traces, {
      font: font, margin: { t: 10, r: 10, b: 10, l: 10 }, height: 460,
      xaxis: { visible: false }, yaxis: { visible: false },
      legend: { orientation: "h" }
    }, config);
  }

  var tree = data("treemap-data");
  var treeEl = document.getElementById("treemap-chart");
  if (tree && treeEl && tree.ids.length) {
    window.Plotly.newPlot(treeEl, [{
      type: "treemap", ids: tree.ids, labels: tree.labels, parents: tree.parents,
      values: tree.values, branchvalues: "total", textinfo: "label+value",
      hovertemplate: "%{label}: %{value}<extra></extra>"
    }], { font: font, margin: { t: 10, r: 10, b: 10, l: 10 }, height: 420 }, config);
  }

  var bar = data("bar-data");
  var barEl = document.getElementById("bar-chart");
  if (bar && barEl && bar.length) {
    window.Plotly.newPlot(barEl, [{
      type: "bar", orientation: "h",
      y: bar.map(function (b) { return b.label; }).reverse(),
      x: bar.map(function (b) { return b.count; }).reverse(),
      hovertemplate: "%{y}: %{x}<extra></extra>"
    }], { font: font, margin: { t: 10, r: 10, b: 30, l: 220 }, height: 80 + 28 * bar.length }, config);
  }

  var youth = data("youth-data");
  var youthEl = document.getElementById("youth-chart");
  if (youth && youthEl && youth.length) {
    var labels = youth.map(function (r) { return r.label; }).reverse();
    window.Plotly.newPlot(youthEl, [
      { type: "bar", orientation: "h", name: "子ども・若者 (%)", y: labels,
        x: youth.map(function (r) { return r.young; }).reverse() },
      { type: "bar", orientation: "h", name: "それ以外 (%)", y: labels,
        x: youth.map(function (r) { return r.other; }).reverse() }
    ], { font: font, barmode: "group", margin: { t: 10, r: 10, b: 30, l: 220 },
         height: 100 + 40 * youth.length, legend: { orientation: "h" } }, config);
  }
})();
