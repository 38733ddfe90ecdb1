// Draws the report's charts from the report-data JSON block (Plotly.js, inlined).
// Okabe-Ito colours, plus a dash style per direction, so that the lines stay
// apart for colour-blind readers and in grey print.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var COLOUR = { traditional: "#0072B2", reverse: "#D55E00", peer: "#009E73" };
  var BAND = { traditional: "rgba(0,114,178,0.15)", reverse: "rgba(213,94,0,0.15)",
               peer: "rgba(0,158,115,0.15)" };
  var DASH = { traditional: "solid", reverse: "dash", peer: "dot" };
  var HEALTH = { healthy: "#009E73", at_risk: "#E69F00", dormant: "#D55E00", never_met: "#CC79A7" };
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var config = { displaylogo: false, responsive: true,
                 toImageButtonOptions: { format: "png", scale: 2 } };
  var drawn = [];

  function label(key) { return String(key).replace(/_/g, " "); }
  function colour(key, i) {
    return COLOUR[key] || ["#56B4E9", "#E69F00", "#CC79A7", "#F0E442", "#000000"][i % 5];
  }

  function draw(id, traces, layout) {
    var element = document.getElementById(id);
    if (!element) { return; }  // the page says why there is nothing to draw
    var base = {
      font: { family: FONT, size: 13 }, margin: { t: 48, r: 16, b: 96, l: 72 },
      legend: { orientation: "h", x: 0, y: -0.25, traceorder: "normal" }, hovermode: "closest",
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff"
    };
    drawn.push(Plotly.newPlot(element, traces, Object.assign(base, layout), config));
  }

  function axis(title, extra) {
    return Object.assign({ title: { text: title }, gridcolor: "#e5e5e5", zeroline: false,
                           automargin: true }, extra || {});
  }

  // Kaplan-Meier steps (hv), 95% band between low and high, censoring ticks.
  (function survival() {
    var traces = [];
    data.curves.forEach(function (curve, i) {
      var s = curve.steps, key = curve.key, c = colour(key, i);
      var days = s.day.concat([curve.longest]);
      var ys = s.survival.concat([s.survival[s.survival.length - 1]]);
      if (s.day.length > 1) {
        var bandDays = s.day.slice(1).concat([curve.longest]);
        var high = s.high.slice(1), low = s.low.slice(1);
        high = high.concat([high[high.length - 1]]);
        low = low.concat([low[low.length - 1]]);
        traces.push({ x: bandDays, y: high, mode: "lines", line: { width: 0, shape: "hv" },
                      legendgroup: key, showlegend: false, hoverinfo: "skip" });
        traces.push({ x: bandDays, y: low, mode: "lines", line: { width: 0, shape: "hv" },
                      fill: "tonexty", fillcolor: BAND[key] || "rgba(0,0,0,0.1)",
                      legendgroup: key, showlegend: false, hoverinfo: "skip" });
      }
      traces.push({ x: days, y: ys, mode: "lines", name: key, legendgroup: key,
                    line: { color: c, dash: DASH[key] || "solid", shape: "hv", width: 2.5 },
                    hovertemplate: key + "<br>day %{x}: %{y:.1%} still paired<extra></extra>" });
      traces.push({ x: curve.censored.day, y: curve.censored.survival, mode: "markers",
                    name: key + " censored", legendgroup: key, showlegend: false,
                    marker: { symbol: "line-ns-open", size: 9, color: c, line: { width: 1.2 } },
                    customdata: curve.censored.count,
                    hovertemplate: key + "<br>day %{x}: %{customdata} censored<extra></extra>" });
    });
    // Legend entries for the band and the ticks, shared by every direction.
    traces.push({ x: [null], y: [null], mode: "lines", name: "95% confidence band",
                  line: { color: "rgba(0,0,0,0.2)", width: 10 } });
    traces.push({ x: [null], y: [null], mode: "markers", name: "censored",
                  marker: { symbol: "line-ns-open", size: 9, color: "#555" } });
    draw("chart-survival", traces, {
      title: { text: "Share of pairings not yet dropped out, by direction at pairing" },
      xaxis: axis("Days since pairing (days)", { rangemode: "tozero" }),
      yaxis: axis("Still paired (% of pairings)", { tickformat: ".0%", range: [0, 1.02] })
    });
  })();

  // Ways of ending: cumulative incidence within 365 days, grouped by direction.
  (function endings() {
    var groups = data.retention.groups;
    if (!groups.length) { return; }
    var ways = Object.keys(data.incidence[groups[0].key].cumulative_incidence);
    draw("chart-endings", groups.map(function (g, i) {
      var incidence = data.incidence[g.key].cumulative_incidence;
      return { type: "bar", name: g.key, x: ways.map(label),
               y: ways.map(function (w) { return incidence[w]["365"]; }),
               marker: { color: colour(g.key, i), pattern: { shape: ["", "/", "."][i % 3] } },
               hovertemplate: g.key + "<br>%{x}: %{y:.1%}<extra></extra>" };
    }), {
      title: { text: "How pairings end within 365 days, by direction" },
      barmode: "group",
      xaxis: axis("Way of ending"),
      yaxis: axis("Ended this way by day 365 (%)", { tickformat: ".0%" })
    });
  })();

  // Meetings per month, by the direction in force on the day of the meeting.
  (function monthly() {
    if (!data.monthly.any) { return; }
    var months = data.monthly.groups;
    draw("chart-monthly", data.directions.map(function (d, i) {
      return { x: months.map(function (m) { return m.key; }),
               y: months.map(function (m) { return m[d]; }),
               name: d, mode: "lines+markers",
               line: { color: colour(d, i), dash: DASH[d] }, marker: { size: 5 },
               hovertemplate: d + "<br>%{x}: %{y} meetings<extra></extra>" };
    }), {
      title: { text: "Meetings per month, last 24 months" },
      xaxis: axis("Month", { type: "category", tickangle: -45 }),
      yaxis: axis("Meetings (count per month)", { rangemode: "tozero" })
    });
  })();

  // Health of active pairings per program: stacked horizontal bars.
  (function health() {
    var programs = data.program_health;
    if (!programs.length) { return; }
    var states = Object.keys(programs[0].health);
    draw("chart-health", states.map(function (state) {
      return { type: "bar", orientation: "h", name: label(state),
               y: programs.map(function (p) { return p.key; }),
               x: programs.map(function (p) { return p.health[state]; }),
               marker: { color: HEALTH[state] },
               hovertemplate: "%{y}<br>" + label(state) + ": %{x}<extra></extra>" };
    }), {
      title: { text: "Active pairings per program, by health" },
      barmode: "stack",
      height: Math.max(260, 120 + 36 * programs.length),
      xaxis: axis("Active pairings (count)"),
      yaxis: axis("Program", { type: "category", autorange: "reversed" })
    });
  })();

  // Cohorts: survival at 90 and 180 days per quarter, with 95% intervals.
  (function cohorts() {
    if (!data.cohorts.length) { return; }
    var quarters = data.cohorts.map(function (g) { return g.key; });
    draw("chart-cohorts", ["90", "180"].map(function (h, i) {
      function end(g, k) {
        var ci = g.survival_ci[h], s = g.survival[h];
        return ci && s !== null ? Math.abs(ci[k] - s) : null;
      }
      return { type: "bar", name: h + " days", x: quarters,
               y: data.cohorts.map(function (g) { return g.survival[h]; }),
               error_y: { type: "data", symmetric: false,
                          array: data.cohorts.map(function (g) { return end(g, 1); }),
                          arrayminus: data.cohorts.map(function (g) { return end(g, 0); }),
                          color: "#333" },
               marker: { color: ["#56B4E9", "#0072B2"][i], pattern: { shape: ["", "/"][i] } },
               hovertemplate: "%{x}: %{y:.1%} still paired at " + h + " days<extra></extra>" };
    }), {
      title: { text: "Still paired at 90 and 180 days, by quarter of pairing" },
      barmode: "group",
      xaxis: axis("Quarter of pairing", { type: "category" }),
      yaxis: axis("Still paired (% of the cohort)", { tickformat: ".0%", range: [0, 1.05] })
    });
  })();

  // Organisational retention of participants beside people never paired.
  (function participants() {
    var groups = data.participants.filter(function (g) { return g.eligible > 0; });
    if (!groups.length) { return; }
    // One trace per direction (and one for people never paired), so the legend
    // names the colours.
    var keys = [];
    groups.forEach(function (g) { if (keys.indexOf(g.key) < 0) { keys.push(g.key); } });
    draw("chart-participants", keys.map(function (key, i) {
      var mine = groups.filter(function (g) { return g.key === key; });
      return {
        type: "bar", name: label(key),
        x: mine.map(function (g) { return label(g.key) + "<br>" + (g.role ? g.role + "s" : ""); }),
        y: mine.map(function (g) { return g.share; }),
        customdata: mine.map(function (g) { return [g.retained, g.eligible]; }),
        marker: { color: COLOUR[key] || "#999999" },
        hovertemplate: "%{x}: %{y:.1%} (%{customdata[0]} of %{customdata[1]})<extra></extra>"
      };
    }), {
      title: { text: "Still in the organisation 365 days after first pairing" },
      showlegend: true,
      xaxis: axis("Group (direction at pairing and role)", { type: "category" }),
      yaxis: axis("Still employed (% followed a year)", { tickformat: ".0%", range: [0, 1.05] })
    });
  })();

  // Printing: open the data tables and fit the charts to the page width.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
    document.querySelectorAll(".js-plotly-plot").forEach(function (p) { Plotly.Plots.resize(p); });
  });
  window.reportReady = Promise.all(drawn).then(function () {
    document.body.setAttribute("data-charts-drawn", String(drawn.length));
    return drawn.length;
  });
})();
