"""axe-core on the search page (results, chips, histogram, thumbnails, suggestions open) and on
an article page with the "Baca Juga" widget: no serious or critical violations.

Every violation axe reports (any impact) is written to test-artifacts/axe-<page>.json.
"""

from __future__ import annotations

import json

from playwright.sync_api import expect

BLOCKING = {"serious", "critical"}
RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 10),
    }));
}"""


def axe_violations(page, axe_source: str, artifacts, name: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(RUN_AXE)
    (artifacts / f"axe-{name}.json").write_text(
        json.dumps(violations, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return violations


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def test_search_page_with_results_facets_and_histogram(page, axe_source, artifacts):
    expect(page.locator(".cb-result").first).to_be_visible()
    page.get_by_role("list", name="Penerbit").get_by_role("button").filter(
        has_text="kabarcontoh.id"
    ).click()
    expect(page.locator('.cb-chip[aria-pressed="true"]')).to_have_count(1)
    expect(page.locator(".cb-thumb img").first).to_be_visible()
    expect(page.locator(".cb-bar").first).to_be_visible()
    expect(page.locator(".cb-facet").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "search-axe-checked.png"), full_page=True)
    assert blocking(axe_violations(page, axe_source, artifacts, "search")) == []


def test_search_page_with_suggestions_open(page, axe_source, artifacts):
    box = page.get_by_role("combobox", name="Cari berita")
    box.press_sequentially("jembatan", delay=40)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("ArrowDown")
    expect(box).to_have_attribute(
        "aria-activedescendant", page.get_by_role("option").first.get_attribute("id")
    )
    assert blocking(axe_violations(page, axe_source, artifacts, "search-suggestions")) == []


def test_article_page_with_the_related_widget(article_page, axe_source, artifacts):
    expect(article_page.locator("[data-cariberita-related]")).to_have_attribute(
        "data-state", "ready"
    )
    assert blocking(axe_violations(article_page, axe_source, artifacts, "article")) == []


def test_axe_finds_a_planted_violation(page, axe_source, artifacts):
    """The check can fail: an unlabelled image button is a critical violation."""
    expect(page.locator(".cb-result").first).to_be_visible()
    page.evaluate(
        "() => document.querySelector('main').append(Object.assign("
        "document.createElement('button'), {innerHTML: '<img src=\"data:,\">'}))"
    )
    found = blocking(axe_violations(page, axe_source, artifacts, "planted"))
    assert "button-name" in {v["id"] for v in found}
