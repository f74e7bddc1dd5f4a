// The editors' page of the local stack: rules in force and query insights, as plain text.
(function () {
  "use strict";

  function row(cells) {
    var tr = document.createElement("tr");
    cells.forEach(function (value, i) {
      var td = document.createElement("td");
      td.textContent = String(value);
      if (i > 0 && typeof value === "number") td.className = "n";
      tr.appendChild(td);
    });
    return tr;
  }

  function fill(id, rows, empty) {
    var body = document.getElementById(id);
    body.replaceChildren();
    if (!rows.length) body.appendChild(row([empty]));
    rows.forEach(function (cells) { body.appendChild(row(cells)); });
  }

  function get(path) {
    return fetch(path, { cache: "no-store" }).then(function (r) { return r.json(); });
  }

  var days = new URLSearchParams(location.search).get("days") || "7";
  document.getElementById("hari").textContent = days;

  get("/_local/rules").then(function (data) {
    var current = data.current || {};
    var rules = current.rules || {};
    var counts = ["synonyms", "pins", "hides", "categories"].map(function (k) {
      var v = rules[k] || [];
      return k + " " + (Array.isArray(v) ? v.length : Object.keys(v).length);
    }).join(", ");
    document.getElementById("versi").textContent = current.version
      ? "Versi " + current.version + " oleh " + current.applied_by + " (" + current.applied_at + "): " + counts
      : "Belum ada aturan.";
    fill("sematan", (rules.pins || []).map(function (p) { return [p.query, p.ids.join(", ")]; }),
      "Tidak ada berita yang disematkan.");
  });

  get("/_local/insights?days=" + encodeURIComponent(days)).then(function (data) {
    document.getElementById("jumlah").textContent = data.searches + " pencarian baru.";
    fill("top", data.top.map(function (q) { return [q.query, q.searches]; }), "Belum ada.");
    fill("zero", data.zero_results.map(function (q) { return [q.query, q.searches]; }), "Belum ada.");
    fill("weak", data.weak_results.map(function (q) { return [q.query, q.searches]; }), "Belum ada.");
  });
})();
