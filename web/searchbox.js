/*
 * CariBerita search box: a dependency-free widget for news sites.
 *
 * Embed with one script tag and a container pointed at the API:
 *   <div data-cariberita-search data-api-url="https://api.example.com/Prod/"></div>
 *   <script src="https://cdn.example.com/searchbox.js" defer></script>
 * Optional data attributes: data-page-size (default 10), data-css="none" (do not load the
 * bundled stylesheet, which is otherwise loaded from next to this script), data-url-state="true"
 * (keep the query, filters and page in the page URL, so a search can be shared or reloaded, and
 * make each change a history entry, so Back undoes it),
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
  var MAX_PAGE = 1000;  // the API's largest page number (and page × size ≤ RESULT_WINDOW)
  var MAX_QUERY = 200;  // the API's limit for q (characters); a longer one is a 400
  var MAX_VALUES = 10;  // categories, publishers
  var MAX_AUTHOR = 100;
  var MAX_CURSOR = 1000;
  var GAP_FILL = 12;  // missing months filled with empty bars; a longer gap is one labelled break
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

  /** A category as the API compares it (lower case, single spaces), from escaped or plain text. */
  function categoryKey(text) {
    var plain = unescapeText(text);
    if (plain.normalize) plain = plain.normalize("NFKC");
    return plain.replace(/\s+/g, " ").trim().toLowerCase();
  }

  /** ``values`` with ``value`` taken out if it is there, added at the end if not. */
  function toggled(values, value) {
    var rest = values.filter(function (v) { return v !== value; });
    return rest.length < values.length ? rest : values.concat([value]);
  }

  function unique(values) {
    return values.filter(function (v, i) { return v && values.indexOf(v) === i; });
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

  /** True for the page languages whose reader gets the box's own Indonesian wording. */
  function indonesianPage() {
    return /^(id|in)\b/i.test(pageLanguage());
  }

  /** "2019-10" -> {from: "2019-10-01", to: "2019-10-31", label: "Oktober 2019", short: "Okt"}. */
  function monthRange(month) {
    var m = /^(\d{4})-(\d{2})$/.exec(month || "");
    if (!m) return null;
    var year = parseInt(m[1], 10), index = parseInt(m[2], 10) - 1;
    if (index < 0 || index > 11) return null;
    var last = new Date(Date.UTC(year, index + 1, 0)).getUTCDate();
    return { from: month + "-01", to: month + "-" + last, label: MONTHS[index] + " " + year,
      short: MONTHS_SHORT[index], year: m[1], n: year * 12 + index };
  }

  /** Month number (year × 12 + month index) -> "yyyy-MM". */
  function monthKey(n) {
    var index = n % 12;
    return Math.floor(n / 12) + "-" + (index < 9 ? "0" : "") + (index + 1);
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
    if (this.urlState) {
      this.readUrl();
      // Back and Forward undo and redo the reader's searches (each pushed one history entry).
      var self = this;
      window.addEventListener("popstate", function () {
        self.readUrl();
        self.closeSuggestions();
        self.search({ history: true });
      });
    }
    this.search();
  }

  /** The last page number the API serves by number (page × size ≤ 10,000). */
  SearchBox.prototype.lastNumberedPage = function (size) {
    return Math.min(MAX_PAGE, Math.floor(RESULT_WINDOW / (size || this.pageSize)));
  };

  /** Opt-in (data-url-state): start from the page URL's ?q=&category=…, so links can be shared. */
  SearchBox.prototype.readUrl = function () {
    var p = new URLSearchParams(window.location.search), s = this.state;
    var iso = /^\d{4}-\d{2}-\d{2}$/;
    s.q = (p.get("q") || "").slice(0, MAX_QUERY);
    // Categories as the API compares them, so a hand-written ?category=Ekonomi is the facet "ekonomi".
    s.categories = unique(p.getAll("category").map(categoryKey)).slice(0, MAX_VALUES);
    s.publishers = unique(p.getAll("publisher").map(function (v) { return v.trim(); })).slice(0, MAX_VALUES);
    s.author = (p.get("author") || "").trim().slice(0, MAX_AUTHOR);
    s.dateFrom = iso.test(p.get("date_from") || "") ? p.get("date_from") : "";
    s.dateTo = iso.test(p.get("date_to") || "") ? p.get("date_to") : "";
    s.sort = ["relevance", "newest", "oldest"].indexOf(p.get("sort")) >= 0 ? p.get("sort") : "relevance";
    var cursor = p.get("cursor") || "";
    s.cursor = cursor && cursor.length <= MAX_CURSOR ? cursor : null;
    s.page = Math.max(1, parseInt(p.get("page"), 10) || 1);
    // Past the window a page exists only behind a cursor: a bare deep page number starts at the last one.
    if (!s.cursor) s.page = Math.min(s.page, this.lastNumberedPage());
    // The cursors followed to reach this entry (kept in the history entry, so a reload keeps them).
    var kept = window.history.state && window.history.state.cariberita;
    this.cursors = kept && Array.isArray(kept.trail) ? kept.trail.slice() : [];
    this.input.value = s.q;
    this.sort.value = s.sort;
    this.dateFrom.value = s.dateFrom;
    this.dateTo.value = s.dateTo;
  };

  /**
   * The state into the page URL: a new history entry for a reader's change to the result set
   * (push), the current entry rewritten otherwise. The page number is written; its cursor only
   * past the API's window, where a page number cannot be asked for.
   */
  SearchBox.prototype.writeUrl = function (push) {
    var s = this.state, url = new URL(window.location.href);
    var names = ["q", "category", "publisher", "author", "date_from", "date_to", "sort", "page", "cursor"];
    names.forEach(function (k) { url.searchParams.delete(k); });
    var deep = s.page > this.lastNumberedPage();
    var values = { q: s.q, category: s.categories, publisher: s.publishers, author: s.author,
      date_from: s.dateFrom, date_to: s.dateTo, sort: s.sort === "relevance" ? "" : s.sort,
      page: s.page > 1 ? s.page : "", cursor: s.cursor && deep ? s.cursor : "" };
    Object.keys(values).forEach(function (k) {
      [].concat(values[k]).forEach(function (v) { if (v) url.searchParams.append(k, v); });
    });
    var current = window.history.state;
    var entry = current && typeof current === "object" ? Object.assign({}, current) : {};
    entry.cariberita = { trail: this.cursors.slice() };
    if (push && url.href !== window.location.href) window.history.pushState(entry, "", url.href);
    else window.history.replaceState(entry, "", url.href);
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
      maxlength: String(MAX_QUERY),
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
    this.dateProblem = el("p", { id: id + "-date-problem", className: "cb-field-problem", hidden: true });
    this.facets = el("ul", { className: "cb-facets", "aria-labelledby": id + "-cat" });
    this.publisherChips = el("ul", { className: "cb-chips", "aria-labelledby": id + "-pub" });
    this.authorChips = el("ul", { className: "cb-chips", "aria-labelledby": id + "-aut" });
    this.clearCategories = el("button", { type: "button", className: "cb-clear", text: "Hapus",
      "aria-label": "Hapus pilihan kategori", hidden: true, "data-focus": "clear-categories",
      onclick: function () { self.update({ categories: [] }); } });
    this.clearPublishers = el("button", { type: "button", className: "cb-clear", text: "Hapus",
      "aria-label": "Hapus pilihan penerbit", hidden: true, "data-focus": "clear-publishers",
      onclick: function () { self.update({ publishers: [] }); } });
    this.clearAuthor = el("button", { type: "button", className: "cb-clear", text: "Hapus",
      "aria-label": "Hapus pilihan penulis", hidden: true, "data-focus": "clear-author",
      onclick: function () { self.update({ author: "" }); } });
    function group(headingId, text, clear, list) {
      return [el("div", { className: "cb-group-head" }, [
        el("h3", { className: "cb-heading", id: headingId, text: text }), clear]), list];
    }
    var filters = el("div", { className: "cb-filters" }, [
      el("div", { className: "cb-field" }, [el("label", { "for": id + "-sort", text: "Urutkan" }), this.sort]),
      el("div", { className: "cb-field" }, [el("label", { "for": id + "-from", text: "Dari tanggal" }), this.dateFrom]),
      el("div", { className: "cb-field" }, [el("label", { "for": id + "-to", text: "Sampai tanggal" }), this.dateTo]),
      this.dateProblem
    ].concat(group(id + "-cat", "Kategori", this.clearCategories, this.facets))
      .concat(group(id + "-pub", "Penerbit", this.clearPublishers, this.publisherChips))
      .concat(group(id + "-aut", "Penulis", this.clearAuthor, this.authorChips)));
    this.status = el("p", { className: "cb-status", role: "status", "aria-live": "polite" });
    this.dym = el("p", { className: "cb-dym", hidden: true });
    this.histogram = el("ul", { className: "cb-hist", "aria-labelledby": id + "-months" });
    this.clearDates = el("button", { type: "button", className: "cb-clear", text: "Semua tanggal",
      hidden: true, "data-focus": "clear-dates", onclick: function () { self.setDates("", ""); } });
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
    // Where focus goes when the control a reader used is gone (a page button, a cleared group).
    this.resultsHeading = el("h2", { className: "cb-sr", id: id + "-h-results", tabindex: "-1",
      text: "Hasil pencarian" });
    // The filters come first in the DOM (beside the results on a wide screen): a skip link past
    // them, and on a phone they fold behind "Saring" so the results follow the search field.
    var skip = el("a", { className: "cb-skip", href: "#" + id + "-h-results", text: "Langsung ke hasil",
      onclick: function (e) { e.preventDefault(); self.resultsHeading.focus(); } });
    this.filterCount = el("span", { className: "cb-saring-count" });
    this.filterFold = el("details", { className: "cb-saring", open: true }, [
      el("summary", { className: "cb-saring-toggle" }, [document.createTextNode("Saring"), this.filterCount]),
      filters]);
    this.root.appendChild(form);
    this.root.appendChild(this.suggestStatus);
    this.root.appendChild(skip);
    this.root.appendChild(el("div", { className: "cb-body" }, [
      // Hidden h2s give the box's h3s a parent: a page's h1 is followed by h2, not h3.
      el("aside", { className: "cb-aside", "aria-labelledby": id + "-h-filters" }, [
        el("h2", { className: "cb-sr", id: id + "-h-filters", text: "Saring hasil" }), this.filterFold]),
      el("section", { className: "cb-main", "aria-labelledby": id + "-h-results" }, [
        this.resultsHeading, this.status, this.dym, this.months, this.results, this.pager])
    ]));
    this.foldFiltersOnPhones();
  };

  /** Below 720 px (the one-column layout) the filters start folded; wider, always open. */
  SearchBox.prototype.foldFiltersOnPhones = function () {
    var fold = this.filterFold, narrow = window.matchMedia && window.matchMedia("(max-width: 720px)");
    if (!narrow) return;
    function fit() { fold.open = !narrow.matches; }
    fit();
    if (narrow.addEventListener) narrow.addEventListener("change", fit);
  };

  /** Filters in force besides the query and the sort (the "Saring" count, "Hapus semua filter"). */
  SearchBox.prototype.activeFilters = function () {
    var s = this.state;
    return s.categories.length + s.publishers.length + (s.author ? 1 : 0) + (s.dateFrom || s.dateTo ? 1 : 0);
  };

  SearchBox.prototype.clearFilters = function () {
    this.dateFrom.value = "";
    this.dateTo.value = "";
    this.update({ categories: [], publishers: [], author: "", dateFrom: "", dateTo: "" });
  };

  // --- focus across re-renders ---------------------------------------------------------------

  /** The data-focus key of the control that has focus inside the box (rebuilt controls carry one). */
  SearchBox.prototype.focusedKey = function () {
    var active = document.activeElement;
    return active && this.root.contains(active) ? active.getAttribute("data-focus") : null;
  };

  /**
   * After a re-render, focus the control that replaced the one the reader used (same key), or the
   * results heading when there is none (a cleared group) or the control leads to other results
   * (key "results": page buttons, did-you-mean, the empty state's buttons).
   */
  SearchBox.prototype.restoreFocus = function (key) {
    if (!key) return;
    var nodes = key === "results" ? [] : this.root.querySelectorAll("[data-focus]"), target = null;
    for (var i = 0; i < nodes.length && !target; i++) {
      var node = nodes[i];
      if (node.getAttribute("data-focus") === key && !node.closest("[hidden]") && node.getClientRects().length) {
        target = node;
      }
    }
    target = target || this.resultsHeading;
    if (document.activeElement !== target) target.focus({ preventScroll: target !== this.resultsHeading });
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
    // A title can be longer than a query may be: search its first 200 characters.
    var title = unescapeText(this.suggestions[n].title).slice(0, MAX_QUERY).trim();
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
    this.update({ q: String(q || "").trim().slice(0, MAX_QUERY) });
  };

  /**
   * A reader's change to the result set (query, filter, sort, page); any change but the page goes
   * back to page 1. With data-url-state it is a new history entry, so Back undoes it.
   */
  SearchBox.prototype.update = function (changes) {
    var s = this.state;
    Object.keys(changes).forEach(function (k) { s[k] = changes[k]; });
    if (!("page" in changes)) s.page = 1;
    if (!("cursor" in changes)) {  // a new search or a page number: the cursor trail starts again
      s.cursor = null;
      this.cursors = [];
    }
    this.search({ push: true });
  };

  /**
   * Ask the API for the state. ``opts.push``: a reader's change (a new history entry);
   * ``opts.history``: the state was just read from the URL by Back/Forward (the entry stays).
   */
  SearchBox.prototype.search = function (opts) {
    opts = opts || {};
    var self = this, s = this.state, seq = ++this.searchSeq;
    if (this.urlState && !opts.history) this.writeUrl(!!opts.push);
    this.filterCount.textContent = this.activeFilters() ? " (" + this.activeFilters() + " aktif)" : "";
    this.clearCategories.hidden = !s.categories.length;
    // Checked here, not by a round trip: the API would answer with its parameter names.
    var inverted = !!(s.dateFrom && s.dateTo && s.dateFrom > s.dateTo);
    this.markDates(inverted);
    if (inverted) {
      this.showProblem("Tanggal “Dari” jatuh setelah tanggal “Sampai”. Ubah salah satunya.");
      return;
    }
    this.root.setAttribute("aria-busy", "true");
    this.root.classList.add("cb-loading");
    this.setStatus("Memuat hasil…");
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

  /** A row of buttons where the results go: retry, clear the filters, go to another page. */
  SearchBox.prototype.actions = function (buttons) {
    var row = el("li", { className: "cb-retry-row" });
    buttons.forEach(function (b) {
      row.appendChild(el("button", { type: "button", className: b.primary ? "cb-retry" : "cb-link",
        text: b.text, "data-focus": "results", onclick: b.go }));
    });
    this.results.appendChild(row);
  };

  SearchBox.prototype.clearResults = function () {
    this.results.textContent = "";
    this.pager.textContent = "";
    this.months.hidden = true;
    this.dym.hidden = true;
  };

  /** The dates' own message; both fields say they are invalid while it shows. */
  SearchBox.prototype.markDates = function (inverted) {
    var problem = this.dateProblem;
    problem.hidden = !inverted;
    problem.textContent = inverted ? "Tanggal “Dari” harus sama dengan atau sebelum tanggal “Sampai”." : "";
    [this.dateFrom, this.dateTo].forEach(function (input) {
      if (inverted) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", problem.id);
      } else {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
    });
    // The date pickers then offer only days that make a range.
    if (this.dateFrom.value) this.dateTo.min = this.dateFrom.value; else this.dateTo.removeAttribute("min");
    if (this.dateTo.value) this.dateFrom.max = this.dateTo.value; else this.dateFrom.removeAttribute("max");
  };

  /** A request the page will not send (it would be refused): say why, ask nothing. */
  SearchBox.prototype.showProblem = function (message) {
    var key = this.focusedKey();
    this.root.removeAttribute("aria-busy");
    this.root.classList.remove("cb-loading");
    this.clearResults();
    this.setStatus(message, "error");
    this.restoreFocus(key);
  };

  /**
   * A refused request (400), in the reader's words on an Indonesian page: the API names its
   * parameters. Other languages get the API's own message, which follows Accept-Language.
   */
  SearchBox.prototype.readerMessage = function (field, code) {
    var self = this, first = { text: "Ke halaman pertama", go: function () { self.update({ page: 1 }); } };
    if (code === "page_too_deep" || field === "page") {
      return { text: "Halaman ini terlalu jauh untuk dibuka langsung. Mulai lagi dari halaman pertama.",
        action: first };
    }
    if (field === "cursor") {
      return { text: "Tautan ke halaman ini sudah tidak berlaku. Mulai lagi dari halaman pertama.", action: first };
    }
    var words = {
      q: "Kata pencarian terlalu panjang: paling banyak " + MAX_QUERY + " karakter dan 32 kata. " +
        "Persingkat pencariannya.",
      date_from: "Periksa tanggalnya: tanggal “Dari” harus sebelum tanggal “Sampai”.",
      date_to: "Periksa tanggalnya: tanggal “Dari” harus sebelum tanggal “Sampai”.",
      category: "Terlalu banyak kategori dipilih: paling banyak " + MAX_VALUES + ".",
      publisher: "Terlalu banyak penerbit dipilih: paling banyak " + MAX_VALUES + ".",
      author: "Nama penulis terlalu panjang.",
      sort: "Urutan ini tidak dikenal."
    };
    return words[field] ? { text: words[field] } : null;
  };

  SearchBox.prototype.showError = function (status, body) {
    var self = this, key = this.focusedKey();
    var error = body && body.error ? body.error : {};
    var given = typeof error.message === "string" ? unescapeText(error.message) : "";
    var mapped = status === 400 && indonesianPage()
      ? this.readerMessage(unescapeText(error.field || ""), error.code) : null;
    // Trying again helps only when the fault was the connection or the server's, not the request.
    var retry = status === 0 || status === 429 || status >= 500;
    var message = mapped
      ? mapped.text
      : given && status >= 400 && status !== 500
        ? given
        : retry
          ? "Maaf, layanan pencarian sedang tidak dapat dihubungi. Silakan coba lagi sebentar lagi."
          : "Maaf, terjadi kesalahan (" + status + ").";
    this.clearResults();
    this.setStatus(message, "error");
    if (retry) this.actions([{ text: "Coba lagi", primary: true, go: function () { self.search(); } }]);
    else if (mapped && mapped.action) this.actions([mapped.action]);
    this.restoreFocus(key);
  };

  SearchBox.prototype.render = function (data) {
    var self = this, s = this.state, total = data.total || { value: 0, exact: true }, facets = data.facets || {};
    var key = this.focusedKey();
    this.renderFacets(facets.categories || []);
    this.renderChips(facets.publishers || [], facets.authors || []);
    this.renderMonths(facets.months || []);
    this.renderDidYouMean(data.did_you_mean);
    this.results.textContent = "";
    this.pager.textContent = "";
    var size = data.size || this.pageSize;
    var stories = typeof total.stories === "number" ? total.stories : total.value;
    var pages = Math.max(1, Math.min(Math.ceil(stories / size), this.lastNumberedPage(size)));
    if (!data.results.length && total.value > 0 && (s.page > 1 || s.cursor)) {
      // A link to a page past the end (or results that shrank since it was shared).
      this.setStatus("Halaman ini melewati hasil terakhir: ada " + formatNumber(total.value) +
        (total.exact ? "" : "+") + " berita dalam " + formatNumber(pages) + " halaman.", "empty");
      this.actions([
        { text: "Ke halaman pertama", go: function () { self.update({ page: 1 }); } },
        { text: "Ke halaman terakhir (" + formatNumber(pages) + ")", go: function () { self.update({ page: pages }); } }
      ]);
    } else if (!data.results.length) {
      var what = s.q ? "“" + s.q + "”" : "pencarian ini";
      var filtered = this.activeFilters() > 0;
      this.setStatus("Tidak ada berita yang cocok dengan " + what + ". Coba kata lain, periksa ejaan" +
        (filtered ? ", atau hapus filter." : "."), "empty");
      if (filtered) {
        this.actions([{ text: "Hapus semua filter", primary: true, go: function () { self.clearFilters(); } }]);
      }
    } else {
      var count = formatNumber(total.value) + (total.exact ? "" : "+");
      var scope = s.q ? " ditemukan untuk “" + s.q + "”." : s.sort === "oldest" ? " ditemukan, terlama dulu."
        : " ditemukan, terbaru dulu.";
      var where = "";
      if (s.page > 1) where = this.cursorPaging || s.cursor ? " Halaman " + formatNumber(s.page) + "."
        : " Halaman " + formatNumber(s.page) + " dari " + formatNumber(pages) + ".";
      this.setStatus(count + " berita" + scope + where);
      data.results.forEach(function (item) { self.results.appendChild(self.renderResult(item)); });
      this.renderPager(data, total);
    }
    this.restoreFocus(key);
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
    return first ? this.labels[categoryKey(first)] || titleCase(unescapeText(first)) : "";
  };

  /**
   * Category facets. Values are kept as the API compares them (unescaped, lower case), so a
   * chosen category, however a link spelled it, is the one button with its true count.
   */
  SearchBox.prototype.renderFacets = function (categories) {
    var self = this, selected = this.state.categories, seen = {};
    this.facets.textContent = "";
    var shown = [];
    categories.forEach(function (c) {
      var value = categoryKey(c.value);
      if (!value || seen[value]) return;
      seen[value] = true;
      shown.push({ value: value, label: unescapeText(c.label) || titleCase(value), count: c.count });
    });
    selected.forEach(function (value) {  // a chosen category stays visible even with no hits
      if (!seen[value]) shown.push({ value: value, label: self.labels[value] || titleCase(value), count: 0 });
    });
    shown.forEach(function (c) {
      self.labels[c.value] = c.label;
      var on = selected.indexOf(c.value) >= 0;
      self.facets.appendChild(el("li", {}, [el("button", {
        type: "button", className: "cb-facet", "aria-pressed": on ? "true" : "false",
        "data-value": c.value, "data-focus": "category:" + c.value,
        // Read at click time, not at render time: a second click before the page re-renders
        // must add to the first, not replace it.
        onclick: function () {
          self.update({ categories: toggled(self.state.categories, c.value) });
        }
      }, [el("span", { className: "cb-facet-label", text: c.label }),
        el("span", { className: "cb-count", text: formatNumber(c.count), "aria-label": c.count + " berita" })])]));
    });
    if (!shown.length) this.facets.appendChild(el("li", { className: "cb-none", text: "—" }));
    this.clearCategories.hidden = !selected.length;
  };

  /** Publisher chips (any number, like categories) and author chips (one at a time). */
  SearchBox.prototype.renderChips = function (publishers, authors) {
    var self = this, s = this.state;
    function chips(list, group, items, selected, toggle) {
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
          "data-focus": group + ":" + value,
          onclick: function () { toggle(value); }  // toggles against the state at click time
        }, [el("span", { className: "cb-chip-label", text: label }),
          el("span", { className: "cb-count", text: formatNumber(c.count), "aria-label": c.count + " berita" })])]));
      });
      if (!shown.length) list.appendChild(el("li", { className: "cb-none", text: "—" }));
    }
    chips(this.publisherChips, "publisher", publishers, s.publishers, function (value) {
      self.update({ publishers: toggled(self.state.publishers, value) });
    });
    chips(this.authorChips, "author", authors, s.author ? [s.author] : [], function (value) {
      self.update({ author: self.state.author === value ? "" : value });
    });
    this.clearPublishers.hidden = !s.publishers.length;
    this.clearAuthor.hidden = !s.author;
  };

  /**
   * Bars per month; a click narrows the dates to that month, a second click widens them again.
   * The API lists only months with articles: a gap of up to GAP_FILL months gets empty bars, so
   * the bars keep the calendar's spacing; a longer one is a single labelled break.
   */
  SearchBox.prototype.renderMonths = function (months) {
    var self = this, s = this.state;
    var ranges = months.map(function (m) {
      var range = monthRange(m.month);
      if (range) range.count = m.count;
      return range;
    }).filter(Boolean).sort(function (a, b) { return a.n - b.n; });
    this.histogram.textContent = "";
    this.months.hidden = !ranges.length;
    this.clearDates.hidden = !(s.dateFrom || s.dateTo);
    var most = Math.max.apply(null, [1].concat(ranges.map(function (r) { return r.count; })));
    var entries = [];
    ranges.forEach(function (r, i) {
      var before = i ? ranges[i - 1].n : r.n - 1, missing = r.n - before - 1;
      if (missing > GAP_FILL) {
        entries.push({ gap: true, from: monthRange(monthKey(before + 1)), to: monthRange(monthKey(r.n - 1)) });
      } else {
        for (var n = before + 1; n < r.n; n++) {
          var empty = monthRange(monthKey(n));
          empty.count = 0;
          entries.push(empty);
        }
      }
      entries.push(r);
    });
    var lastYear = "";
    entries.forEach(function (r) {
      if (r.gap) {
        lastYear = "";  // the bar after a break names its year again
        self.histogram.appendChild(el("li", { className: "cb-hist-gap" }, [
          el("span", { className: "cb-sr", text: "Tidak ada berita " + r.from.label + " sampai " + r.to.label }),
          el("span", { className: "cb-gap-mark", "aria-hidden": "true", text: "⋯" })]));
        return;
      }
      var on = s.dateFrom === r.from && s.dateTo === r.to;
      var height = r.count ? Math.max(4, Math.round(100 * r.count / most)) : 0;
      var fill = el("span", { className: "cb-bar-fill" });
      fill.style.height = height + "%";  // CSSOM, not a style attribute: allowed by a strict CSP
      var year = r.year !== lastYear ? r.year : "";
      lastYear = r.year;
      // The name comes from the hidden full text ("Oktober 2019: 123 artikel"); the short visible
      // label is hidden from assistive technology rather than contradicted by an aria-label.
      var parts = [el("span", { className: "cb-sr", text: r.label + ": " + formatNumber(r.count) + " artikel" }),
        el("span", { className: "cb-bar-track", "aria-hidden": "true" }, [fill]),
        el("span", { className: "cb-bar-label", "aria-hidden": "true", text: r.short }),
        el("span", { className: "cb-bar-year", "aria-hidden": "true", text: year })];
      // An empty month is shown, not offered: choosing it could only find nothing.
      self.histogram.appendChild(el("li", {}, [r.count ? el("button", {
        type: "button", className: "cb-bar", "aria-pressed": on ? "true" : "false",
        title: r.label, "data-month": r.from.slice(0, 7), "data-focus": "month:" + r.from.slice(0, 7),
        onclick: function () {  // chosen or not as the state stands at click time
          var now = self.state;
          if (now.dateFrom === r.from && now.dateTo === r.to) self.setDates("", "");
          else self.setDates(r.from, r.to);
        }
      }, parts) : el("span", { className: "cb-bar cb-bar-empty", "data-month": r.from.slice(0, 7) }, parts)]));
    });
  };

  SearchBox.prototype.renderDidYouMean = function (suggestion) {
    var self = this;
    this.dym.textContent = "";
    this.dym.hidden = !suggestion;
    if (!suggestion) return;
    var text = unescapeText(suggestion);
    this.dym.appendChild(document.createTextNode("Mungkin maksud Anda: "));
    this.dym.appendChild(el("button", { type: "button", className: "cb-link", text: text, "data-focus": "results",
      onclick: function () {
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
    var numbered = this.lastNumberedPage(size);
    var pages = Math.min(Math.ceil(count / size), numbered);
    var byCursor = this.cursorPaging || !!s.cursor;
    this.pager.textContent = "";
    var list = el("ul", {});
    function add(label, go, opts) {
      list.appendChild(el("li", {}, [el("button", {
        type: "button", className: "cb-page", text: label, "aria-label": opts.aria || null,
        "aria-current": opts.current ? "page" : null, "data-focus": "results",
        onclick: function () { go(); self.root.scrollIntoView({ block: "start" }); }
      })]));
    }
    function toPage(p) { return function () { self.update({ page: p }); }; }
    function back() {  // the cursor (or page number) that showed the previous page
      var previous = self.cursors.pop();
      if (previous) self.update({ page: previous.page, cursor: previous.cursor });
      else self.update({ page: page - 1, cursor: null });  // reached by a link: the same page by number
    }
    function forward() {
      self.cursors.push({ page: page, cursor: s.cursor });
      self.update({ page: page + 1, cursor: data.next_cursor });
    }
    var numberedBack = page > 1 && page - 1 <= numbered;
    if (byCursor && (this.cursors.length || numberedBack)) add("‹ Sebelumnya", back, { aria: "Halaman sebelumnya" });
    else if (!byCursor && page > 1) add("‹ Sebelumnya", toPage(page - 1), { aria: "Halaman sebelumnya" });
    if (byCursor) {
      list.appendChild(el("li", { className: "cb-page-now", "aria-current": "page", text: "Halaman " + page }));
    } else {
      var first = Math.max(1, Math.min(page - 2, pages - 4)), last = Math.min(pages, first + 4);
      for (var p = first; p <= last; p++) {
        add(String(p), toPage(p), { current: p === page, aria: "Halaman " + p });
      }
    }
    var nextWithinWindow = page + 1 <= numbered && page < pages;
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
