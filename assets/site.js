// kamsite: small enhancements only. Every page is complete without this script.
(function () {
  "use strict";
  // Print the explanations too: open every <details> before printing, restore after.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.score:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () { opened.forEach(function (d) { d.open = false; }); opened = []; });

  var table = document.getElementById("accounts-table");
  var form = document.getElementById("filters");
  if (!table || !form) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var shown = document.getElementById("shown");
  form.hidden = false;

  function cellKey(row, index, numeric) {
    var cell = row.cells[index];
    var v = cell.getAttribute("data-sort");
    if (v === null) v = cell.textContent.trim();
    if (!numeric) return v.toLowerCase();
    return v === "" ? null : parseFloat(v);
  }

  // Sorting: header buttons; numbers descending first, unknowns always last.
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, index) {
    var numeric = th.hasAttribute("data-num");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") ? th.getAttribute("aria-sort") === "ascending" : numeric;
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var sorted = rows.slice().sort(function (a, b) {
        var x = cellKey(a, index, numeric), y = cellKey(b, index, numeric);
        if (x === null && y === null) return 0;
        if (x === null) return 1;
        if (y === null) return -1;
        var c = x < y ? -1 : x > y ? 1 : 0;
        return descending ? -c : c;
      });
      sorted.forEach(function (r) { tbody.appendChild(r); });
      save();
    });
  });

  // Filtering, kept in the URL so a link reproduces the view.
  function apply() {
    var q = form.elements.q.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (row) {
      var ok = !q || (row.getAttribute("data-search") || row.cells[0].textContent.toLowerCase()).indexOf(q) >= 0;
      Array.prototype.forEach.call(form.querySelectorAll("select"), function (s) {
        if (!ok || !s.value) return;
        var have = row.getAttribute("data-" + s.name) || "";
        ok = s.name === "tag" ? have.split("|").indexOf(s.value) >= 0 : have === s.value;
      });
      row.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = "Showing " + n + " of " + rows.length;
  }
  function save() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (e) { if (e.name && e.value) params.set(e.name, e.value); });
    var sorted = table.querySelector("th[aria-sort]");
    if (sorted) params.set("sort", (sorted.getAttribute("aria-sort") === "descending" ? "-" : "") + headers.indexOf(sorted));
    var search = params.toString();
    try { history.replaceState(null, "", search ? "?" + search : location.pathname); } catch (e) { /* some file:// contexts refuse */ }
  }
  var params = new URLSearchParams(location.search);
  Array.prototype.forEach.call(form.elements, function (e) { if (e.name && params.get(e.name)) e.value = params.get(e.name); });
  form.addEventListener("input", function () { apply(); save(); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(); save(); }, 0); });
  apply();
  var sort = params.get("sort");
  var th = sort ? headers[Math.abs(parseInt(sort, 10))] : null;
  if (th) {
    // The first click sorts in the column's natural direction; a second one reverses it.
    var button = th.querySelector("button");
    button.click();
    if ((th.getAttribute("aria-sort") === "descending") !== (sort.charAt(0) === "-")) button.click();
  }
})();
