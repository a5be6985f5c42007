// Draws the usage trend from the figure the server built (assets.selectors.trend_figure). No CDN.
(function () {
  var el = document.getElementById("trend-chart");
  var spec = document.getElementById("trend-figure");
  if (!el || !spec || !window.Plotly) return;
  var figure = JSON.parse(spec.textContent);
  if (!figure.data.length) {
    el.textContent = el.dataset.empty || "";
    el.classList.add("muted");
    return;
  }
  window.Plotly.newPlot(el, figure.data, figure.layout, { displayModeBar: false, responsive: true });
})();
