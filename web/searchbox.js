/*
 * CariBerita search box: a dependency-free widget for news sites.
 *
 * Embed with one script tag and a container pointed at the API:
 *   <div data-cariberita-search data-api-url="https://api.example.com/Prod/"></div>
 *   <script src="https://cdn.example.com/searchbox.js" defer></script>
 * Optional data attributes: data-page-size (default 10), data-css="none" (do not load the
 * bundled stylesheet, which is otherwise loaded from next to this script), data-url-state="true"
 * (keep the query and filters in the page URL, so a search can be shared or reloaded),
 * data-paging="cursor" ("Sebelumnya"/"Berikutnya" through the API's cursors instead of page
 * numbers; page numbers switch to cursors by themselves past the API's 10,000-result window).
 * Or from code: CariBeritaSearch.mount(element, {apiUrl: "...", pageSize: 10, paging: "cursor"}).
 * Requests carry Accept-Language from the page's <html lang> (default "id"), so the API's error
 * messages, which the box shows, are in the page's language.
 *
 * Safety: the API HTML-escapes every string. Plain fields are decoded and set as textContent;
 * only title_html/snippet_html go through innerHTML, and only after checking that their sole
 * tags are <mark> and </mark>.
 */
(function () {
  "use strict";

  var SCRIPT = document.currentScript;
  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];
  var MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"];
  var RESULT_WINDOW = 10000;
  var DEBOUNCE_MS = 200;
  var instances = 0;

  // --- small helpers ----------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#x27;": "'", "&#39;": "'" };

  /** The API's HTML-escaped text back to plain text (for textContent, never for innerHTML). */
  function unescapeText(text) {
    return String(text || "").replace(/&(amp|lt|gt|quot|#x27|#39);/g, function (m) {
      return ENTITIES[m];
    });
  }

  /** True when the only markup in an escaped fragment is <mark>…</mark>. */
  function onlyMarks(html) {
    return !/[<>]/.test(String(html).replace(/<\/?mark>/g, ""));
  }

  function setHighlighted(node, html, fallback) {
    if (typeof html === "string" && onlyMarks(html)) node.innerHTML = html;
    else node.textContent = unescapeText(String(html || fallback || "").replace(/<\/?mark>/g, ""));
  }

  /** "2024-02-19T20:04:00+07:00" -> "19 Februari 2024" (the date as published, in its zone). */
  function formatDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) return "";
    return parseInt(m[3], 10) + " " + MONTHS[parseInt(m[2], 10) - 1] + " " + m[1];
  }

  function formatNumber(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function titleCase(text) {
    return text.toLowerCase().replace(/(^|[\s/])(\S)/g, function (_, sep, ch) {
      return sep + ch.toUpperCase();
    });
  }

  /** The page's language for the API's messages: <html lang="en-GB"> -> "en-GB", else "id". */
  function pageLanguage() {
    return (document.documentElement.getAttribute("lang") || "").trim() || "id";
  }

  function requestHeaders() {
    return { Accept: "application/json", "Accept-Language": pageLanguage() };
  }

  /** "2019-10" -> {from: "2019-10-01", to: "2019-10-31", label: "Oktober 2019", short: "Okt"}. */
  function monthRange(month) {
    var m = /^(\d{4})-(\d{2})$/.exec(month || "");
    if (!m) return null;
    var year = parseInt(m[1], 10), index = parseInt(m[2], 10) - 1;
    if (index < 0 || index > 11) return null;
    var last = new Date(Date.UTC(year, index + 1, 0)).getUTCDate();
    return { from: month + "-01", to: month + "-" + last, label: MONTHS[index] + " " + year,
      short: MONTHS_SHORT[index], year: m[1] };
  }

  /** An https picture in a fixed box; a broken one leaves the empty box (no icon, no shift). */
  function thumbnail(url, className) {
    var src = unescapeText(url);
    if (!/^https:\/\//i.test(src)) return null;
    var box = el("div", { className: "cb-thumb " + (className || "") });
    var img = el("img", { src: src, alt: "", loading: "lazy", decoding: "async", width: "120", height: "80" });
    img.addEventListener("error", function () {
      box.classList.add("cb-thumb-missing");
      if (img.parentNode) img.parentNode.removeChild(img);
    });
    box.appendChild(img);
    return box;
  }

  function loadStylesheet() {
    if (!SCRIPT || !SCRIPT.src || document.querySelector("link[data-cariberita-css]")) return;
    var href = SCRIPT.src.replace(/searchbox(\.min)?\.js(\?.*)?$/, "searchbox.css");
    document.head.appendChild(el("link", { rel: "stylesheet", href: href, "data-cariberita-css": true }));
  }

  // --- the widget -------------------------------------------------------------------------

  function SearchBox(root, options) {
    this.root = root;
    this.id = "cb" + (++instances);
    var base = options.apiUrl || "";
    base = new URL(base || ".", document.baseURI).href;
    this.apiBase = base.charAt(base.length - 1) === "/" ? base : base + "/";
    this.pageSize = Math.max(1, Math.min(50, parseInt(options.pageSize, 10) || 10));
    this.state = { q: "", categories: [], publishers: [], author: "", dateFrom: "", dateTo: "",
      sort: "relevance", page: 1, cursor: null };
    // Cursor paging: {cursor, page} of each page before this one, so "Sebelumnya" can go back.
    this.cursors = [];
    this.cursorPaging = options.paging === "cursor";
    this.searchSeq = 0;
    this.suggestSeq = 0;
    this.suggestions = [];
    this.active = -1;
    this.labels = {};
    this.urlState = !!options.urlState;
    this.build();
    if (this.urlState) this.readUrl();
    this.search();
  }

  /** Opt-in (data-url-state): start from the page URL's ?q=&category=…, so links can be shared. */
  SearchBox.prototype.readUrl = function () {
    var p = new URLSearchParams(window.location.search), s = this.state;
    var iso = /^\d{4}-\d{2}-\d{2}$/;
    s.q = (p.get("q") || "").slice(0, 200);
    s.categories = p.getAll("category").slice(0, 10);
    s.publishers = p.getAll("publisher").slice(0, 10);
    s.author = (p.get("author") || "").slice(0, 200);
    s.dateFrom = iso.test(p.get("date_from") || "") ? p.get("date_from") : "";
    s.dateTo = iso.test(p.get("date_to") || "") ? p.get("date_to") : "";
    s.sort = ["relevance", "newest", "oldest"].indexOf(p.get("sort")) >= 0 ? p.get("sort") : "relevance";
    s.page = Math.max(1, parseInt(p.get("page"), 10) || 1);
    this.input.value = s.q;
    this.sort.value = s.sort;
    this.dateFrom.value = s.dateFrom;
    this.dateTo.value = s.dateTo;
  };

  SearchBox.prototype.writeUrl = function () {
    var s = this.state, url = new URL(window.location.href);
    var names = ["q", "category", "publisher", "author", "date_from", "date_to", "sort", "page"];
    names.forEach(function (k) { url.searchParams.delete(k); });
    var values = { q: s.q, category: s.categories, publisher: s.publishers, author: s.author,
      date_from: s.dateFrom, date_to: s.dateTo, sort: s.sort === "relevance" ? "" : s.sort,
      page: s.page > 1 && !s.cursor ? s.page : "" };
    Object.keys(values).forEach(function (k) {
      [].concat(values[k]).forEach(function (v) { if (v) url.searchParams.append(k, v); });
    });
    if (url.href !== window.location.href) window.history.replaceState(null, "", url.href);
  };

  SearchBox.prototype.url = function (path, params) {
    var url = new URL(path, this.apiBase);
    Object.keys(params).forEach(function (name) {
      var value = params[name];
      (Array.isArray(value) ? value : [value]).forEach(function (v) {
        if (v !== "" && v !== null && v !== undefined) url.searchParams.append(name, v);
      });
    });
    return url.href;
  };

  SearchBox.prototype.build = function () {
    var id = this.id, self = this;
    this.input = el("input", {
      id: id + "-q", type: "search", className: "cb-input", autocomplete: "off", spellcheck: "false",
      placeholder: "Cari berita, mis. pelayanan publik", role: "combobox", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": id + "-suggest", enterkeyhint: "search",
      oninput: function () { self.onInput(); }, onkeydown: function (e) { self.onKey(e); },
      onblur: function () { setTimeout(function () { self.closeSuggestions(); }, 150); }
    });
    this.list = el("ul", { id: id + "-suggest", role: "listbox", className: "cb-suggest", hidden: true,
      "aria-label": "Saran judul berita" });
    // Announces how many suggestions opened (screen readers do not read a listbox appearing).
    // A bare aria-live region, not role="status": the page's one status is the result count.
    this.suggestStatus = el("div", { className: "cb-sr cb-suggest-count", "aria-live": "polite",
      "aria-atomic": "true" });
    var button = el("button", { type: "submit", className: "cb-submit", text: "Cari" });
    var form = el("form", { role: "search", className: "cb-form", onsubmit: function (e) {
      e.preventDefault(); self.closeSuggestions(); self.submit(self.input.value);
    } }, [
      el("label", { "for": id + "-q", className: "cb-label", text: "Cari berita" }),
      el("div", { className: "cb-combo" }, [this.input, this.list]), button
    ]);

    this.sort = el("select", { id: id + "-sort", onchange: function () {
      self.update({ sort: self.sort.value });
    } }, [
      el("option", { value: "relevance", text: "Paling relevan" }),
      el("option", { value: "newest", text: "Terbaru" }),
      el("option", { value: "oldest", text: "Terlama" })
    ]);
    this.dateFrom = el("input", { type: "date", id: id + "-from", onchange: function () {
      self.update({ dateFrom: self.dateFrom.value });
    } });
    this.dateTo = el("input", { type: "date", id: id + "-to", onchange: function () {
      self.update({ dateTo: self.dateTo.value });
    } });
    this.facets = el("ul", { className: "cb-facets", "aria-labelledby": id + "-cat" });
    this.publisherChips = el("ul", { className: "cb-chips", "aria-labelledby": id + "-pub" });
    this.authorChips = el("ul", { className: "cb-chips", "aria-labelledby": id + "-aut" });
    this.clearPublishers = el("button", { type: "button", className: "cb-clear", text: "Hapus",
      "aria-label": "Hapus pilihan penerbit", hidden: true,
      onclick: function () { self.update({ publishers: [] }); } });
    this.clearAuthor = el("button", { type: "button", className: "cb-clear", text: "Hapus",
      "aria-label": "Hapus pilihan penulis", hidden: true,
      onclick: function () { self.update({ author: "" }); } });
    function group(headingId, text, clear, list) {
      return [el("div", { className: "cb-group-head" }, [
        el("h3", { className: "cb-heading", id: headingId, text: text }), clear]), list];
    }
    var filters = el("div", { className: "cb-filters" }, [
      el("div", { className: "cb-field" }, [el("label", { "for": id + "-sort", text: "Urutkan" }), this.sort]),
      el("div", { className: "cb-field" }, [el("label", { "for": id + "-from", text: "Dari tanggal" }), this.dateFrom]),
      el("div", { className: "cb-field" }, [el("label", { "for": id + "-to", text: "Sampai tanggal" }), this.dateTo]),
      el("h3", { className: "cb-heading", id: id + "-cat", text: "Kategori" }), this.facets
    ].concat(group(id + "-pub", "Penerbit", this.clearPublishers, this.publisherChips))
      .concat(group(id + "-aut", "Penulis", this.clearAuthor, this.authorChips)));
    this.status = el("p", { className: "cb-status", role: "status", "aria-live": "polite" });
    this.dym = el("p", { className: "cb-dym", hidden: true });
    this.histogram = el("ul", { className: "cb-hist", "aria-labelledby": id + "-months" });
    this.clearDates = el("button", { type: "button", className: "cb-clear", text: "Semua tanggal",
      hidden: true, onclick: function () { self.setDates("", ""); } });
    this.months = el("div", { className: "cb-months", hidden: true }, [
      el("div", { className: "cb-group-head" }, [
        el("h3", { className: "cb-heading", id: id + "-months", text: "Berita per bulan" }), this.clearDates]),
      this.histogram
    ]);
    this.results = el("ol", { className: "cb-results", "aria-labelledby": id + "-status" });
    this.status.id = id + "-status";
    this.pager = el("nav", { className: "cb-pager", "aria-label": "Halaman hasil" });
    this.root.classList.add("cb-root");
    this.root.textContent = "";
    this.root.appendChild(form);
    this.root.appendChild(this.suggestStatus);
    this.root.appendChild(el("div", { className: "cb-body" }, [
      // Hidden h2s give the box's h3s a parent: a page's h1 is followed by h2, not h3.
      el("aside", { className: "cb-aside", "aria-labelledby": id + "-h-filters" }, [
        el("h2", { className: "cb-sr", id: id + "-h-filters", text: "Saring hasil" }), filters]),
      el("section", { className: "cb-main", "aria-labelledby": id + "-h-results" }, [
        el("h2", { className: "cb-sr", id: id + "-h-results", text: "Hasil pencarian" }),
        this.status, this.dym, this.months, this.results, this.pager])
    ]));
  };

  SearchBox.prototype.setDates = function (from, to) {
    this.dateFrom.value = from;
    this.dateTo.value = to;
    this.update({ dateFrom: from, dateTo: to });
  };

  // --- suggestions (combobox) ---------------------------------------------------------------

  SearchBox.prototype.onInput = function () {
    var self = this, q = this.input.value.trim();
    clearTimeout(this.timer);
    if (q.length < 2) { this.closeSuggestions(); return; }
    this.timer = setTimeout(function () { self.fetchSuggestions(q); }, DEBOUNCE_MS);
  };

  SearchBox.prototype.fetchSuggestions = function (q) {
    var self = this, seq = ++this.suggestSeq;
    fetch(this.url("suggest", { q: q }), { headers: requestHeaders() })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) {
        if (seq !== self.suggestSeq || self.input.value.trim() !== q) return;
        self.showSuggestions((data && data.suggestions) || []);
      })
      .catch(function () { if (seq === self.suggestSeq) self.closeSuggestions(); });
  };

  SearchBox.prototype.showSuggestions = function (items) {
    var self = this;
    // A late answer for the same text must not drop the option the reader moved to.
    var kept = this.active >= 0 ? this.suggestions[this.active].id : null;
    this.suggestions = items;
    this.active = -1;
    this.list.textContent = "";
    this.input.removeAttribute("aria-activedescendant");
    items.forEach(function (item, n) {
      self.list.appendChild(el("li", {
        id: self.id + "-opt-" + n, role: "option", className: "cb-option", "aria-selected": "false",
        text: unescapeText(item.title),
        onmousedown: function (e) { e.preventDefault(); self.pick(n); }
      }));
    });
    var open = items.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    var announce = open ? items.length + " saran judul; pilih dengan panah bawah dan atas, lalu Enter." : "";
    if (this.suggestStatus.textContent !== announce) this.suggestStatus.textContent = announce;
    var again = items.map(function (item) { return item.id; }).indexOf(kept);
    if (kept !== null && again >= 0) this.move(again + 1);
  };

  SearchBox.prototype.closeSuggestions = function () {
    this.suggestSeq++;
    clearTimeout(this.timer);
    this.showSuggestions([]);
  };

  SearchBox.prototype.move = function (step) {
    var count = this.suggestions.length;
    if (!count) return;
    // Positions cycle through the options and back to the input itself (active -1).
    this.active = ((this.active + 1 + step + count + 1) % (count + 1)) - 1;
    var options = this.list.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    }
    if (this.active >= 0) {
      this.input.setAttribute("aria-activedescendant", options[this.active].id);
      options[this.active].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  SearchBox.prototype.pick = function (n) {
    var title = unescapeText(this.suggestions[n].title);
    this.input.value = title;
    this.closeSuggestions();
    this.submit(title);
  };

  SearchBox.prototype.onKey = function (e) {
    var open = !this.list.hidden;
    if (e.key === "ArrowDown") { e.preventDefault(); if (open) this.move(1); else this.onInput(); }
    else if (e.key === "ArrowUp") { if (open) { e.preventDefault(); this.move(-1); } }
    else if (e.key === "Escape") { if (open) { e.preventDefault(); this.closeSuggestions(); } }
    else if (e.key === "Enter" && open && this.active >= 0) { e.preventDefault(); this.pick(this.active); }
  };

  // --- searching --------------------------------------------------------------------------

  SearchBox.prototype.submit = function (q) {
    this.update({ q: String(q || "").trim() });
  };

  /** Change part of the state; any change but the page goes back to page 1. */
  SearchBox.prototype.update = function (changes) {
    var s = this.state;
    Object.keys(changes).forEach(function (k) { s[k] = changes[k]; });
    if (!("page" in changes)) s.page = 1;
    if (!("cursor" in changes)) {  // a new search or a page number: the cursor trail starts again
      s.cursor = null;
      this.cursors = [];
    }
    this.search();
  };

  SearchBox.prototype.search = function () {
    var self = this, s = this.state, seq = ++this.searchSeq;
    this.root.setAttribute("aria-busy", "true");
    this.root.classList.add("cb-loading");
    this.setStatus("Memuat hasil…");
    if (this.urlState) this.writeUrl();
    var params = { q: s.q, category: s.categories, publisher: s.publishers, author: s.author,
      date_from: s.dateFrom, date_to: s.dateTo, sort: s.sort, size: this.pageSize };
    if (s.cursor) params.cursor = s.cursor; else params.page = s.page;
    fetch(this.url("search", params), { headers: requestHeaders() })
      .then(function (r) {
        return r.json().catch(function () { return null; }).then(function (body) {
          return { ok: r.ok, status: r.status, body: body };
        });
      })
      .then(function (res) {
        if (seq !== self.searchSeq) return;
        if (res.ok && res.body && Array.isArray(res.body.results)) self.render(res.body);
        else self.showError(res.status, res.body);
      })
      .catch(function () { if (seq === self.searchSeq) self.showError(0, null); })
      .then(function () {
        if (seq !== self.searchSeq) return;
        self.root.removeAttribute("aria-busy");
        self.root.classList.remove("cb-loading");
      });
  };

  SearchBox.prototype.setStatus = function (text, kind) {
    this.status.textContent = text;
    this.status.className = "cb-status" + (kind ? " cb-" + kind : "");
  };

  SearchBox.prototype.showError = function (status, body) {
    var self = this;
    // The API's own message (in the language of Accept-Language) for 400, 404 and 503; ours when
    // the API could not be reached or gave no message.
    var given = body && body.error && typeof body.error.message === "string" ? body.error.message : "";
    var message = given && status >= 400 && status !== 500
      ? unescapeText(given)
      : status === 0 || status >= 500
        ? "Maaf, layanan pencarian sedang tidak dapat dihubungi. Silakan coba lagi sebentar lagi."
        : "Maaf, terjadi kesalahan (" + status + ").";
    this.results.textContent = "";
    this.pager.textContent = "";
    this.months.hidden = true;
    this.dym.hidden = true;
    this.setStatus(message, "error");
    this.results.appendChild(el("li", { className: "cb-retry-row" }, [
      el("button", { type: "button", className: "cb-retry", text: "Coba lagi",
        onclick: function () { self.search(); } })
    ]));
  };

  SearchBox.prototype.render = function (data) {
    var s = this.state, total = data.total || { value: 0, exact: true }, facets = data.facets || {};
    this.renderFacets(facets.categories || []);
    this.renderChips(facets.publishers || [], facets.authors || []);
    this.renderMonths(facets.months || []);
    this.renderDidYouMean(data.did_you_mean);
    this.results.textContent = "";
    if (!data.results.length) {
      var what = s.q ? "“" + s.q + "”" : "pencarian ini";
      this.setStatus("Tidak ada berita yang cocok dengan " + what + ". Coba kata lain, periksa ejaan, " +
        "atau hapus filter.", "empty");
      this.pager.textContent = "";
      return;
    }
    var count = formatNumber(total.value) + (total.exact ? "" : "+");
    var scope = s.q ? " untuk “" + s.q + "”" : " terbaru";
    this.setStatus(count + " berita ditemukan" + scope + ".");
    var self = this;
    data.results.forEach(function (item) { self.results.appendChild(self.renderResult(item)); });
    this.renderPager(data, total);
  };

  SearchBox.prototype.renderResult = function (item) {
    var title = el("h3", { className: "cb-title" });
    var url = unescapeText(item.url);
    var safe = /^https?:\/\//i.test(url);  // never a javascript: or data: link
    var link = el(safe ? "a" : "span", { href: safe ? url : null, rel: safe ? "noopener" : null });
    setHighlighted(link, item.title_html, item.title);
    title.appendChild(link);
    var meta = el("p", { className: "cb-meta" });
    var label = this.categoryLabel(item);
    if (label) meta.appendChild(el("span", { className: "cb-category", text: label }));
    var date = formatDate(item.published_at);
    if (date) meta.appendChild(el("time", { datetime: item.published_at, text: date }));
    if (item.author) meta.appendChild(el("span", { className: "cb-author", text: unescapeText(item.author) }));
    if (item.publisher) meta.appendChild(el("span", { className: "cb-publisher", text: unescapeText(item.publisher) }));
    var snippet = el("p", { className: "cb-snippet" });
    setHighlighted(snippet, item.snippet_html, "");
    var text = el("div", { className: "cb-result-text" }, [title, meta, snippet, this.renderCopies(item)]);
    var thumb = item.image_url ? thumbnail(item.image_url) : null;
    return el("li", { className: "cb-result" + (thumb ? " cb-has-thumb" : "") }, [text, thumb]);
  };

  /** "2 sumber lain: kompas.com, tempo.co" on a story other publishers carried too. */
  SearchBox.prototype.renderCopies = function (item) {
    var others = (parseInt(item.copies, 10) || 1) - 1;
    if (others < 1) return null;
    var names = (item.other_publishers || []).map(unescapeText).filter(Boolean);
    var text = others + " sumber lain" + (names.length ? ": " + names.join(", ") : "");
    if (names.length && names.length < others) text += " dan lainnya";
    return el("p", { className: "cb-copies", text: text });
  };

  SearchBox.prototype.categoryLabel = function (item) {
    if (item.category_path) return titleCase(unescapeText(item.category_path));
    var first = (item.categories || [])[0];
    return first ? this.labels[first] || titleCase(unescapeText(first)) : "";
  };

  SearchBox.prototype.renderFacets = function (categories) {
    var self = this, selected = this.state.categories;
    this.facets.textContent = "";
    var shown = categories.slice();
    selected.forEach(function (value) {  // a chosen category stays visible even with no hits
      if (!shown.some(function (c) { return c.value === value; })) shown.push({ value: value, count: 0 });
    });
    shown.forEach(function (c) {
      var label = unescapeText(c.label || titleCase(unescapeText(c.value)));
      self.labels[c.value] = label;
      var on = selected.indexOf(c.value) >= 0;
      self.facets.appendChild(el("li", {}, [el("button", {
        type: "button", className: "cb-facet", "aria-pressed": on ? "true" : "false",
        "data-value": unescapeText(c.value),
        onclick: function () {
          var next = on ? selected.filter(function (v) { return v !== c.value; }) : selected.concat([c.value]);
          self.update({ categories: next });
        }
      }, [el("span", { className: "cb-facet-label", text: label }),
        el("span", { className: "cb-count", text: formatNumber(c.count), "aria-label": c.count + " berita" })])]));
    });
    if (!shown.length) this.facets.appendChild(el("li", { className: "cb-none", text: "—" }));
  };

  /** Publisher chips (any number, like categories) and author chips (one at a time). */
  SearchBox.prototype.renderChips = function (publishers, authors) {
    var self = this, s = this.state;
    function chips(list, items, selected, toggle) {
      list.textContent = "";
      var shown = items.slice();
      selected.forEach(function (value) {  // a chosen value stays visible, and can be unchosen
        var known = shown.some(function (c) { return unescapeText(c.value) === value; });
        if (!known) shown.push({ value: value, label: value, count: 0 });
      });
      shown.forEach(function (c) {
        var value = unescapeText(c.value), label = unescapeText(c.label || c.value);
        var on = selected.indexOf(value) >= 0;
        list.appendChild(el("li", {}, [el("button", {
          type: "button", className: "cb-chip", "aria-pressed": on ? "true" : "false", "data-value": value,
          onclick: function () { toggle(value, on); }
        }, [el("span", { className: "cb-chip-label", text: label }),
          el("span", { className: "cb-count", text: formatNumber(c.count), "aria-label": c.count + " berita" })])]));
      });
      if (!shown.length) list.appendChild(el("li", { className: "cb-none", text: "—" }));
    }
    chips(this.publisherChips, publishers, s.publishers, function (value, on) {
      var rest = s.publishers.filter(function (v) { return v !== value; });
      self.update({ publishers: on ? rest : rest.concat([value]) });
    });
    chips(this.authorChips, authors, s.author ? [s.author] : [], function (value, on) {
      self.update({ author: on ? "" : value });
    });
    this.clearPublishers.hidden = !s.publishers.length;
    this.clearAuthor.hidden = !s.author;
  };

  /** Bars per month; a click narrows the dates to that month, a second click widens them again. */
  SearchBox.prototype.renderMonths = function (months) {
    var self = this, s = this.state;
    var ranges = months.map(function (m) {
      var range = monthRange(m.month);
      if (range) range.count = m.count;
      return range;
    }).filter(Boolean);
    this.histogram.textContent = "";
    this.months.hidden = !ranges.length;
    this.clearDates.hidden = !(s.dateFrom || s.dateTo);
    var most = Math.max.apply(null, [1].concat(ranges.map(function (r) { return r.count; })));
    var lastYear = "";
    ranges.forEach(function (r) {
      var on = s.dateFrom === r.from && s.dateTo === r.to;
      var height = r.count ? Math.max(4, Math.round(100 * r.count / most)) : 0;
      var fill = el("span", { className: "cb-bar-fill" });
      fill.style.height = height + "%";  // CSSOM, not a style attribute: allowed by a strict CSP
      var year = r.year !== lastYear ? r.year : "";
      lastYear = r.year;
      // The name comes from the hidden full text ("Oktober 2019: 123 artikel"); the short visible
      // label is hidden from assistive technology rather than contradicted by an aria-label.
      self.histogram.appendChild(el("li", {}, [el("button", {
        type: "button", className: "cb-bar", "aria-pressed": on ? "true" : "false",
        title: r.label, "data-month": r.from.slice(0, 7),
        onclick: function () { if (on) self.setDates("", ""); else self.setDates(r.from, r.to); }
      }, [el("span", { className: "cb-sr", text: r.label + ": " + formatNumber(r.count) + " artikel" }),
        el("span", { className: "cb-bar-track", "aria-hidden": "true" }, [fill]),
        el("span", { className: "cb-bar-label", "aria-hidden": "true", text: r.short }),
        el("span", { className: "cb-bar-year", "aria-hidden": "true", text: year })])]));
    });
  };

  SearchBox.prototype.renderDidYouMean = function (suggestion) {
    var self = this;
    this.dym.textContent = "";
    this.dym.hidden = !suggestion;
    if (!suggestion) return;
    var text = unescapeText(suggestion);
    this.dym.appendChild(document.createTextNode("Mungkin maksud Anda: "));
    this.dym.appendChild(el("button", { type: "button", className: "cb-link", text: text, onclick: function () {
      self.input.value = text;
      self.submit(text);
    } }));
    this.dym.appendChild(document.createTextNode("?"));
  };

  SearchBox.prototype.renderPager = function (data, total) {
    var self = this, s = this.state, size = data.size || this.pageSize;
    var page = s.cursor || this.cursorPaging ? s.page : data.page || s.page;
    // Page numbers count stories (one result per story) when the API says how many there are.
    var count = typeof total.stories === "number" ? total.stories : total.value;
    var pages = Math.ceil(Math.min(count, RESULT_WINDOW) / size);
    var byCursor = this.cursorPaging || !!s.cursor;
    this.pager.textContent = "";
    var list = el("ul", {});
    function add(label, go, opts) {
      list.appendChild(el("li", {}, [el("button", {
        type: "button", className: "cb-page", text: label, "aria-label": opts.aria || null,
        "aria-current": opts.current ? "page" : null,
        onclick: function () { go(); self.root.scrollIntoView({ block: "start" }); }
      })]));
    }
    function toPage(p) { return function () { self.update({ page: p }); }; }
    function back() {  // the cursor (or page number) that showed the previous page
      var previous = self.cursors.pop();
      self.update({ page: previous.page, cursor: previous.cursor });
    }
    function forward() {
      self.cursors.push({ page: page, cursor: s.cursor });
      self.update({ page: page + 1, cursor: data.next_cursor });
    }
    if (byCursor && this.cursors.length) add("‹ Sebelumnya", back, { aria: "Halaman sebelumnya" });
    else if (!byCursor && page > 1) add("‹ Sebelumnya", toPage(page - 1), { aria: "Halaman sebelumnya" });
    if (byCursor) {
      list.appendChild(el("li", { className: "cb-page-now", "aria-current": "page", text: "Halaman " + page }));
    } else {
      var first = Math.max(1, Math.min(page - 2, pages - 4)), last = Math.min(pages, first + 4);
      for (var p = first; p <= last; p++) {
        add(String(p), toPage(p), { current: p === page, aria: "Halaman " + p });
      }
    }
    var nextWithinWindow = (page + 1) * size <= RESULT_WINDOW && page < pages;
    if (!byCursor && nextWithinWindow) add("Berikutnya ›", toPage(page + 1), { aria: "Halaman berikutnya" });
    else if (data.next_cursor) add("Berikutnya ›", forward, { aria: "Halaman berikutnya" });
    if (list.querySelector("button")) this.pager.appendChild(list);
  };

  // --- mounting ---------------------------------------------------------------------------

  function mount(element, options) {
    options = options || {};
    if (element.__cariberita) return element.__cariberita;
    var box = new SearchBox(element, {
      apiUrl: options.apiUrl !== undefined ? options.apiUrl : element.getAttribute("data-api-url"),
      pageSize: options.pageSize || element.getAttribute("data-page-size"),
      urlState: options.urlState || element.getAttribute("data-url-state") === "true",
      paging: options.paging || element.getAttribute("data-paging")
    });
    element.__cariberita = box;
    return box;
  }

  function mountAll() {
    var nodes = document.querySelectorAll("[data-cariberita-search]");
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].getAttribute("data-css") !== "none") loadStylesheet();
      mount(nodes[i]);
    }
  }

  window.CariBeritaSearch = { mount: mount, formatDate: formatDate, onlyMarks: onlyMarks, monthRange: monthRange };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
