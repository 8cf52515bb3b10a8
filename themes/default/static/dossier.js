// dossier: sorting and filtering for tables. Pages read fully without it; it only enhances
// tables with class "sortable" and the filter controls shown when it runs. The filters and the
// sort of a table with filter controls live in the address (?q=…&owner=…&sort=revenue&dir=desc),
// so a view can be bookmarked and shared.
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
      function sort(direction) {
        var ascending = typeof direction === "string"
          ? direction !== "desc" : th.getAttribute("aria-sort") !== "ascending";
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
        if (table.onsorted) table.onsorted();
      }
      th.sortBy = sort;
      th.addEventListener("click", function () { sort(); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  }

  // The view in the address: the text filter as `q`, each select as its column, the sorted
  // column's key as `sort` with `dir`. Other parameters are kept.
  function writeAddress(table, tools) {
    var params = new URLSearchParams(location.search);
    var text = tools.querySelector("[data-filter]");
    if (text) { if (text.value) params.set("q", text.value); else params.delete("q"); }
    tools.querySelectorAll("select[data-filter-column]").forEach(function (select) {
      var column = select.getAttribute("data-filter-column");
      if (select.value) params.set(column, select.value); else params.delete(column);
    });
    var sorted = table.querySelector("thead th[aria-sort][data-key]");
    if (sorted) {
      params.set("sort", sorted.getAttribute("data-key"));
      params.set("dir", sorted.getAttribute("aria-sort") === "ascending" ? "asc" : "desc");
    }
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function readAddress(table, tools) {
    var params = new URLSearchParams(location.search);
    var text = tools.querySelector("[data-filter]");
    if (text && params.has("q")) text.value = params.get("q");
    tools.querySelectorAll("select[data-filter-column]").forEach(function (select) {
      var value = params.get(select.getAttribute("data-filter-column"));
      if (value !== null && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
      }
    });
    var key = params.get("sort");
    var th = key && table.querySelector('thead th[data-key="' + CSS.escape(key) + '"]');
    if (th) th.sortBy(params.get("dir") === "desc" ? "desc" : "asc");
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

  // A select without options of its own offers the values its column's rows have.
  function fillOptions(table, select) {
    if (select.options.length > 1) return;
    var column = select.getAttribute("data-filter-column");
    var seen = {};
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var value = row.getAttribute("data-" + column);
      if (value) seen[value] = true;
    });
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    Object.keys(seen).sort(collator.compare).forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    });
  }

  // A spreadsheet cell that starts like a formula is written as text (as dossier's own CSVs).
  function csvCell(text, isNumber) {
    var t = String(text);
    if (!isNumber && /^[=+\-@\t\r;]/.test(t)) t = "'" + t;
    return /[",\r\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }

  // The rows in view (filtered, in their current order) as CSV, made in the browser.
  function download(table, name) {
    var lines = [];
    var heads = table.querySelectorAll("thead th");
    lines.push(Array.prototype.map.call(heads, function (th) { return csvCell(th.textContent.trim(), false); }).join(","));
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      if (row.hidden) return;
      lines.push(Array.prototype.map.call(row.cells, function (cell) {
        var raw = cell.getAttribute("data-value");
        var isNumber = raw !== null && raw !== "" && !isNaN(Number(raw));
        return csvCell(raw !== null && raw !== "" ? raw : cell.textContent.trim(), isNumber);
      }).join(","));
    });
    var blob = new Blob(["\uFEFF" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name || (table.id + ".csv");
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    makeSortable(table);
    var tools = document.querySelector('.table-tools[data-for="' + table.id + '"]');
    if (!tools) return;
    tools.hidden = false;
    tools.querySelectorAll("select[data-filter-column]").forEach(function (select) { fillOptions(table, select); });
    tools.querySelectorAll("button[data-download]").forEach(function (button) {
      button.addEventListener("click", function () { download(table, button.getAttribute("data-download")); });
    });
    readAddress(table, tools);
    applyFilters(table);
    table.onsorted = function () { writeAddress(table, tools); };
    tools.querySelectorAll("input, select").forEach(function (control) {
      control.addEventListener("input", function () {
        applyFilters(table);
        writeAddress(table, tools);
      });
    });
  });
})();
