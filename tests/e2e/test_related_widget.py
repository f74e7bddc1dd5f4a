"""The "Baca Juga" widget (web/baca-juga.js) on the demo article page, in Chromium."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

INDONESIAN_DATE = re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$")


def unescape(text: str) -> str:
    return (
        text.replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def test_widget_renders_the_related_articles_of_the_sample_article(
    article_page, local_stack, artifacts
):
    api = requests.get(f"{local_stack.api_url}/articles/cb-s001/related?size=5", timeout=30)
    expected = api.json()["results"]
    assert expected, "the sample article has related articles"

    widget = article_page.locator("[data-cariberita-related]")
    expect(widget).to_have_attribute("data-state", "ready")
    section = widget.get_by_role("region", name="Baca Juga")
    expect(section.get_by_role("heading", name="Baca Juga", level=2)).to_be_visible()
    items = section.get_by_role("listitem")
    expect(items).to_have_count(len(expected))
    links = section.get_by_role("link")
    assert links.all_inner_texts() == [unescape(r["title"]) for r in expected]
    assert [links.nth(i).get_attribute("href") for i in range(len(expected))] == [
        unescape(r["url"]) for r in expected
    ]
    first = items.first
    expect(first.locator(".cb-publisher")).to_have_text(expected[0]["publisher"])
    expect(first.locator("time")).to_have_text(INDONESIAN_DATE)
    expect(first.locator("time")).to_have_attribute("datetime", expected[0]["published_at"])
    img = first.locator(".cb-thumb img")
    expect(img).to_have_attribute("alt", "")
    expect(img).to_have_attribute("loading", "lazy")
    article_page.wait_for_function("() => document.querySelector('.cb-thumb img').complete")
    assert img.evaluate("i => i.naturalWidth") > 0
    assert cb_s001_not_listed(links)
    article_page.screenshot(path=str(artifacts / "related-widget.png"), full_page=True)
    article_page.set_viewport_size({"width": 390, "height": 844})
    article_page.screenshot(path=str(artifacts / "related-widget-phone.png"), full_page=True)


def cb_s001_not_listed(links) -> bool:
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    return not any("jembatan-gantung-dua-desa" in h for h in hrefs)  # itself nor its copies


def mount(page, article_id: str, api_url: str = "/") -> None:
    page.evaluate(
        """([id, url]) => {
            const el = document.createElement('div');
            el.id = 'lain';
            document.querySelector('main').append(el);
            CariBeritaRelated.mount(el, {articleId: id, apiUrl: url});
        }""",
        [article_id, api_url],
    )


def test_widget_shows_nothing_for_an_unknown_article(article_page):
    expect(article_page.locator("#baca-juga")).to_have_attribute("data-state", "ready")
    with article_page.expect_request("**/articles/tidak-ada-artikel-ini/related?size=5") as sent:
        mount(article_page, "tidak-ada-artikel-ini")
    assert sent.value.headers["accept-language"] == "id"  # the page's <html lang>
    widget = article_page.locator("#lain")
    expect(widget).to_have_attribute("data-state", "error")
    expect(widget).to_be_hidden()
    assert widget.inner_html() == ""


def test_widget_shows_nothing_when_the_api_is_down(article_page, closed_api_url):
    mount(article_page, "cb-s001", closed_api_url)
    widget = article_page.locator("#lain")
    expect(widget).to_have_attribute("data-state", "error")
    expect(widget).to_be_hidden()


def test_widget_shows_nothing_when_nothing_is_related(article_page):
    article_page.route(
        "**/articles/cb-0003/related*",
        lambda route: route.fulfill(json={"id": "cb-0003", "results": []}),
    )
    mount(article_page, "cb-0003")
    widget = article_page.locator("#lain")
    expect(widget).to_have_attribute("data-state", "empty")
    expect(widget).to_be_hidden()
    assert widget.inner_html() == ""


def test_widget_shows_titles_as_text_and_never_a_script_link(article_page):
    evil = {
        "id": "x",
        "results": [
            {
                "id": "y",
                "title": "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;",
                "url": "javascript:window.__pwned=2",
                "category_path": None,
                "categories": [],
                "published_at": None,
                "author": None,
                "tags": [],
                "publisher": None,
                "image_url": "http://tidak-aman.example/x.jpg",
            }
        ],
    }
    article_page.route("**/articles/x/related*", lambda route: route.fulfill(json=evil))
    mount(article_page, "x")
    widget = article_page.locator("#lain")
    expect(widget).to_have_attribute("data-state", "ready")
    expect(widget.locator(".cb-related-title")).to_have_text(
        '<img src=x onerror="window.__pwned=1">'
    )
    assert widget.locator("a, img, script").count() == 0
    assert article_page.evaluate("window.__pwned") is None
