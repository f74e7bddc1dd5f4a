"""The search page's reader features in Chromium: months histogram, publisher and author chips,
cursor paging, other sources of a story, thumbnails, the API's messages, the combobox."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_search_page import search_for

RESULT_DATES = "ts => ts.map(t => t.getAttribute('datetime'))"


def status_count(page) -> int:
    text = page.get_by_role("status").inner_text()
    return int(re.match(r"^([\d.]+)", text).group(1).replace(".", ""))


def chip(page, group: str, label: str):
    return page.get_by_role("list", name=group).get_by_role("button", name=re.compile(f"^{label}"))


def test_histogram_click_narrows_the_dates_to_that_month(page, artifacts):
    expect(page.locator(".cb-result").first).to_be_visible()
    february = page.get_by_role("button", name=re.compile(r"^Februari 2024: \d+ artikel$"))
    expect(february).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Januari 2024: "))).to_be_visible()
    count = int(re.search(r": (\d+) artikel", february.inner_text()).group(1))

    february.focus()
    page.keyboard.press("Enter")  # a button: the keyboard works like a click

    expect(page.get_by_label("Dari tanggal")).to_have_value("2024-02-01")
    expect(page.get_by_label("Sampai tanggal")).to_have_value("2024-02-29")
    expect(february).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name=re.compile(r"^Januari 2024: "))).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text(f"{count} berita ditemukan")
    dates = page.locator(".cb-result time").evaluate_all(RESULT_DATES)
    assert dates and all(d.startswith("2024-02") for d in dates), dates
    page.screenshot(path=str(artifacts / "search-month-chosen.png"), full_page=True)

    page.get_by_role("button", name="Semua tanggal").click()
    expect(page.get_by_label("Dari tanggal")).to_have_value("")
    expect(page.get_by_role("button", name=re.compile(r"^Januari 2024: "))).to_be_visible()


def test_publisher_chips_select_several_and_clear(page):
    expect(page.locator(".cb-result").first).to_be_visible()
    kabar = chip(page, "Penerbit", "kabarcontoh.id")
    warta = chip(page, "Penerbit", "wartacontoh.id")
    counts = [int(c.locator(".cb-count").inner_text()) for c in (kabar, warta)]

    kabar.click()
    expect(kabar).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("status")).to_have_text(re.compile(f"^{counts[0]} berita"))
    warta.click()
    expect(warta).to_have_attribute("aria-pressed", "true")
    expect(kabar).to_have_attribute("aria-pressed", "true")  # several publishers at once
    expect(page.get_by_role("status")).to_have_text(re.compile(f"^{sum(counts)} berita"))
    shown = set(page.locator(".cb-result .cb-publisher").all_inner_texts())
    assert shown and shown <= {"kabarcontoh.id", "wartacontoh.id"}, shown
    assert page.url.count("publisher=") == 2

    page.get_by_role("button", name="Hapus pilihan penerbit").click()
    expect(page.locator('.cb-chip[aria-pressed="true"]')).to_have_count(0)
    expect(page.get_by_role("button", name="Hapus pilihan penerbit")).to_be_hidden()
    assert status_count(page) > sum(counts)


def test_author_chip_filters_to_one_author_and_clicking_again_clears(page):
    expect(page.locator(".cb-result").first).to_be_visible()
    before = status_count(page)
    laras = chip(page, "Penulis", "Laras Pertiwi")
    count = int(laras.locator(".cb-count").inner_text())
    laras.click()
    expect(laras).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("status")).to_have_text(re.compile(f"^{count} berita"))
    authors = set(page.locator(".cb-result .cb-author").all_inner_texts())
    assert authors == {"Laras Pertiwi"}
    assert "author=laras+pertiwi" in page.url
    laras.click()
    expect(page.locator('.cb-chip[aria-pressed="true"]')).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text(re.compile(f"^{before} berita"))


def test_cursor_paging_goes_forward_and_back_to_the_same_first_page(page, artifacts):
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/search?" in r.url else None)
    page.evaluate(
        """() => {
            const el = document.createElement('div');
            el.id = 'kursor';
            document.querySelector('main').prepend(el);
            CariBeritaSearch.mount(el, {apiUrl: '/', pageSize: 4, paging: 'cursor'});
        }"""
    )
    box = page.locator("#kursor")
    titles = box.locator(".cb-result .cb-title")
    expect(titles.first).to_be_visible()
    first = titles.all_inner_texts()
    expect(box.get_by_role("button", name="Halaman sebelumnya")).to_have_count(0)

    box.get_by_role("button", name="Halaman berikutnya").click()
    expect(box.locator(".cb-page-now")).to_have_text("Halaman 2")
    expect(titles.first).not_to_have_text(first[0])
    second = titles.all_inner_texts()
    box.get_by_role("button", name="Halaman berikutnya").click()
    expect(box.locator(".cb-page-now")).to_have_text("Halaman 3")
    third = titles.all_inner_texts()
    assert not set(first) & set(second) and not set(second) & set(third)
    assert sum("cursor=" in url for url in requests) == 2

    box.get_by_role("button", name="Halaman sebelumnya").click()
    expect(box.locator(".cb-page-now")).to_have_text("Halaman 2")
    expect(titles.first).to_have_text(second[0])
    assert titles.all_inner_texts() == second
    box.get_by_role("button", name="Halaman sebelumnya").click()
    expect(box.locator(".cb-page-now")).to_have_text("Halaman 1")
    expect(titles.first).to_have_text(first[0])
    assert titles.all_inner_texts() == first
    expect(box.get_by_role("button", name="Halaman sebelumnya")).to_have_count(0)
    box.locator(".cb-pager").screenshot(path=str(artifacts / "search-cursor-pager.png"))


def test_a_story_from_several_publishers_shows_once_with_its_other_sources(page, artifacts):
    search_for(page, "jembatan gantung gotong royong dua desa")
    story = page.locator(".cb-result").filter(
        has_text="Jembatan Gantung Gotong Royong Hubungkan Dua Desa"
    )
    expect(story).to_have_count(1)
    shown = story.locator(".cb-publisher").inner_text()
    others = {"kabarcontoh.id", "wartacontoh.id", "suaracontoh.id"} - {shown}
    copies = story.locator(".cb-copies")
    expect(copies).to_have_text(re.compile(r"^2 sumber lain: [\w.-]+, [\w.-]+$"))
    assert set(copies.inner_text().split(": ")[1].split(", ")) == others
    story.screenshot(path=str(artifacts / "search-other-sources.png"))


def test_thumbnails_are_lazy_in_a_fixed_box(page):
    search_for(page, "jembatan")
    img = page.locator(".cb-result .cb-thumb img").first
    expect(img).to_be_visible()
    expect(img).to_have_attribute("loading", "lazy")
    expect(img).to_have_attribute("alt", "")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.cb-thumb img')].every(i => i.complete)"
    )
    assert img.evaluate("i => i.naturalWidth") > 0
    assert img.evaluate("i => getComputedStyle(i).objectFit") == "cover"
    box = page.locator(".cb-result .cb-thumb").first.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (120, 80)


def test_a_broken_thumbnail_leaves_an_empty_box_and_nothing_moves(page, local_stack, artifacts):
    held = []
    page.route("**/garam-rusak.jpg", lambda route: held.append(route))
    # Newest first shows a story's original: the copy whose picture is broken.
    page.goto(f"{local_stack.api_url}/?q=petani+garam+kemarau&sort=newest")
    result = page.locator(".cb-result").filter(has_text="Petani Garam Panen Lebih Awal")
    expect(result.locator(".cb-thumb img")).to_have_count(1)
    for _ in range(150):  # the picture's request is held until the text has been measured
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the broken picture was never requested"
    text_before = result.locator(".cb-result-text").bounding_box()
    thumb_before = result.locator(".cb-thumb").bounding_box()

    held[0].fulfill(status=404, body="")

    expect(result.locator(".cb-thumb")).to_have_class(re.compile("cb-thumb-missing"))
    expect(result.locator("img")).to_have_count(0)  # no broken-image icon
    assert result.locator(".cb-result-text").bounding_box() == text_before
    assert result.locator(".cb-thumb").bounding_box() == thumb_before
    result.screenshot(path=str(artifacts / "search-broken-thumbnail.png"))


def test_the_api_message_is_shown_in_the_page_language(page):
    """An Indonesian page words a refused request itself; another language gets the API's
    message in that language (Accept-Language from <html lang>)."""
    expect(page.locator(".cb-result").first).to_be_visible()
    words = " ".join(["kata"] * 33)  # the API takes 32 words
    with page.expect_request("**/search?*kata*") as sent:
        search_for(page, words)
    assert sent.value.headers["accept-language"] == "id"
    status = page.get_by_role("status")
    expect(status).to_have_text(re.compile("^Kata pencarian terlalu panjang"))
    expect(page.locator(".cb-status")).to_have_class(re.compile("cb-error"))

    page.evaluate("document.documentElement.lang = 'en'")
    with page.expect_request("**/search?*kata*") as sent:
        page.get_by_role("button", name="Cari", exact=True).click()
    assert sent.value.headers["accept-language"] == "en"
    expect(status).to_have_text("q has more than 32 words")


def test_suggestions_follow_the_aria_combobox_pattern(page):
    box = page.get_by_role("combobox", name="Cari berita")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("jembatan", delay=40)
    listbox = page.get_by_role("listbox", name="Saran judul berita")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    page.wait_for_load_state("networkidle")
    n = options.count()
    assert n >= 2
    live = page.locator(".cb-suggest-count[aria-live=polite]")
    expect(live).to_have_text(re.compile(f"^{n} saran judul"))

    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    box.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    box.press("ArrowUp")  # back to the text itself
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    expect(listbox.locator('[aria-selected="true"]')).to_have_count(0)
    expect(box).to_be_focused()

    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(live).to_have_text("")
    box.press("ArrowDown")  # reopens
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    title = options.nth(0).inner_text()
    box.press("Enter")
    expect(box).to_have_value(title)
    expect(page.locator(".cb-result").first).to_be_visible()


def fake_page(number: int, next_cursor: str | None) -> dict:
    """A /search answer for page ``number`` of a search with 50,000 stories."""
    result = {
        "id": f"p{number}",
        "title": f"Berita halaman {number}",
        "url": f"https://contoh-berita.id/{number}",
        "category_path": None,
        "categories": [],
        "published_at": "2024-02-19T20:04:00+07:00",
        "author": None,
        "tags": [],
        "publisher": None,
        "image_url": None,
        "title_html": f"Berita halaman {number}",
        "snippet_html": "",
        "copies": 1,
        "other_publishers": [],
    }
    return {
        "total": {"value": 50000, "exact": False, "stories": 50000},
        "took_ms": 1,
        "page": number,
        "size": 10,
        "results": [result],
        "facets": {"categories": [], "months": [], "publishers": [], "authors": []},
        "next_cursor": next_cursor,
        "did_you_mean": None,
    }


def test_page_numbers_hand_over_to_the_cursor_past_the_result_window_and_come_back(page):
    sent = []

    def answer(route):
        url = route.request.url
        sent.append(url)
        if "cursor=c1001" in url:
            body = fake_page(1001, "c1002")
        else:
            number = int(re.search(r"[?&]page=(\d+)", url).group(1))
            body = fake_page(number, f"c{number + 1}")
        route.fulfill(json=body, headers={"Access-Control-Allow-Origin": "*"})

    page.route("**/search?*", answer)
    page.evaluate(
        """() => {
            const el = document.createElement('div');
            el.id = 'jauh';
            document.querySelector('main').prepend(el);
            CariBeritaSearch.mount(el, {apiUrl: '/'}).update({page: 1000});
        }"""
    )
    box = page.locator("#jauh")
    titles = box.locator(".cb-result .cb-title")
    expect(titles).to_have_text("Berita halaman 1000")
    expect(box.get_by_role("button", name="Halaman 1000")).to_have_attribute("aria-current", "page")
    box.get_by_role("button", name="Halaman berikutnya").click()  # past 10,000: the cursor
    expect(titles).to_have_text("Berita halaman 1001")
    assert "cursor=c1001" in sent[-1] and "page=" not in sent[-1]
    expect(box.locator(".cb-page-now")).to_have_text("Halaman 1001")

    box.get_by_role("button", name="Halaman sebelumnya").click()
    expect(titles).to_have_text("Berita halaman 1000")
    assert "page=1000" in sent[-1] and "cursor=" not in sent[-1]
    expect(box.get_by_role("button", name="Halaman 1000")).to_have_attribute("aria-current", "page")
