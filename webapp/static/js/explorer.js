// The graph explorer's drawing (Cytoscape.js, vendored). The tables under it hold the same content
// for readers who do not use the drawing; choosing a node in either shows its details.
(function () {
  "use strict";
  var container = document.getElementById("graph-canvas");
  if (!container || typeof cytoscape === "undefined") { return; }
  var elements = JSON.parse(document.getElementById("graph-elements").textContent);
  var links = JSON.parse(document.getElementById("graph-links").textContent);
  var COLOURS = { Configuration: "#0b4f9c", Practice: "#15803d", Context: "#1d4ed8", Outcome: "#047857",
                  Condition: "#7e22ce", Source: "#b45309", Segment: "#92400e", Mechanism: "#b91c1c",
                  ProgrammeType: "#be185d", TargetGroup: "#0e7490", Region: "#4b5563" };
  var cy = cytoscape({
    container: container,
    elements: elements,
    layout: { name: elements.length > 150 ? "concentric" : "cose", animate: false,
              concentric: function (node) { return node.data("start") ? 10 : (node.data("label") === "Configuration" ? 5 : 1); } },
    style: [
      { selector: "node", style: { "background-color": function (n) { return COLOURS[n.data("label")] || "#6b7280"; },
                                   "label": "data(name)", "font-size": 9, "color": "#1b1f24", "text-wrap": "ellipsis",
                                   "text-max-width": 110, "width": 14, "height": 14 } },
      { selector: "node[?start]", style: { "width": 26, "height": 26, "border-width": 3, "border-color": "#ffbf47" } },
      { selector: "edge", style: { "width": 1, "line-color": "#9aa5b1", "target-arrow-shape": "triangle",
                                   "target-arrow-color": "#9aa5b1", "curve-style": "bezier" } },
      { selector: ":selected", style: { "border-width": 3, "border-color": "#ffbf47" } }
    ],
    wheelSensitivity: 0.3
  });

  function show(id) {
    var node = cy.getElementById(id);
    if (!node || node.empty()) { return; }
    cy.elements().unselect();
    node.select();
    var data = node.data();
    var list = document.getElementById("node-properties");
    list.textContent = "";
    var facts = [["Type", data.label], ["Key", data.key]];
    Object.keys(data.properties || {}).sort().forEach(function (name) {
      if (name !== "key") { facts.push([name, String(data.properties[name])]); }
    });
    facts.forEach(function (fact) {
      var row = document.createElement("div");
      var term = document.createElement("dt");
      var value = document.createElement("dd");
      term.textContent = fact[0];
      value.textContent = fact[1];
      row.appendChild(term);
      row.appendChild(value);
      list.appendChild(row);
    });
    document.getElementById("node-hint").hidden = true;
    var open = document.getElementById("node-open");
    open.hidden = false;
    open.href = links.open.replace("NODE", encodeURIComponent(data.id));
    var provenance = document.getElementById("node-provenance");
    provenance.hidden = data.label !== "Configuration";
    provenance.href = links.provenance.replace("KEY", encodeURIComponent(data.key));
  }

  cy.on("tap", "node", function (event) { show(event.target.id()); });
  document.querySelectorAll("[data-select]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      event.preventDefault();
      show(link.dataset.select);
      document.getElementById("node-details").scrollIntoView({ block: "nearest" });
    });
  });
  var start = cy.nodes("[?start]");
  if (start.nonempty()) { show(start.id()); }
})();
