// Draws the results charts from the data each <canvas data-chart> carries; the tables beside
// them hold the same figures for people who do not see the charts.
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var palette = ["#0b4f9c", "#d9822b", "#2a9d8f", "#a4161a", "#6c4ab6", "#7a869a", "#e9c46a"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var config;
    if (spec.type === "stacked") {
      var rows = JSON.parse(canvas.getAttribute("data-series"));
      var scale = rows.length ? rows[0][1] : [];
      config = {
        type: "bar",
        data: {
          labels: spec.labels,
          datasets: scale.map(function (entry, i) {
            return { label: entry[1], backgroundColor: palette[i % palette.length],
                     data: rows.map(function (row) { return row[1][i][2]; }) };
          })
        },
        options: { indexAxis: "y", responsive: true, scales: { x: { stacked: true }, y: { stacked: true } } }
      };
    } else {
      config = {
        type: spec.type,
        data: { labels: spec.labels, datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: palette[i % palette.length], borderColor: palette[i % palette.length] };
        }) },
        options: { indexAxis: spec.type === "bar" ? "y" : "x", responsive: true, plugins: { legend: { display: false } } }
      };
    }
    new window.Chart(canvas, config);
  });
})();
