/*
 * Trend charts of the command dashboard and big screen (Apache ECharts, vendored).
 *
 * No inline script runs under the CSP: the page carries the data in a
 * <script type="application/json" id="fk-trends"> block (Django's json_script), and every
 * <div class="cc-chart" data-trend="KEY"> is drawn from the entry with that key.
 */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("fk-trends");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var trends = JSON.parse(source.textContent || "[]");
    var byKey = {};
    trends.forEach(function (t) { byKey[t.key] = t; });
    var dark = document.body.getAttribute("data-theme") === "dark";
    var ink = dark ? "#cfe3ff" : "#3f4b5b";
    var grid = dark ? "rgba(120,170,255,0.15)" : "#e3e8ef";
    var palette = dark
      ? ["#36d1ff", "#ffcf4d", "#ff6b6b", "#5cf2a6", "#b18cff", "#ff9f43"]
      : ["#1f4e8c", "#d98a00", "#c22a2a", "#1f7a43", "#6b4fbb", "#0f8b8d"];
    var charts = [];
    document.querySelectorAll(".cc-chart[data-trend]").forEach(function (el, i) {
      var t = byKey[el.getAttribute("data-trend")];
      if (!t) {
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      var colour = palette[i % palette.length];
      chart.setOption({
        animation: false,
        color: [colour],
        grid: { left: 44, right: 16, top: 16, bottom: 30 },
        tooltip: { trigger: "axis" },
        xAxis: {
          type: "category",
          data: t.dates.map(function (d) { return d.slice(5); }),
          axisLabel: { color: ink },
          axisLine: { lineStyle: { color: grid } }
        },
        yAxis: {
          type: "value",
          minInterval: 1,
          axisLabel: { color: ink },
          splitLine: { lineStyle: { color: grid } }
        },
        series: [{
          name: t.label,
          type: "line",
          smooth: false,
          symbolSize: 6,
          data: t.values,
          areaStyle: { opacity: dark ? 0.25 : 0.12 }
        }]
      });
      el.setAttribute("data-rendered", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
