"""The search page as a reader moves through it: Back and Forward, keyboard focus, shared links
(a category spelled by hand, a page past the end, a cursor page), the empty state's way out,
and requests the page refuses to send (inverted dates, overlong queries)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_search_page import search_for

# The demo page's own box gives way to one that pages by cursor and keeps its state in the URL.
CURSOR_BOX_WITH_URL_STATE = """() => {
    document.getElementById('pencarian').remove();
    const el = document.createElement('div');
    el.id = 'kursor';
    document.querySelector('main').prepend(el);
    CariBeritaSearch.mount(el, {apiUrl: '/', pageSize: 4, paging: 'cursor', urlState: true});
}"""


def facet(page, label: str):
    return page.get_by_role("list", name="Kategori").get_by_role(
        "button", name=re.compile(f"^{re.escape(label)}")
    )


def results_heading(page):
    return page.get_by_role("heading", name="Hasil pencarian")


def test_back_undoes_the_last_filter_then_the_last_search(page, local_stack):
    expect(page.locator(".cb-result").first).to_be_visible()
    search_for(page, "desa")
    expect(page.get_by_role("status")).to_contain_text("untuk “desa”")
    daerah = facet(page, "Daerah")
    daerah.click()
    expect(daerah).to_have_attribute("aria-pressed", "true")
    assert "category=daerah" in page.url

    page.go_back()
    expect(facet(page, "Daerah")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("status")).to_contain_text("untuk “desa”")
    assert page.url.startswith(local_stack.api_url) and "category=" not in page.url

    page.go_back()
    expect(page.get_by_role("combobox", name="Cari berita")).to_have_value("")
    expect(page.get_by_role("status")).to_contain_text("terbaru dulu")

    page.go_forward()
    expect(page.get_by_role("combobox", name="Cari berita")).to_have_value("desa")
    expect(page.get_by_role("status")).to_contain_text("untuk “desa”")


def test_a_page_change_is_one_history_entry(page):
    expect(page.locator(".cb-result").first).to_be_visible()
    page.get_by_role("button", name="Halaman 2").click()
    expect(page.get_by_role("button", name="Halaman 2")).to_have_attribute("aria-current", "page")
    assert "page=2" in page.url
    page.go_back()
    expect(page.get_by_role("button", name="Halaman 1")).to_have_attribute("aria-current", "page")
    assert "page=" not in page.url


def test_keyboard_focus_stays_on_the_facet_chip_and_month_used(page):
    expect(page.locator(".cb-result").first).to_be_visible()
    controls = [
        lambda: facet(page, "Ekonomi"),
        lambda: page.get_by_role("list", name="Penerbit").get_by_role(
            "button", name=re.compile("^kabarcontoh.id")
        ),
        lambda: page.get_by_role("button", name=re.compile(r"^Maret 2024: ")),
    ]
    for control in controls:
        control().focus()
        page.keyboard.press("Enter")
        expect(control()).to_have_attribute("aria-pressed", "true")
        expect(control()).to_be_focused()
        page.keyboard.press("Space")  # and again, from where focus is: unchosen
        expect(control()).to_have_attribute("aria-pressed", "false")
        expect(control()).to_be_focused()


def test_after_a_page_button_focus_moves_to_the_results(page):
    expect(page.locator(".cb-result").first).to_be_visible()
    page.get_by_role("button", name="Halaman 2").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Halaman 2")).to_have_attribute("aria-current", "page")
    expect(results_heading(page)).to_be_focused()
    expect(page.get_by_role("status")).to_contain_text("Halaman 2 dari")
    page.keyboard.press("Tab")  # the next stop is in the results column, not the filters
    expect(page.locator(".cb-main :focus")).to_have_count(1)


def test_a_skip_link_leads_past_the_filters_to_the_results(page):
    expect(page.locator(".cb-result").first).to_be_visible()
    page.get_by_role("combobox", name="Cari berita").focus()
    page.keyboard.press("Tab")  # "Cari"
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke hasil")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(results_heading(page)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".cb-main :focus")).to_have_count(1)


def test_on_a_phone_the_filters_fold_behind_saring_and_results_follow_the_field(page, artifacts):
    page.set_viewport_size({"width": 375, "height": 740})
    expect(page.locator(".cb-result").first).to_be_visible()
    expect(page.get_by_label("Urutkan")).to_be_hidden()
    first = page.locator(".cb-result").first.bounding_box()
    assert first and first["y"] < 740, first
    page.screenshot(path=str(artifacts / "search-phone-folded.png"))
    page.get_by_text("Saring", exact=True).click()
    expect(page.get_by_label("Urutkan")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_label("Urutkan")).to_be_visible()
    expect(page.get_by_text("Saring", exact=True)).to_be_hidden()


def test_a_hand_written_category_link_is_the_one_facet_with_its_count(page, local_stack):
    page.goto(f"{local_stack.api_url}/?category=Hukum+%26+Kriminal")
    pressed = page.locator('.cb-facet[aria-pressed="true"]')
    expect(pressed).to_have_count(1)
    expect(pressed).to_have_text(re.compile(r"^Hukum & Kriminal\s*4$"))
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^4 berita"))
    expect(page.locator(".cb-facet", has_text="Hukum & Kriminal")).to_have_count(1)
    assert "category=hukum+%26+kriminal" in page.url, page.url

    pressed.click()
    expect(page.locator('.cb-facet[aria-pressed="true"]')).to_have_count(0)
    facet(page, "Hukum & Kriminal").click()  # chosen from the facet: the value is sent unescaped
    expect(page.locator('.cb-facet[aria-pressed="true"]')).to_have_count(1)
    assert "category=hukum+%26+kriminal" in page.url and "amp" not in page.url, page.url

    page.goto(f"{local_stack.api_url}/?category=EKONOMI")
    expect(page.locator('.cb-facet[aria-pressed="true"]')).to_have_text(
        re.compile(r"^Ekonomi\s*7$")
    )
    expect(page.locator(".cb-facet", has_text="Ekonomi")).to_have_count(1)


def test_the_empty_state_clears_every_filter_and_keeps_the_query(page, local_stack):
    page.goto(f"{local_stack.api_url}/?q=banjir&publisher=kabarcontoh.id&category=ekonomi")
    expect(page.get_by_role("status")).to_contain_text("Tidak ada berita yang cocok")
    page.get_by_role("button", name="Hapus semua filter").click()
    expect(page.get_by_role("status")).to_contain_text("ditemukan untuk “banjir”")
    expect(page.locator(".cb-result").first).to_be_visible()
    expect(page.get_by_role("combobox", name="Cari berita")).to_have_value("banjir")
    assert "publisher=" not in page.url and "category=" not in page.url and "q=banjir" in page.url


def test_the_empty_state_without_filters_offers_no_clearing(page):
    search_for(page, "qwzxjvkq")
    expect(page.get_by_role("status")).to_contain_text("Tidak ada berita yang cocok")
    expect(page.get_by_role("status")).not_to_contain_text("hapus filter")
    expect(page.get_by_role("button", name="Hapus semua filter")).to_have_count(0)


def test_categories_have_a_clear_control(page):
    expect(page.locator(".cb-result").first).to_be_visible()
    facet(page, "Ekonomi").click()
    facet(page, "Daerah").click()
    expect(page.locator('.cb-facet[aria-pressed="true"]')).to_have_count(2)
    page.get_by_role("button", name="Hapus pilihan kategori").click()
    expect(page.locator('.cb-facet[aria-pressed="true"]')).to_have_count(0)
    expect(page.get_by_role("button", name="Hapus pilihan kategori")).to_be_hidden()


def test_a_second_click_before_the_page_redraws_adds_to_the_first(page):
    """Both clicks run in one task, so the second always lands on the buttons of the old render.

    Each button must read the choice as it stands when clicked; one that kept the choice of its
    render replaced the first click with the second (seen in CI as ``?category=daerah``).
    """
    expect(page.locator(".cb-result").first).to_be_visible()
    expect(page.locator('.cb-chip[data-value="wartacontoh.id"]')).to_have_count(1)
    page.evaluate(
        """() => {
            for (const value of ['ekonomi', 'daerah']) {
                document.querySelector(`.cb-facet[data-value="${value}"]`).click();
            }
            for (const value of ['kabarcontoh.id', 'wartacontoh.id']) {
                document.querySelector(`.cb-chip[data-value="${value}"]`).click();
            }
        }"""
    )
    expect(page.locator('.cb-facet[aria-pressed="true"]')).to_have_count(2)
    expect(page.locator('.cb-chip[aria-pressed="true"]')).to_have_count(2)
    for expected in (
        "category=ekonomi",
        "category=daerah",
        "publisher=kabarcontoh.id",
        "publisher=wartacontoh.id",
    ):
        assert expected in page.url, page.url


def test_inverted_dates_are_caught_by_the_page_in_indonesian(page):
    expect(page.locator(".cb-result").first).to_be_visible()
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "date_to=" in r.url else None)
    page.get_by_label("Dari tanggal").fill("2024-03-22")
    page.get_by_label("Sampai tanggal").fill("2024-03-20")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Tanggal “Dari” jatuh setelah tanggal “Sampai”")
    expect(page.get_by_label("Sampai tanggal")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("button", name="Coba lagi")).to_have_count(0)
    assert sent == []  # never sent: the API would have named its parameters
    page.get_by_label("Dari tanggal").fill("2024-03-19")
    expect(status).not_to_contain_text("Tanggal “Dari”")
    expect(page.locator(".cb-status")).not_to_have_class(re.compile("cb-error"))
    expect(page.get_by_label("Sampai tanggal")).not_to_have_attribute("aria-invalid", "true")


def test_typed_and_picked_queries_are_held_to_the_api_limit(page):
    box = page.get_by_role("combobox", name="Cari berita")
    box.fill("")
    box.press_sequentially("a" * 210)
    assert len(box.input_value()) == 200
    page.evaluate(
        """() => {
            const box = document.getElementById('pencarian').__cariberita;
            box.suggestions = [{id: 'x', title: 'panjang '.repeat(40)}];
            box.pick(0);
        }"""
    )
    assert len(box.input_value()) <= 200
    expect(page.locator(".cb-status")).not_to_have_class(re.compile("cb-error"))


def test_a_refused_query_is_explained_in_reader_words_without_a_retry(page):
    words = " ".join(["kata"] * 33)  # the API takes 32 words
    search_for(page, words)
    status = page.get_by_role("status")
    expect(status).to_have_text(re.compile("^Kata pencarian terlalu panjang"))
    expect(status).not_to_contain_text("q lebih")
    expect(page.get_by_role("button", name="Coba lagi")).to_have_count(0)


def test_a_link_past_the_last_page_says_so_and_leads_back(page, local_stack):
    page.goto(f"{local_stack.api_url}/?page=1000")  # the last page number the API serves
    status = page.get_by_role("status")
    expect(status).to_contain_text("Halaman ini melewati hasil terakhir")
    expect(status).not_to_contain_text("Tidak ada berita")
    last = page.get_by_role("button", name=re.compile(r"^Ke halaman terakhir \(\d+\)$"))
    number = re.search(r"\((\d+)\)", last.inner_text()).group(1)
    last.click()
    expect(page.get_by_role("button", name=f"Halaman {number}")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator(".cb-result").first).to_be_visible()
    page.go_back()
    expect(status).to_contain_text("Halaman ini melewati hasil terakhir")
    page.get_by_role("button", name="Ke halaman pertama").click()
    expect(page.get_by_role("button", name="Halaman 1")).to_have_attribute("aria-current", "page")


def test_cursor_pages_are_kept_in_the_url_and_survive_a_reload(page, local_stack):
    page.evaluate(CURSOR_BOX_WITH_URL_STATE)
    box = page.locator("#kursor")
    titles = box.locator(".cb-result .cb-title")
    expect(titles.first).to_be_visible()
    for number in (2, 3):
        box.get_by_role("button", name="Halaman berikutnya").click()
        expect(box.locator(".cb-page-now")).to_have_text(f"Halaman {number}")
    third = titles.all_inner_texts()
    assert "page=3" in page.url
    page.reload()  # the demo page's own box (same settings but page numbers) reads the URL
    expect(page.get_by_role("button", name="Halaman 3")).to_have_attribute("aria-current", "page")
    page.evaluate(CURSOR_BOX_WITH_URL_STATE)
    expect(box.locator(".cb-page-now")).to_have_text("Halaman 3")
    expect(titles.first).to_have_text(third[0])
    box.get_by_role("button", name="Halaman sebelumnya").click()
    expect(box.locator(".cb-page-now")).to_have_text("Halaman 2")


def test_months_without_articles_get_empty_bars_or_a_labelled_break(page):
    answer = {
        "total": {"value": 4, "exact": True},
        "page": 1,
        "size": 5,
        "results": [],
        "facets": {
            "categories": [],
            "months": [
                {"month": "2019-05", "count": 2},
                {"month": "2019-07", "count": 1},
                {"month": "2024-03", "count": 1},
            ],
        },
        "next_cursor": None,
        "did_you_mean": None,
    }
    page.route(
        "**/search?*",
        lambda route: route.fulfill(json=answer, headers={"Access-Control-Allow-Origin": "*"}),
    )
    search_for(page, "bulan")
    bars = page.locator(".cb-hist li")
    expect(bars).to_have_count(5)
    expect(bars.nth(1)).to_have_text(re.compile(r"^Juni 2019: 0 artikel"))
    expect(bars.nth(1).get_by_role("button")).to_have_count(0)  # an empty month is not offered
    expect(bars.nth(3)).to_contain_text("Tidak ada berita Agustus 2019 sampai Februari 2024")
