/*
 * CariBerita search box: a dependency-free widget for news sites.
 *
 * Embed with one script tag and a container pointed at the API:
 *   <div data-cariberita-search data-api-url="https://api.example.com/Prod/"></div>
 *   <script src="https://cdn.example.com/searchbox.js" defer></script>
 * Optional data attributes: data-page-size (default 10), data-css="none" (do not load the
 * bundled stylesheet, which is otherwise loaded from next to this script), data-url-state="true"
 * (keep the query and filters in the page URL, so a search can be shared or reloaded).
 * Or from code: CariBeritaSearch.mount(element, {apiUrl: "...", pageSize: 10}).
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
    this.state = { q: "", categories: [], dateFrom: "", dateTo: "", sort: "relevance", page: 1, cursor: null };
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
    ["q", "category", "date_from", "date_to", "sort", "page"].forEach(function (k) { url.searchParams.delete(k); });
    var values = { q: s.q, category: s.categories, date_from: s.dateFrom, date_to: s.dateTo,
      sort: s.sort === "relevance" ? "" : s.sort, page: s.page > 1 && !s.cursor ? s.page : "" };
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
    this.facets = el("ul", { className: "cb-facets", "aria-label": "Kategori" });
    var filters = el("div", { className: "cb-filters" }, [
      el("div", { className: "cb-field" }, [el("label", { "for": id + "-sort", text: "Urutkan" }), this.sort]),
      el("div", { className: "cb-field" }, [el("label", { "for": id + "-from", text: "Dari tanggal" }), this.dateFrom]),
      el("div", { className: "cb-field" }, [el("label", { "for": id + "-to", text: "Sampai tanggal" }), this.dateTo]),
      el("h3", { className: "cb-heading", id: id + "-cat", text: "Kategori" }), this.facets
    ]);
    this.status = el("p", { className: "cb-status", role: "status", "aria-live": "polite" });
    this.dym = el("p", { className: "cb-dym", hidden: true });
    this.results = el("ol", { className: "cb-results", "aria-labelledby": id + "-status" });
    this.status.id = id + "-status";
    this.pager = el("nav", { className: "cb-pager", "aria-label": "Halaman hasil" });
    this.root.classList.add("cb-root");
    this.root.textContent = "";
    this.root.appendChild(form);
    this.root.appendChild(el("div", { className: "cb-body" }, [
      el("aside", { className: "cb-aside", "aria-label": "Saring hasil" }, [filters]),
      el("section", { className: "cb-main", "aria-label": "Hasil pencarian" },
        [this.status, this.dym, this.results, this.pager])
    ]));
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
    fetch(this.url("suggest", { q: q }), { headers: { Accept: "application/json" } })
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
    if (!("cursor" in changes)) s.cursor = null;
    this.search();
  };

  SearchBox.prototype.search = function () {
    var self = this, s = this.state, seq = ++this.searchSeq;
    this.root.setAttribute("aria-busy", "true");
    this.root.classList.add("cb-loading");
    this.setStatus("Memuat hasil…");
    if (this.urlState) this.writeUrl();
    var params = { q: s.q, category: s.categories, date_from: s.dateFrom, date_to: s.dateTo,
      sort: s.sort, size: this.pageSize };
    if (s.cursor) params.cursor = s.cursor; else params.page = s.page;
    fetch(this.url("search", params), { headers: { Accept: "application/json" } })
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
    var message = status === 400 && body && body.error && body.error.message
      ? "Permintaan tidak valid: " + unescapeText(body.error.message)
      : status === 503 || status === 0 || status >= 500
        ? "Maaf, layanan pencarian sedang tidak dapat dihubungi. Silakan coba lagi sebentar lagi."
        : "Maaf, terjadi kesalahan (" + status + ").";
    this.results.textContent = "";
    this.pager.textContent = "";
    this.dym.hidden = true;
    this.setStatus(message, "error");
    this.results.appendChild(el("li", { className: "cb-retry-row" }, [
      el("button", { type: "button", className: "cb-retry", text: "Coba lagi",
        onclick: function () { self.search(); } })
    ]));
  };

  SearchBox.prototype.render = function (data) {
    var s = this.state, total = data.total || { value: 0, exact: true };
    this.renderFacets((data.facets && data.facets.categories) || []);
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
    return el("li", { className: "cb-result" }, [title, meta, snippet]);
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
    var self = this, page = data.page || this.state.page, size = data.size || this.pageSize;
    var pages = Math.ceil(Math.min(total.value, RESULT_WINDOW) / size);
    this.pager.textContent = "";
    if (this.state.cursor) pages = page;  // deep pages: only "next" via the cursor
    var list = el("ul", {});
    function add(label, target, opts) {
      list.appendChild(el("li", {}, [el("button", {
        type: "button", className: "cb-page", text: label, "aria-label": opts.aria || null,
        "aria-current": opts.current ? "page" : null, disabled: opts.disabled || false,
        onclick: function () { self.update(target); self.root.scrollIntoView({ block: "start" }); }
      })]));
    }
    if (page > 1 && !this.state.cursor) add("‹ Sebelumnya", { page: page - 1 }, { aria: "Halaman sebelumnya" });
    var first = Math.max(1, Math.min(page - 2, pages - 4)), last = Math.min(pages, first + 4);
    for (var p = first; p <= last; p++) {
      add(String(p), { page: p }, { current: p === page, aria: "Halaman " + p });
    }
    var nextWithinWindow = (page + 1) * size <= RESULT_WINDOW && page < pages;
    if (nextWithinWindow && !this.state.cursor) {
      add("Berikutnya ›", { page: page + 1 }, { aria: "Halaman berikutnya" });
    } else if (data.next_cursor) {
      add("Berikutnya ›", { page: page + 1, cursor: data.next_cursor }, { aria: "Halaman berikutnya" });
    }
    if (list.children.length > 1) this.pager.appendChild(list);
  };

  // --- mounting ---------------------------------------------------------------------------

  function mount(element, options) {
    options = options || {};
    if (element.__cariberita) return element.__cariberita;
    var box = new SearchBox(element, {
      apiUrl: options.apiUrl !== undefined ? options.apiUrl : element.getAttribute("data-api-url"),
      pageSize: options.pageSize || element.getAttribute("data-page-size"),
      urlState: options.urlState || element.getAttribute("data-url-state") === "true"
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

  window.CariBeritaSearch = { mount: mount, formatDate: formatDate, onlyMarks: onlyMarks };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
