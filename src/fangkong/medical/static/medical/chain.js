/*
 * The chain of transmission (传播链): source → contacts → their contacts, drawn with the
 * vendored Apache ECharts as a force graph, each person coloured by status. No inline
 * script under the CSP: the data comes in <script type="application/json" id="md-chain-data">.
 */
(function () {
  "use strict";

  var COLOURS = {
    confirmed: "#c22a2a",
    suspected: "#c22a2a",
    source: "#c22a2a",
    hospital: "#e8743b",
    quarantined: "#1f4e8c",
    referred: "#d98a00",
    found: "#8793a3",
    outside: "#c4cad3",
    excluded: "#1f7a43",
    observation: "#e8743b"
  };

  function draw() {
    var source = document.getElementById("md-chain-data");
    var el = document.getElementById("md-chain");
    if (!source || !el || typeof window.echarts === "undefined") {
      return;
    }
    var graph = JSON.parse(source.textContent || "{}");
    var nodes = (graph.nodes || []).map(function (n) {
      return {
        id: n.id,
        name: n.name,
        value: n.status,
        symbolSize: n.level === 0 ? 44 : n.level === 1 ? 26 : 12,
        itemStyle: { color: COLOURS[n.status] || "#8793a3" },
        // Contacts of contacts can be hundreds: named in the tooltip and the table only.
        label: { show: n.level < 2, position: "bottom", fontSize: n.level === 0 ? 14 : 12 }
      };
    });
    var links = (graph.links || []).map(function (l) {
      return { source: l.source, target: l.target, value: l.relation };
    });
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: {
        formatter: function (p) {
          return p.dataType === "edge" ? p.data.value : p.data.name;
        }
      },
      series: [{
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        force: nodes.length > 60
          ? { repulsion: 60, edgeLength: [30, 70], gravity: 0.25 }
          : { repulsion: 220, edgeLength: [60, 120], gravity: 0.08 },
        lineStyle: { color: "#8793a3", width: 1.5, curveness: 0.1 },
        edgeLabel: {
          show: nodes.length <= 30,
          formatter: function (p) { return p.data.value; },
          fontSize: 11
        },
        data: nodes,
        links: links
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
