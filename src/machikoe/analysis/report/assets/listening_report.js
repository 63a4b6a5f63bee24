/* machikoe broad-listening report: draws the map and treemap from the JSON data element
   #mk-report-data and redraws them when an attribute filter changes. No network. */
(function () {
  "use strict";
  var holder = document.getElementById("mk-report-data");
  if (!holder || typeof Plotly === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-mk-filter]"));
  var config = { displaylogo: false, responsive: true };

  function passes(row) {
    for (var i = 0; i < selects.length; i++) {
      var s = selects[i];
      if (s.value && (row.a[s.getAttribute("data-mk-filter")] || "") !== s.value) { return false; }
    }
    return true;
  }

  /* Many ward PCs (virtual desktops) have no WebGL: fall back to SVG there. */
  function webglAvailable() {
    try {
      var canvas = document.createElement("canvas");
      return !!(canvas.getContext("webgl") || canvas.getContext("experimental-webgl"));
    } catch (e) { return false; }
  }

  function drawMap(rows) {
    var el = document.getElementById("mk-map");
    if (!el) { return; }
    var type = rows.length > 5000 && webglAvailable() ? "scattergl" : "scatter";
    var traces = data.topics.map(function (t) {
      var rs = rows.filter(function (r) { return r.t === t.id; });
      return {
        type: type, mode: "markers", name: t.id + " " + t.label,
        x: rs.map(function (r) { return r.x; }), y: rs.map(function (r) { return r.y; }),
        text: rs.map(function (r) { return r.h; }),
        hovertemplate: "%{text}<extra>" + t.id + "</extra>",
        marker: { color: t.color, size: 6, opacity: 0.75 }
      };
    });
    Plotly.react(el, traces, {
      margin: { l: 10, r: 10, t: 10, b: 10 }, height: 520,
      xaxis: { visible: false }, yaxis: { visible: false },
      legend: { orientation: "h" }, hoverlabel: { align: "left" }
    }, config);
  }

  function drawTreemap(rows) {
    var el = document.getElementById("mk-treemap");
    if (!el) { return; }
    var counts = {};
    rows.forEach(function (r) {
      counts[r.t] = (counts[r.t] || 0) + 1;
      counts[r.s] = (counts[r.s] || 0) + 1;
    });
    var ids = [], labels = [], parents = [], values = [], colors = [];
    data.topics.forEach(function (t) {
      ids.push(t.id); labels.push(t.id + " " + t.label); parents.push("");
      values.push(counts[t.id] || 0); colors.push(t.color);
      t.subtopics.forEach(function (s) {
        ids.push(s.id); labels.push(s.label); parents.push(t.id);
        values.push(counts[s.id] || 0); colors.push(t.color);
      });
    });
    Plotly.react(el, [{
      type: "treemap", ids: ids, labels: labels, parents: parents, values: values,
      branchvalues: "total", marker: { colors: colors }, textinfo: "label+value"
    }], { margin: { l: 0, r: 0, t: 10, b: 0 }, height: 480 }, config);
  }

  function updateTable(rows) {
    var body = document.getElementById("mk-filter-table-body");
    var count = document.getElementById("mk-filter-count");
    if (count) { count.textContent = rows.length + " 件を表示中"; }
    if (!body) { return; }
    var counts = {};
    rows.forEach(function (r) { counts[r.t] = (counts[r.t] || 0) + 1; });
    body.textContent = "";
    data.topics.forEach(function (t) {
      var tr = document.createElement("tr");
      var th = document.createElement("th"); th.scope = "row"; th.textContent = t.id + " " + t.label;
      var td = document.createElement("td"); td.className = "num"; td.textContent = counts[t.id] || 0;
      tr.appendChild(th); tr.appendChild(td); body.appendChild(tr);
    });
  }

  function draw() {
    var rows = data.rows.filter(passes);
    drawMap(rows); drawTreemap(rows); updateTable(rows);
  }

  selects.forEach(function (s) { s.addEventListener("change", draw); });
  draw();
})();
