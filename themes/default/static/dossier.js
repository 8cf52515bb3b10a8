// dossier: sorting and filtering for tables. Pages read fully without it; it only enhances
// tables with class "sortable" and the filter controls shown when it runs.
(function () {
  "use strict";

  // Credit grades best first; three-grade classes and "unrated" after the nine grades.
  var GRADES = ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "unrated"];

  function cellValue(row, index, kind) {
    var cell = row.children[index];
    if (!cell) return kind === "text" ? "" : -Infinity;
    var raw = cell.getAttribute("data-value");
    var text = raw !== null ? raw : cell.textContent.trim();
    if (kind === "number") {
      var n = parseFloat(text);
      return isNaN(n) ? -Infinity : n;
    }
    if (kind === "grade") {
      var g = GRADES.indexOf(text);
      return g === -1 ? GRADES.length : g;
    }
    return text;
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th[data-sort]");
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    headers.forEach(function (th, index) {
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var kind = th.getAttribute("data-sort");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
          var c = kind === "text" ? collator.compare(x, y) : x - y;
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  }

  function applyFilters(table) {
    var text = document.querySelector('[data-filter="' + table.id + '"]');
    var selects = document.querySelectorAll('[data-filter-table="' + table.id + '"]');
    var query = text ? text.value.trim().toLowerCase() : "";
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var ok = !query || row.textContent.toLowerCase().indexOf(query) !== -1;
      selects.forEach(function (select) {
        var column = select.getAttribute("data-filter-column");
        if (select.value && row.getAttribute("data-" + column) !== select.value) ok = false;
      });
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    var empty = table.parentNode.parentNode.querySelector(".empty");
    if (empty) empty.hidden = shown !== 0;
    var count = document.querySelector('[data-count-for="' + table.id + '"]');
    if (count) count.textContent = shown + " / " + table.tBodies[0].rows.length;
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    makeSortable(table);
    var tools = document.querySelector('.table-tools[data-for="' + table.id + '"]');
    if (!tools) return;
    tools.hidden = false;
    tools.querySelectorAll("input, select").forEach(function (control) {
      control.addEventListener("input", function () { applyFilters(table); });
    });
  });
})();
