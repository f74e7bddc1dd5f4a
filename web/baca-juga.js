/*
 * CariBerita "Baca Juga": related articles under an article, dependency-free.
 *
 * Embed with one script tag and a container naming the article and the API:
 *   <div data-cariberita-related="ARTICLE-ID" data-api-url="https://api.example.com/Prod/"></div>
 *   <script src="https://cdn.example.com/baca-juga.js" defer></script>
 * Optional data attributes: data-size (1-20, default 5), data-heading-level (2-6, default 2),
 * data-css="none" (do not load searchbox.css, which is otherwise loaded from next to this script).
 * Or from code: CariBeritaRelated.mount(element, {articleId: "...", apiUrl: "...", size: 5}).
 *
 * It asks GET /articles/{id}/related and shows each article's title (a link), publisher, date and
 * thumbnail under the heading "Baca Juga". When the API fails or finds nothing the container stays
 * hidden and empty (data-state="error" or "empty"): a reader never sees a broken box.
 * Like the search box, every API string is HTML-escaped and is decoded and set as text only.
 */
(function () {
  "use strict";

  var SCRIPT = document.currentScript;
  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];
  var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#x27;": "'", "&#39;": "'" };
  var instances = 0;

  // The same small helpers as searchbox.js (each script stands alone on a page).
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function unescapeText(text) {
    return String(text || "").replace(/&(amp|lt|gt|quot|#x27|#39);/g, function (m) {
      return ENTITIES[m];
    });
  }

  function formatDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) return "";
    return parseInt(m[3], 10) + " " + MONTHS[parseInt(m[2], 10) - 1] + " " + m[1];
  }

  function thumbnail(url) {
    var src = unescapeText(url);
    if (!/^https:\/\//i.test(src)) return null;
    var box = el("div", { className: "cb-thumb" });
    var img = el("img", { src: src, alt: "", loading: "lazy", decoding: "async", width: "96", height: "64" });
    img.addEventListener("error", function () {  // keep the empty box: no icon, no shift
      box.classList.add("cb-thumb-missing");
      if (img.parentNode) img.parentNode.removeChild(img);
    });
    box.appendChild(img);
    return box;
  }

  function loadStylesheet() {
    if (!SCRIPT || !SCRIPT.src || document.querySelector("link[data-cariberita-css]")) return;
    var href = SCRIPT.src.replace(/baca-juga(\.min)?\.js(\?.*)?$/, "searchbox.css");
    document.head.appendChild(el("link", { rel: "stylesheet", href: href, "data-cariberita-css": true }));
  }

  function apiBase(url) {
    var base = new URL(url || ".", document.baseURI).href;
    return base.charAt(base.length - 1) === "/" ? base : base + "/";
  }

  function Related(root, options) {
    this.root = root;
    this.id = "cbr" + (++instances);
    this.articleId = String(options.articleId || "").trim();
    this.apiBase = apiBase(options.apiUrl);
    this.size = Math.max(1, Math.min(20, parseInt(options.size, 10) || 5));
    this.level = Math.max(2, Math.min(6, parseInt(options.headingLevel, 10) || 2));
    root.classList.add("cb-root", "cb-related");
    root.hidden = true;
    this.load();
  }

  Related.prototype.setState = function (state) {
    this.root.setAttribute("data-state", state);
    if (state !== "ready") {
      this.root.textContent = "";
      this.root.hidden = true;
    }
  };

  Related.prototype.load = function () {
    var self = this;
    if (!this.articleId) { this.setState("empty"); return; }
    this.setState("loading");
    var url = new URL("articles/" + encodeURIComponent(this.articleId) + "/related", this.apiBase);
    url.searchParams.set("size", String(this.size));
    var lang = (document.documentElement.getAttribute("lang") || "").trim() || "id";
    fetch(url.href, { headers: { Accept: "application/json", "Accept-Language": lang } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        var results = data && Array.isArray(data.results) ? data.results : null;
        if (!results) self.setState("error");
        else if (!results.length) self.setState("empty");
        else self.render(results);
      })
      .catch(function () { self.setState("error"); });
  };

  Related.prototype.render = function (results) {
    var headingId = this.id + "-heading";
    var list = el("ul", { className: "cb-related-list" });
    results.forEach(function (item) {
      var url = unescapeText(item.url);
      var safe = /^https?:\/\//i.test(url);  // never a javascript: or data: link
      var title = el(safe ? "a" : "span", { className: "cb-related-title", href: safe ? url : null,
        text: unescapeText(item.title) });
      var meta = el("p", { className: "cb-meta" });
      if (item.publisher) meta.appendChild(el("span", { className: "cb-publisher", text: unescapeText(item.publisher) }));
      var date = formatDate(item.published_at);
      if (date) meta.appendChild(el("time", { datetime: item.published_at, text: date }));
      list.appendChild(el("li", { className: "cb-related-item" }, [
        item.image_url ? thumbnail(item.image_url) : null,
        el("div", { className: "cb-related-text" }, [title, meta])
      ]));
    });
    var section = el("section", { "aria-labelledby": headingId }, [
      el("h" + this.level, { className: "cb-related-heading", id: headingId, text: "Baca Juga" }), list
    ]);
    this.root.textContent = "";
    this.root.appendChild(section);
    this.root.hidden = false;
    this.setState("ready");
  };

  function mount(element, options) {
    options = options || {};
    if (element.__cariberitaRelated) return element.__cariberitaRelated;
    var widget = new Related(element, {
      articleId: options.articleId || element.getAttribute("data-cariberita-related"),
      apiUrl: options.apiUrl !== undefined ? options.apiUrl : element.getAttribute("data-api-url"),
      size: options.size || element.getAttribute("data-size"),
      headingLevel: options.headingLevel || element.getAttribute("data-heading-level")
    });
    element.__cariberitaRelated = widget;
    return widget;
  }

  function mountAll() {
    var nodes = document.querySelectorAll("[data-cariberita-related]");
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].getAttribute("data-css") !== "none") loadStylesheet();
      mount(nodes[i]);
    }
  }

  window.CariBeritaRelated = { mount: mount };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
