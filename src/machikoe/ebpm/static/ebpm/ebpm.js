/* EBPM dashboard: draw each indicator's Plotly chart from the JSON in #ebpm-figures.
   No inline script (CSP); the table next to each chart carries the same numbers. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("ebpm-figures");
    if (!source || typeof window.Plotly === "undefined") { return; }
    var figures = JSON.parse(source.textContent || "{}");
    var charts = document.querySelectorAll(".ebpm-chart[data-figure]");
    Array.prototype.forEach.call(charts, function (el) {
      var fig = figures[el.getAttribute("data-figure")];
      if (!fig || !fig.data || !fig.data.length) { el.hidden = true; return; }
      window.Plotly.newPlot(el, fig.data, fig.layout, { displayModeBar: false, responsive: true })
        .then(function () { el.setAttribute("data-drawn", "1"); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
