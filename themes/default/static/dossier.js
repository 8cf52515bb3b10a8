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
    // data-sort-value orders a column whose value is a label (a verdict in its rule's order).
    var raw = cell.hasAttribute("data-sort-value") ? cell.getAttribute("data-sort-value") : cell.getAttribute("data-value");
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

  // `items` ordered by their `values` (ascending; descending with dir "desc"), equal values in
  // their present order. Each value is computed once, not in every comparison.
  function sortedBy(items, values, kind, dir, collator) {
    var sign = dir === "desc" ? -1 : 1;
    var order = items.map(function (_, i) { return i; });
    order.sort(function (a, b) {
      var x = values[a], y = values[b];
      var c = kind === "text" ? collator.compare(x, y) : (x === y ? 0 : (x < y ? -1 : 1));
      return c !== 0 ? sign * c : a - b;
    });
    return order.map(function (i) { return items[i]; });
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
  // column's key as `sort` with `dir`, the page of a paged list as `page`. Other parameters are
  // kept.
  function controlsToParams(tools, params) {
    if (!tools) return;
    var text = tools.querySelector("[data-filter]");
    if (text) { if (text.value) params.set("q", text.value); else params.delete("q"); }
    tools.querySelectorAll("select[data-filter-column]").forEach(function (select) {
      var column = select.getAttribute("data-filter-column");
      if (select.value) params.set(column, select.value); else params.delete(column);
    });
  }

  function paramsToControls(tools, params) {
    if (!tools) return;
    var text = tools.querySelector("[data-filter]");
    if (text && params.has("q")) text.value = params.get("q");
    tools.querySelectorAll("select[data-filter-column]").forEach(function (select) {
      var value = params.get(select.getAttribute("data-filter-column"));
      if (value !== null && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
      }
    });
  }

  function replaceAddress(path, params) {
    var query = params.toString();
    history.replaceState(null, "", path + (query ? "?" + query : "") + location.hash);
  }

  function writeAddress(table, tools) {
    var params = new URLSearchParams(location.search);
    controlsToParams(tools, params);
    var sorted = table.querySelector("thead th[aria-sort][data-key]");
    if (sorted) {
      params.set("sort", sorted.getAttribute("data-key"));
      params.set("dir", sorted.getAttribute("aria-sort") === "ascending" ? "asc" : "desc");
    }
    replaceAddress(location.pathname, params);
  }

  function readAddress(table, tools) {
    var params = new URLSearchParams(location.search);
    paramsToControls(tools, params);
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
  function fillOptions(table, select, rows) {
    var column = select.getAttribute("data-filter-column");
    offerValues(select, Array.prototype.map.call(rows || table.tBodies[0].rows, function (row) {
      return row.getAttribute("data-" + column);
    }));
  }

  // The same for a list over the rows file: the values of the column in the list's records.
  // The customer index leaves its region and owner selects empty (they grow with the site, and
  // every page of the list would repeat them) and lets this fill them.
  function fillListOptions(select, records) {
    var column = select.getAttribute("data-filter-column");
    offerValues(select, records.map(function (r) { return r[column] == null ? "" : String(r[column]); }));
  }

  // Adds each distinct non-empty value as an option, in the page language's order, to a
  // select that has only its "all" option.
  function offerValues(select, values) {
    if (select.options.length > 1) return;
    var seen = {};
    values.forEach(function (value) { if (value) seen[value] = true; });
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    Object.keys(seen).sort(collator.compare).forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    });
  }

  // The numbered links of page `current` of `count`: the first, the last and two either side
  // of the current one, "…" where pages are skipped (never for a single page), as the
  // build's own pagers (src/site/lists.rs, shown_pages).
  function pagerLinks(current, count, pageLink) {
    var numbers = [1, count];
    for (var n = Math.max(1, current - 2); n <= Math.min(count, current + 2); n++) numbers.push(n);
    numbers = numbers.filter(function (v, i) { return numbers.indexOf(v) === i; })
      .sort(function (a, b) { return a - b; });
    var links = [], previous = 0;
    numbers.forEach(function (n) {
      if (n - previous === 2) links.push(link(previous + 1));
      else if (n - previous > 2) links.push('<span class="gap">…</span>');
      links.push(link(n));
      previous = n;
    });
    function link(n) {
      return n === current ? '<span aria-current="page">' + n + "</span>"
        : '<a href="' + escapeHtml(pageLink(n)) + '" data-page="' + n + '">' + n + "</a>";
    }
    return links.join(" ");
  }

  // A spreadsheet cell that starts like a formula is written as text (as dossier's own CSVs).
  function csvCell(text, isNumber) {
    var t = String(text);
    if (!isNumber && /^[=+\-@\t\r;]/.test(t)) t = "'" + t;
    return /[",\r\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }

  // The rows in view (filtered, in their current order; `rows`, else the table's own) as CSV,
  // made in the browser.
  function download(table, name, rows) {
    var lines = [];
    var heads = table.querySelectorAll("thead th");
    lines.push(Array.prototype.map.call(heads, function (th) { return csvCell(th.textContent.trim(), false); }).join(","));
    Array.prototype.forEach.call(rows || table.tBodies[0].rows, function (row) {
      if (row.hidden) return;
      lines.push(Array.prototype.map.call(row.cells, function (cell) {
        var raw = cell.getAttribute("data-value");
        var isNumber = raw !== null && raw !== "" && !isNaN(Number(raw));
        return csvCell(raw !== null && raw !== "" ? raw : cell.textContent.trim(), isNumber);
      }).join(","));
    });
    saveCsv(lines, name || (table.id + ".csv"));
  }

  function saveCsv(lines, name) {
    var blob = new Blob(["\uFEFF" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  // ---- Lists in pages (src/site/lists.rs) -------------------------------------------------
  // A customer table with `data-rows` shows one page of its list in the HTML. With the rows
  // file (every customer, shared by all lists) the script sorts, filters and pages over every
  // row of the list, and the view (q, filters, sort, dir, page) lives in the address.

  var PAGE = 100;
  var rowsFiles = {};

  // A gzipped file of the site, as a Response to read.
  function fetchGzip(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.arrayBuffer();
    }).then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      // A server that sent it with Content-Encoding: gzip has unpacked it already.
      if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new Response(bytes);
      return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")));
    });
  }

  function loadRows(url) {
    if (!rowsFiles[url]) {
      rowsFiles[url] = fetchGzip(url).then(function (response) {
        return response.json();
      }).then(function (file) {
        var columns = file.columns;
        file.rows = file.rows.map(function (values) {
          var row = {};
          columns.forEach(function (c, i) { row[c] = values[i]; });
          return row;
        });
        return file;
      });
    }
    return rowsFiles[url];
  }

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function time(d) {
    return d ? '<time datetime="' + escapeHtml(d.iso) + '">' + escapeHtml(d.text) + "</time>" : "";
  }

  // The cell of a column key, as the template writes it (partials/customer_table.html).
  function cell(key, r, labels) {
    switch (key) {
      case "id": return "<td>" + escapeHtml(r.id) + "</td>";
      case "name": return '<th scope="row"><a href="' + escapeHtml(r.url) + '">' + escapeHtml(r.name) + "</a></th>";
      case "stage": return "<td>" + escapeHtml(labels.stage[r.stage] || r.stage) + "</td>";
      case "owner": return '<td><a href="' + escapeHtml(r.owner_url) + '">' + escapeHtml(r.owner) + "</a></td>";
      case "grade": return '<td data-value="' + escapeHtml(r.grade) + '">' + escapeHtml(r.grade === "unrated" ? labels.unrated : r.grade) + "</td>";
      case "revenue": return '<td class="num" data-value="' + escapeHtml(r.revenue == null ? "" : r.revenue) + '">' + escapeHtml(r.revenue_display) + "</td>";
      case "last_visit": return '<td data-value="' + escapeHtml(r.last_visit ? r.last_visit.iso : "") + '">' + time(r.last_visit) + "</td>";
      case "days_until_due": return '<td class="num" data-value="' + escapeHtml(r.days_until_due == null ? "" : r.days_until_due) + '">' +
        (r.next_due ? time(r.next_due) + " <small>(" + escapeHtml(r.days_until_due) + ")</small>" : "") + "</td>";
      case "open_complaints": case "warnings": return '<td class="num">' + escapeHtml(r[key]) + "</td>";
      default: return "<td>" + escapeHtml(r[key]) + "</td>";
    }
  }

  function sortValue(r, key, kind) {
    var v = r[key];
    if (key === "last_visit") v = v ? v.iso : "";
    if (kind === "number") return typeof v === "number" ? v : -Infinity;
    if (kind === "grade") { var g = GRADES.indexOf(v); return g === -1 ? GRADES.length : g; }
    return v == null ? "" : String(v);
  }

  function pagedList(table, tools) {
    var keys = Array.prototype.map.call(table.querySelectorAll("thead th[data-key]"), function (th) {
      return th.getAttribute("data-key");
    });
    var filter = (table.getAttribute("data-list-filter") || "").split("=");
    var listColumn = filter[0], listValue = filter.slice(1).join("=");
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    var pager = table.parentNode.parentNode.querySelector("nav.pager");
    var state = { page: 1, key: null, dir: "asc" };
    var file, members, view = [];
    // A numbered page of the HTML (/customers/page/3/) opens that page; the view's address is
    // the list's own with ?page=.
    var numbered = /\/page\/(\d+)\/$/.exec(location.pathname);
    var base = numbered ? location.pathname.slice(0, numbered.index + 1) : location.pathname;

    function inList(r) {
      if (!listColumn) return true;
      var v = r[listColumn];
      return Array.isArray(v) ? v.indexOf(listValue) !== -1 : v === listValue;
    }

    function matches(r, query, selects) {
      if (query) {
        var text = [r.id, r.name, r.owner, r.region, r.industry, file.labels.stage[r.stage], r.grade, r.abc]
          .join(" ").toLowerCase();
        if (text.indexOf(query) === -1) return false;
      }
      for (var i = 0; i < selects.length; i++) {
        var column = selects[i].getAttribute("data-filter-column");
        if (selects[i].value && String(r[column] == null ? "" : r[column]) !== selects[i].value) return false;
      }
      return true;
    }

    function compute() {
      var text = tools && tools.querySelector("[data-filter]");
      var query = text ? text.value.trim().toLowerCase() : "";
      var selects = tools ? tools.querySelectorAll("select[data-filter-column]") : [];
      view = members.filter(function (r) { return matches(r, query, selects); });
      if (state.key) {
        var th = table.querySelector('thead th[data-key="' + state.key + '"]');
        var kind = th ? th.getAttribute("data-sort") : "text";
        var values = view.map(function (r) { return sortValue(r, state.key, kind); });
        view = sortedBy(view, values, kind, state.dir, collator);
      }
    }

    function pageLink(n) {
      var params = new URLSearchParams(location.search);
      if (n > 1) params.set("page", String(n)); else params.delete("page");
      var q = params.toString();
      return base + (q ? "?" + q : "");
    }

    function render() {
      var pages = Math.max(1, Math.ceil(view.length / PAGE));
      if (state.page > pages) state.page = pages;
      var first = (state.page - 1) * PAGE;
      table.tBodies[0].innerHTML = view.slice(first, first + PAGE).map(function (r) {
        return '<tr data-stage="' + escapeHtml(r.stage) + '" data-owner="' + escapeHtml(r.owner) + '">' +
          keys.map(function (k) { return cell(k, r, file.labels); }).join("") + "</tr>";
      }).join("");
      headersState();
      var empty = table.parentNode.parentNode.querySelector(".empty");
      if (empty) empty.hidden = view.length !== 0;
      var count = document.querySelector('[data-count-for="' + table.id + '"]');
      if (count) count.textContent = view.length + " / " + members.length;
      if (pages > 1 || pager) {
        if (!pager) {
          pager = document.createElement("nav");
          pager.className = "pager";
          pager.setAttribute("aria-label", "pages");
          table.parentNode.parentNode.insertBefore(pager, table.parentNode.nextSibling);
        }
        pager.innerHTML = pagerLinks(state.page, pages, pageLink);
        pager.hidden = pages <= 1;
      }
      writeListAddress();
    }

    function headersState() {
      table.querySelectorAll("thead th[data-key]").forEach(function (th) {
        if (th.getAttribute("data-key") === state.key) {
          th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
        } else th.removeAttribute("aria-sort");
      });
    }

    function writeListAddress() {
      var params = new URLSearchParams(location.search);
      controlsToParams(tools, params);
      if (state.key) { params.set("sort", state.key); params.set("dir", state.dir); }
      if (state.page > 1) params.set("page", String(state.page)); else params.delete("page");
      replaceAddress(base, params);
    }

    function readListAddress() {
      var params = new URLSearchParams(location.search);
      paramsToControls(tools, params);
      var key = params.get("sort");
      if (key && keys.indexOf(key) !== -1) { state.key = key; state.dir = params.get("dir") === "desc" ? "desc" : "asc"; }
      var page = parseInt(params.get("page") || (numbered ? numbered[1] : "1"), 10);
      state.page = page > 0 ? page : 1;
    }

    loadRows(table.getAttribute("data-rows")).then(function (loaded) {
      file = loaded;
      members = file.rows.filter(inList);
      if (tools) {
        tools.querySelectorAll("select[data-filter-column]").forEach(function (select) { fillListOptions(select, members); });
      }
      readListAddress();
      compute();
      render();
      table.setAttribute("data-ready", "1");
      table.querySelectorAll("thead th[data-key]").forEach(function (th) {
        th.tabIndex = 0;
        function sort() {
          var key = th.getAttribute("data-key");
          state.dir = state.key === key && state.dir === "asc" ? "desc" : "asc";
          state.key = key;
          state.page = 1;
          compute();
          render();
        }
        th.addEventListener("click", sort);
        th.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
        });
      });
      if (tools) {
        tools.querySelectorAll("input, select").forEach(function (control) {
          control.addEventListener("input", function () { state.page = 1; compute(); render(); });
        });
        tools.querySelectorAll("button[data-download]").forEach(function (button) {
          button.addEventListener("click", function () { downloadRows(table, view, keys, file.labels, button.getAttribute("data-download")); });
        });
      }
      document.addEventListener("click", function (e) {
        var link = e.target.closest && e.target.closest("a[data-page]");
        if (!link || !pager || !pager.contains(link)) return;
        e.preventDefault();
        state.page = parseInt(link.getAttribute("data-page"), 10);
        render();
        table.scrollIntoView({ block: "start" });
      });
    }).catch(function () {
      // Without the rows file the page keeps its own rows: sort and filter those.
      table.removeAttribute("data-rows");
      makeSortable(table);
      if (tools) {
        tools.querySelectorAll("select[data-filter-column]").forEach(function (select) { fillOptions(table, select); });
        tools.querySelectorAll("input, select").forEach(function (control) {
          control.addEventListener("input", function () { applyFilters(table); });
        });
      }
    });
  }

  // Every row in view (filtered, sorted; all pages) as CSV.
  function downloadRows(table, view, keys, labels, name) {
    var heads = table.querySelectorAll("thead th[data-key]");
    var lines = [Array.prototype.map.call(heads, function (th) { return csvCell(th.textContent.trim(), false); }).join(",")];
    view.forEach(function (r) {
      lines.push(keys.map(function (k) {
        var v = r[k];
        if (k === "stage") v = labels.stage[v] || v;
        if (k === "last_visit") v = v ? v.iso : "";
        if (k === "days_until_due") v = r.next_due ? r.next_due.iso : "";
        return csvCell(v == null ? "" : v, typeof v === "number");
      }).join(","));
    });
    saveCsv(lines, name);
  }


  // ---- Long report tables in pages (src/site/report_tables.rs) ------------------------------
  // A report table with `data-table-rows` shows one page of its rows in the HTML; the rows file
  // holds every row as the same template writes it. The script sorts, filters and pages over
  // every row and downloads every row in view; the view lives in the address (q, filters,
  // sort, dir, and the page as <table id>-page, as a page may have several such tables).

  function parseRows(html) {
    var template = document.createElement("template");
    template.innerHTML = "<table><tbody>" + html + "</tbody></table>";
    return Array.prototype.slice.call(template.content.querySelector("tbody").rows);
  }

  function pagedReport(table, tools) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    var next = table.parentNode.nextElementSibling;
    var pager = next && next.matches("nav.pager") ? next : null;
    var pageParam = table.id + "-page";
    // The page of the HTML: 1 on the analysis page, k on its numbered page k.
    var htmlPage = parseInt(table.getAttribute("data-page"), 10) || 1;
    var state = { page: htmlPage, index: -1, dir: "asc" };
    var perPage = parseInt(table.getAttribute("data-per-page"), 10) || PAGE;
    var all = [], texts = [], view = [];

    function compute() {
      var text = tools && tools.querySelector("[data-filter]");
      var query = text ? text.value.trim().toLowerCase() : "";
      var selects = tools ? Array.prototype.slice.call(tools.querySelectorAll("select[data-filter-column]")) : [];
      view = all.filter(function (row, i) {
        if (query && texts[i].indexOf(query) === -1) return false;
        return selects.every(function (select) {
          return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter-column")) === select.value;
        });
      });
      if (state.index < 0) return;
      var kind = heads[state.index].getAttribute("data-sort");
      var values = view.map(function (row) { return cellValue(row, state.index, kind); });
      view = sortedBy(view, values, kind, state.dir, collator);
    }

    function pageLink(n) {
      var params = new URLSearchParams(location.search);
      if (n !== htmlPage) params.set(pageParam, String(n)); else params.delete(pageParam);
      return location.pathname + "?" + params.toString();
    }

    function render() {
      var pages = Math.max(1, Math.ceil(view.length / perPage));
      if (state.page > pages) state.page = pages;
      var first = (state.page - 1) * perPage;
      var body = table.tBodies[0];
      body.textContent = "";
      view.slice(first, first + perPage).forEach(function (row) { body.appendChild(row); });
      heads.forEach(function (th, i) {
        if (i === state.index) th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
        else th.removeAttribute("aria-sort");
      });
      var count = document.querySelector('[data-count-for="' + table.id + '"]');
      if (count) count.textContent = view.length + " / " + all.length;
      if (pager) {
        pager.innerHTML = pagerLinks(state.page, pages, pageLink);
        pager.hidden = pages <= 1;
      }
      writeReportAddress();
    }

    function writeReportAddress() {
      var params = new URLSearchParams(location.search);
      controlsToParams(tools, params);
      if (state.index >= 0) {
        params.set("sort", heads[state.index].getAttribute("data-key"));
        params.set("dir", state.dir);
      }
      if (state.page !== htmlPage) params.set(pageParam, String(state.page)); else params.delete(pageParam);
      replaceAddress(location.pathname, params);
    }

    function readReportAddress() {
      var params = new URLSearchParams(location.search);
      paramsToControls(tools, params);
      var key = params.get("sort");
      var index = heads.findIndex(function (th) { return th.getAttribute("data-key") === key; });
      if (index >= 0) { state.index = index; state.dir = params.get("dir") === "desc" ? "desc" : "asc"; }
      var page = parseInt(params.get(pageParam) || "", 10);
      if (page > 0) state.page = page;
    }

    function sortBy(index) {
      state.dir = state.index === index && state.dir === "asc" ? "desc" : "asc";
      state.index = index;
      state.page = 1;
      compute();
      render();
    }

    fetchGzip(table.getAttribute("data-table-rows")).then(function (response) {
      return response.text();
    }).then(function (html) {
      all = parseRows(html);
      texts = all.map(function (row) { return row.textContent.toLowerCase(); });
      if (tools) {
        tools.querySelectorAll("select[data-filter-column]").forEach(function (select) { fillOptions(table, select, all); });
      }
      readReportAddress();
      compute();
      render();
      table.setAttribute("data-ready", "1");
      heads.forEach(function (th, index) {
        if (!th.hasAttribute("data-sort")) return;
        th.tabIndex = 0;
        th.addEventListener("click", function () { sortBy(index); });
        th.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(index); }
        });
      });
      if (tools) {
        tools.querySelectorAll("input, select").forEach(function (control) {
          control.addEventListener("input", function () { state.page = 1; compute(); render(); });
        });
        tools.querySelectorAll("button[data-download]").forEach(function (button) {
          button.addEventListener("click", function () { download(table, button.getAttribute("data-download"), view); });
        });
      }
      if (pager) {
        pager.addEventListener("click", function (e) {
          var link = e.target.closest && e.target.closest("a[data-page]");
          if (!link) return;
          e.preventDefault();
          state.page = parseInt(link.getAttribute("data-page"), 10);
          render();
          table.scrollIntoView({ block: "start" });
        });
      }
    }).catch(function () {
      // Without the rows file the page keeps its own rows: sort and filter those.
      table.removeAttribute("data-table-rows");
      enhanceTable(table, tools);
    });
  }

  // A table whose rows are all in the page: sort and filter them where they are.
  function enhanceTable(table, tools) {
    makeSortable(table);
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
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    var tools = document.querySelector('.table-tools[data-for="' + table.id + '"]');
    var compressed = typeof DecompressionStream === "function";
    if (table.hasAttribute("data-rows") && compressed) {
      if (tools) tools.hidden = false;
      pagedList(table, tools);
      return;
    }
    if (table.hasAttribute("data-table-rows") && compressed) {
      if (tools) tools.hidden = false;
      pagedReport(table, tools);
      return;
    }
    enhanceTable(table, tools);
  });
})();
