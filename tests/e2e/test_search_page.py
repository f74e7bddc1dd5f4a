"""The demo page and its search box in headless Chromium, against the local stack."""

from __future__ import annotations

import re

from playwright.sync_api import expect

MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
INDONESIAN_DATE = re.compile(rf"^\d{{1,2}} ({MONTHS.replace(' ', '|')}) \d{{4}}$")


# Elements sticking out of the viewport, outside containers that scroll sideways on purpose.
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
    .filter(e => !e.closest('.cb-facets, .cb-chips, .cb-hist'))
    .map(e => `${e.tagName}.${e.className}: ${e.textContent.slice(0, 60)}`)"""


def search_for(page, text: str) -> None:
    page.get_by_role("combobox", name="Cari berita").fill(text)
    page.get_by_role("button", name="Cari", exact=True).click()


def test_typing_shows_suggestions_picked_with_the_keyboard(page, artifacts):
    box = page.get_by_role("combobox", name="Cari berita")
    box.press_sequentially("pelayan", delay=40)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(box).to_have_attribute("aria-expanded", "true")
    first = listbox.get_by_role("option").first
    title = first.inner_text()

    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Enter")

    expect(box).to_have_value(title)
    expect(listbox).to_be_hidden()
    expect(page.locator(".cb-result").first).to_be_visible()
    expect(page.locator(".cb-result .cb-title mark").first).to_be_visible()
    page.screenshot(path=str(artifacts / "search-suggestion-picked.png"), full_page=True)


def test_escape_closes_the_suggestions(page):
    box = page.get_by_role("combobox", name="Cari berita")
    box.press_sequentially("kebakar", delay=40)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")


def test_results_have_highlights_indonesian_dates_and_category_labels(page, artifacts):
    search_for(page, "pelayanan publik")
    first = page.locator(".cb-result").first
    expect(first).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("berita ditemukan")
    marks = page.locator(".cb-result mark")
    expect(marks.first).to_be_visible()
    assert (
        "pelayan" in marks.first.inner_text().lower() or "layan" in marks.first.inner_text().lower()
    )
    expect(first.locator("time")).to_have_text(INDONESIAN_DATE)
    expect(first.locator(".cb-category")).not_to_be_empty()
    page.screenshot(path=str(artifacts / "search-results-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "search-results-phone.png"), full_page=True)


def test_clicking_a_category_facet_filters_and_clicking_again_clears(page):
    facet = page.locator(".cb-facet").first
    expect(facet).to_be_visible()
    count = int(facet.locator(".cb-count").inner_text().replace(".", ""))
    facet.click()
    pressed = page.locator('.cb-facet[aria-pressed="true"]')
    expect(pressed).to_have_count(1)
    expect(page.get_by_role("status")).to_contain_text(f"{count} berita ditemukan")
    pressed.click()
    expect(page.locator('.cb-facet[aria-pressed="true"]')).to_have_count(0)


def test_changing_page_shows_the_next_results(page):
    expect(page.locator(".cb-result").first).to_be_visible()
    first_page = page.locator(".cb-result .cb-title").all_inner_texts()
    page.get_by_role("button", name="Halaman 2").click()
    expect(page.get_by_role("button", name="Halaman 2")).to_have_attribute("aria-current", "page")
    expect(page.locator(".cb-result .cb-title").first).not_to_have_text(first_page[0])
    second_page = page.locator(".cb-result .cb-title").all_inner_texts()
    assert second_page and not set(second_page) & set(first_page)


def test_sorting_by_newest_orders_by_date(page):
    search_for(page, "pelayanan")
    expect(page.locator(".cb-result").first).to_be_visible()
    page.get_by_label("Urutkan").select_option("newest")
    expect(page.locator(".cb-result").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    dates = page.locator(".cb-result time").evaluate_all(
        "ts => ts.map(t => t.getAttribute('datetime'))"
    )
    assert dates == sorted(dates, reverse=True)


def test_date_filter_limits_results_to_the_range(page):
    page.get_by_label("Dari tanggal").fill("2024-03-20")
    page.get_by_label("Sampai tanggal").fill("2024-03-22")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".cb-result").first).to_be_visible()
    dates = page.locator(".cb-result time").evaluate_all(
        "ts => ts.map(t => t.getAttribute('datetime'))"
    )
    assert dates and all("2024-03-20" <= d[:10] <= "2024-03-22" for d in dates)


def test_query_without_matches_shows_the_empty_state(page):
    search_for(page, "qwzxjvkq")
    expect(page.get_by_role("status")).to_contain_text("Tidak ada berita yang cocok")
    expect(page.locator(".cb-result")).to_have_count(0)


def test_misspelled_query_offers_did_you_mean(page):
    # Four letters: too short for typo tolerance, so only the spelling suggestion helps.
    search_for(page, "desq")
    offer = page.locator(".cb-dym")
    expect(offer).to_contain_text("Mungkin maksud Anda:")
    offer.get_by_role("button").click()
    expect(page.get_by_role("combobox", name="Cari berita")).to_have_value("desa")
    expect(page.locator(".cb-result").first).to_be_visible()


def test_api_down_shows_the_error_state_with_a_retry(page, closed_api_url, artifacts):
    page.evaluate(
        """url => {
            const el = document.createElement('div');
            el.id = 'mati';
            document.querySelector('main').prepend(el);
            CariBeritaSearch.mount(el, {apiUrl: url});
        }""",
        closed_api_url,
    )
    box = page.locator("#mati")
    expect(box.get_by_role("status")).to_contain_text("tidak dapat dihubungi")
    expect(box.get_by_role("button", name="Coba lagi")).to_be_visible()
    box.screenshot(path=str(artifacts / "search-error.png"))


def test_search_form_is_labelled_and_reachable_by_keyboard(page):
    expect(page.get_by_role("search")).to_be_visible()
    combobox = page.get_by_role("combobox", name="Cari berita")
    expect(combobox).to_have_attribute("aria-controls", re.compile(".+"))
    listbox_id = combobox.get_attribute("aria-controls")
    expect(page.locator(f"#{listbox_id}")).to_have_attribute("role", "listbox")
    page.keyboard.press("Tab")
    expect(combobox).to_be_focused()


def test_loading_state_is_shown_while_the_api_answers(page):
    expect(page.locator(".cb-result").first).to_be_visible()
    held = []
    page.route("**/search?*", lambda route: held.append(route))
    search_for(page, "banjir")
    expect(page.get_by_role("status")).to_have_text("Memuat hasil…")
    expect(page.locator(".cb-root")).to_have_attribute("aria-busy", "true")
    held[-1].continue_()
    page.unroute("**/search?*")
    expect(page.get_by_role("status")).to_contain_text("berita ditemukan")
    expect(page.locator(".cb-root")).not_to_have_attribute("aria-busy", "true")


def test_page_fits_a_phone_screen_without_sideways_scrolling(page, artifacts):
    page.set_viewport_size({"width": 360, "height": 740})
    search_for(page, "pelayanan")
    expect(page.locator(".cb-result").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDER_THAN_SCREEN)
    assert width <= 360, wide
    search_for(page, "qwzxjvkq")
    expect(page.get_by_role("status")).to_contain_text("Tidak ada berita")
    page.screenshot(path=str(artifacts / "search-empty-phone.png"))


def test_dates_are_written_in_indonesian(page):
    formatted = page.evaluate("CariBeritaSearch.formatDate('2024-02-19T20:04:00+07:00')")
    assert formatted == "19 Februari 2024"


def test_highlight_with_any_other_tag_is_shown_as_text_not_markup(page):
    """Defence in depth: even an API answer with a stray tag never becomes markup."""
    evil = {
        "total": {"value": 1, "exact": True},
        "took_ms": 1,
        "page": 1,
        "size": 5,
        "results": [
            {
                "id": "x",
                "title": "Judul &lt;b&gt;",
                "url": "javascript:alert(1)",
                "category_path": None,
                "categories": [],
                "published_at": "2024-02-19T20:04:00+07:00",
                "author": "&lt;script&gt;",
                "tags": [],
                "publisher": None,
                "title_html": '<mark>Judul</mark> <img src=x onerror="window.__pwned=1">',
                "snippet_html": "<mark>isi</mark> <script>window.__pwned=2</script>",
            }
        ],
        "facets": {"categories": [], "months": []},
        "next_cursor": None,
        "did_you_mean": None,
    }
    page.route(
        "**/search?*",
        lambda route: route.fulfill(json=evil, headers={"Access-Control-Allow-Origin": "*"}),
    )
    page.get_by_role("combobox", name="Cari berita").fill("judul")
    page.get_by_role("button", name="Cari", exact=True).click()
    result = page.locator(".cb-result").first
    expect(result.locator(".cb-title")).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(result.locator(".cb-author")).to_have_text("<script>")
    assert result.locator("img, script, mark, a").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_search_state_lives_in_the_url_so_a_link_can_be_shared(page, local_stack):
    page.goto(f"{local_stack.api_url}/?q=pelayanan&sort=newest")
    expect(page.get_by_role("combobox", name="Cari berita")).to_have_value("pelayanan")
    expect(page.get_by_label("Urutkan")).to_have_value("newest")
    expect(page.locator(".cb-result mark").first).to_be_visible()
    page.locator(".cb-facet").first.click()
    expect(page.locator('.cb-facet[aria-pressed="true"]')).to_have_count(1)
    assert "category=" in page.url and "q=pelayanan" in page.url
