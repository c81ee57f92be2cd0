// Draws the labour-market charts from the figures each <canvas data-labour-chart> carries in
// data-spec; the tables beside them hold the same figures for people who do not see the charts.
// Colours come from labour.css; every coloured thing also has a name, a line style or a marker.
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var style = window.getComputedStyle(document.documentElement);
  var PHASES = ["expansion", "downturn", "slowdown", "recovery"];
  var INK = "#1b1f24";

  function cssColour(name) {
    return style.getPropertyValue(name).trim() || "#7a869a";
  }

  // Shades every quarter in the colour of its phase and writes the phase's name on each run of
  // quarters in one phase that is wide enough to hold it.
  function phaseBands(phases, names) {
    var colours = {};
    PHASES.forEach(function (phase) { colours[phase] = cssColour("--phase-" + phase); });
    return {
      id: "phaseBands",
      beforeDatasetsDraw: function (chart) {
        var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
        if (!phases.length || !x) { return; }
        var half = phases.length > 1 ? Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0)) / 2
          : (area.right - area.left) / 2;
        ctx.save();
        ctx.font = "600 12px system-ui, sans-serif";
        ctx.textBaseline = "top";
        var start = 0;
        for (var i = 1; i <= phases.length; i++) {
          if (i < phases.length && phases[i] === phases[start]) { continue; }
          var phase = phases[start];
          if (phase && colours[phase]) {
            var left = Math.max(area.left, x.getPixelForValue(start) - half);
            var right = Math.min(area.right, x.getPixelForValue(i - 1) + half);
            ctx.fillStyle = colours[phase];
            ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
            var name = names[phase] || phase;
            if (ctx.measureText(name).width + 8 <= right - left) {
              ctx.fillStyle = INK;
              ctx.fillText(name, left + 4, area.top + 4);
            }
          }
          start = i;
        }
        ctx.restore();
      }
    };
  }

  // Writes the quarter beside the last and the first point and beside every first quarter of a year,
  // leaving out a label that would cover one already written (the tooltip and the table have them all).
  function quarterLabels(points) {
    return {
      id: "quarterLabels",
      afterDatasetsDraw: function (chart) {
        var ctx = chart.ctx, meta = chart.getDatasetMeta(0), written = [];
        var order = points.map(function (p, i) { return i; }).reverse();
        ctx.save();
        ctx.font = "12px system-ui, sans-serif";
        ctx.fillStyle = INK;
        ctx.textBaseline = "bottom";
        order.forEach(function (i) {
          var label = points[i].label, element = meta.data[i];
          if (!(i === 0 || i === points.length - 1 || /-Q1$/.test(label))) { return; }
          var box = { left: element.x + 5, right: element.x + 5 + ctx.measureText(label).width,
                      top: element.y - 17, bottom: element.y - 3 };
          var covers = written.some(function (other) {
            return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
          });
          if (covers) { return; }
          written.push(box);
          ctx.fillText(label, box.left, box.bottom);
        });
        ctx.restore();
      }
    };
  }

  function beveridge(canvas, spec) {
    var colour = cssColour("--line-unemployment");
    return new window.Chart(canvas, {
      type: "scatter",
      data: { datasets: [{ label: spec.axes.y, data: spec.points, showLine: true, borderColor: colour,
                           backgroundColor: colour, borderWidth: 1.5, pointRadius: 3 }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        layout: { padding: { top: 18, right: 48 } },
        scales: { x: { type: "linear", grace: "2%", title: { display: true, text: spec.axes.x } },
                  y: { grace: "2%", title: { display: true, text: spec.axes.y } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) {
            return item.raw.label + ": " + spec.axes.x + " " + item.raw.x + ", " + spec.axes.y + " " + item.raw.y;
          } } }
        }
      },
      plugins: [quarterLabels(spec.points)]
    });
  }

  function overTime(canvas, spec) {
    var lines = {
      unemployment: { colour: cssColour("--line-unemployment"), point: "circle", dash: [] },
      vacancy: { colour: cssColour("--line-vacancy"), point: "rect", dash: [] },
      tightness: { colour: cssColour("--line-tightness"), point: "triangle", dash: [6, 3] }
    };
    var scales = { x: { ticks: { autoSkip: true, maxRotation: 0 } },
                   y: { position: "left", title: { display: true, text: spec.axes.rate } } };
    if (spec.series.some(function (s) { return s.axis === "tightness"; })) {
      scales.tightness = { position: "right", grid: { drawOnChartArea: false },
                           title: { display: true, text: spec.axes.tightness } };
    }
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s) {
          var line = lines[s.key];
          return { label: s.label, data: s.data, yAxisID: s.axis === "tightness" ? "tightness" : "y",
                   borderColor: line.colour, backgroundColor: line.colour, borderDash: line.dash,
                   pointStyle: line.point, pointRadius: 2.5, borderWidth: 2, spanGaps: false };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "index", intersect: false },
        scales: scales,
        plugins: { legend: { labels: { usePointStyle: true } } }
      },
      plugins: [phaseBands(spec.phases, spec.phaseNames)]
    });
  }

  var draw = { "beveridge": beveridge, "over-time": overTime };
  document.querySelectorAll("canvas[data-labour-chart]").forEach(function (canvas) {
    var kind = draw[canvas.getAttribute("data-labour-chart")];
    if (kind) { kind(canvas, JSON.parse(canvas.getAttribute("data-spec"))); }
  });
})();
