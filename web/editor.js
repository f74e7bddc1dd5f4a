// The editors' page of the local stack: rules in force and query insights, as plain text.
(function () {
  "use strict";

  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];
  // What each part of the rules is called in the summary ("2 sematan, 1 kelompok sinonim").
  var PARTS = [["synonyms", "kelompok sinonim"], ["pins", "sematan"], ["hides", "penyembunyian"],
    ["categories", "pemetaan kategori"]];

  function row(cells) {
    var tr = document.createElement("tr");
    cells.forEach(function (value, i) {
      var td = document.createElement("td");
      td.textContent = typeof value === "number" ? value.toLocaleString("id-ID") : String(value);
      if (i > 0 && typeof value === "number") td.className = "n";
      tr.appendChild(td);
    });
    return tr;
  }

  function fill(id, rows, empty) {
    var body = document.getElementById(id);
    body.replaceChildren();
    if (!rows.length) {
      var only = row([empty]);
      only.firstChild.colSpan = body.parentNode.querySelectorAll("thead th").length || 1;
      body.appendChild(only);
    }
    rows.forEach(function (cells) { body.appendChild(row(cells)); });
  }

  function say(id, text, problem) {
    var node = document.getElementById(id);
    node.textContent = text;
    node.classList.toggle("problem", !!problem);
  }

  /** JSON of a local route; a refused or failed request rejects with {status, message}. */
  function get(path) {
    return fetch(path, { cache: "no-store" }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) {
        if (r.ok && body) return body;
        var error = body && body.error;
        throw { status: r.status, message: (error && error.message) || (typeof error === "string" ? error : "") };
      });
    });
  }

  function failure(what, error) {
    if (error && error.status === 400) {
      return what + " tidak dapat dimuat: " + (error.message || "permintaan tidak valid") + ".";
    }
    if (error && error.status) {
      return what + " tidak dapat dimuat (galat " + error.status + "). Lihat pesan layanan lokal di terminal.";
    }
    return what + " tidak dapat dimuat: layanan lokal tidak dapat dihubungi. Apakah `make run` masih berjalan?";
  }

  /** "2026-12-03T19:58:36+00:00" -> "3 Desember 2026 19.58 UTC" (as stored, in UTC). */
  function when(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
    if (!m) return iso || "";
    return parseInt(m[3], 10) + " " + MONTHS[parseInt(m[2], 10) - 1] + " " + m[1] + " " + m[4] + "." + m[5] + " UTC";
  }

  var asked = new URLSearchParams(location.search).get("days");
  var days = asked === null ? "7" : asked;
  if (/^[1-9][0-9]{0,2}$/.test(days)) document.getElementById("hari").textContent = days;

  get("/_local/rules").then(function (data) {
    var current = data.current || {};
    var rules = current.rules || {};
    var counts = PARTS.map(function (part) {
      var v = rules[part[0]] || [];
      return (Array.isArray(v) ? v.length : Object.keys(v).length) + " " + part[1];
    }).join(", ");
    say("versi", current.version
      ? "Versi " + current.version + ", diterapkan oleh " + current.applied_by + " pada " +
        when(current.applied_at) + ": " + counts + "."
      : "Belum ada aturan.");
    fill("sematan", (rules.pins || []).map(function (p) { return [p.query, p.ids.join(", ")]; }),
      "Tidak ada berita yang disematkan.");
  }).catch(function (error) {
    say("versi", failure("Aturan yang berlaku", error), true);
    fill("sematan", [], "—");
  });

  get("/_local/insights?days=" + encodeURIComponent(days)).then(function (data) {
    say("jumlah", data.searches.toLocaleString("id-ID") + " pencarian baru (halaman pertama, tanpa filter, " +
      "urutan paling relevan).");
    fill("top", data.top.map(function (q) { return [q.query, q.searches, q.avg_hits]; }), "Belum ada.");
    fill("zero", data.zero_results.map(function (q) { return [q.query, q.searches]; }), "Belum ada.");
    fill("weak", data.weak_results.map(function (q) { return [q.query, q.searches, q.avg_hits]; }), "Belum ada.");
  }).catch(function (error) {
    say("jumlah", failure("Wawasan kueri", error), true);
    ["top", "zero", "weak"].forEach(function (id) { fill(id, [], "—"); });
  });
})();
