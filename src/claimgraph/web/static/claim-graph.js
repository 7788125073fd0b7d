// The claim's neighbourhood with Cytoscape.js (vendored). Elements come from the page's own
// JSON block; the instance is exposed as window.claimGraph for the browser tests.
"use strict";
(function () {
  var box = document.getElementById("graph");
  var data = document.getElementById("graph-data");
  if (!box || !data || typeof cytoscape === "undefined") return;
  var g = JSON.parse(data.textContent);
  g.nodes.forEach(function (n) {  // the full label stays in the lists above; keep the picture legible
    n.full = n.label;
    if (n.label.length > 42) n.label = n.label.slice(0, 40) + "…";
  });
  var elements = g.nodes.map(function (n) { return { data: n }; })
    .concat(g.edges.map(function (e) { return { data: e }; }));
  window.claimGraph = cytoscape({
    container: box,
    elements: elements,
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 9, "text-wrap": "wrap",
        "text-max-width": 120, "background-color": "#999", "width": 18, "height": 18 } },
      { selector: 'node[kind="claim"]', style: { "background-color": "#222", "shape": "round-rectangle", "width": 30, "height": 30, "font-weight": "bold" } },
      { selector: 'node[kind="source"]', style: { "background-color": "#2a7d2a", "shape": "rectangle" } },
      { selector: 'node[kind="disputing"]', style: { "background-color": "#b22", "shape": "triangle" } },
      { selector: 'node[kind="claim-other"]', style: { "background-color": "#555", "shape": "round-rectangle" } },
      { selector: 'node[kind="event"]', style: { "background-color": "#7a5ab5", "shape": "diamond" } },
      { selector: "edge", style: { "label": "data(label)", "font-size": 8, "curve-style": "bezier",
        "target-arrow-shape": "triangle", "width": 1.5, "line-color": "#888", "target-arrow-color": "#888" } },
      { selector: 'edge[label="challenges"], edge[label="cites"]', style: { "line-style": "dashed", "line-color": "#b22" } }
    ],
    layout: { name: "concentric", concentric: function (n) { return n.data("kind") === "claim" ? 2 : 1; },
      levelWidth: function () { return 1; }, minNodeSpacing: 70, padding: 20 }
  });
  box.setAttribute("data-nodes", String(window.claimGraph.nodes().length));
})();
