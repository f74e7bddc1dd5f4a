"""The one definition of every search response: the service builds these, the OpenAPI document
describes them. Every string in them is HTML-escaped by the code that fills them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Schema(BaseModel):
    """A response model whose validator is built when it is first used, not at import: the
    import of the search function builds none, and a container that only searches never builds
    the article, related, categories or health models (docs/benchmarks.md, section 4)."""

    model_config = ConfigDict(defer_build=True)


def _empty() -> list[Any]:
    # The default_factory of list fields. Not the builtin ``list``: pydantic reads a factory's
    # signature, and a builtin's is parsed from text (~1 ms each, at every cold start).
    return []


class Total(Schema):
    value: int = Field(
        ge=0, description="Matching articles (not stories), counted exactly up to 10,000"
    )
    exact: bool = Field(description="False when there are at least `value` matches")
    stories: int | None = Field(
        default=None,
        ge=0,
        description="Distinct stories among the matches (copies counted once): exact when "
        "`exact` is true and fewer than 500 matching stories have copies, else an estimate; "
        "null when `collapse=false`",
    )


class ArticleSummary(Schema):
    """Every string is HTML-escaped; `*_html` fields also contain `<mark>` around matches."""

    id: str
    title: str
    url: str | None = Field(description="http(s) only")
    category_path: str | None
    categories: list[str]
    published_at: str | None
    author: str | None
    tags: list[str]
    publisher: str | None
    image_url: str | None = Field(default=None, description="https only")


class SearchResult(ArticleSummary):
    title_html: str
    snippet_html: str
    copies: int = Field(
        default=1,
        ge=1,
        description="Articles of this story among the matches, this one included (collapse on)",
    )
    other_publishers: list[str] = Field(
        default_factory=_empty, description="Publishers of the other copies (up to 10)"
    )


class CategoryCount(Schema):
    value: str = Field(description="Use as the `category` parameter")
    label: str
    count: int = Field(ge=0)


class ValueCount(Schema):
    value: str = Field(description="Use as the parameter of the same name (singular)")
    label: str
    count: int = Field(ge=0)


class CategoryNode(CategoryCount):
    """One level of the category breadcrumb; its count includes its children's. As the
    ``category`` parameter its value also matches the same word at other levels and the site
    categories mapped to it, so that filter can return more (docs/search.md, facets)."""

    children: list[CategoryNode]


class MonthCount(Schema):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Month in WIB, yyyy-MM")
    count: int = Field(ge=0)


class Facets(Schema):
    categories: list[CategoryCount] = Field(description="Counts ignore the category filter itself")
    months: list[MonthCount]
    publishers: list[ValueCount] = Field(
        default_factory=_empty, description="Counts ignore the publisher filter itself"
    )
    authors: list[ValueCount] = Field(default_factory=_empty, description="The 20 most frequent")
    category_tree: list[CategoryNode] = Field(
        default_factory=_empty,
        description=(
            "Breadcrumb levels with their children; counts ignore the category filter. A count"
            " is of articles whose breadcrumb passes through the level; `category=<value>` also"
            " finds the word at other levels and the site categories mapped to it (the"
            " `categories` facet counts those)"
        ),
    )


class SearchResponse(Schema):
    total: Total
    took_ms: int = Field(ge=0)
    page: int = Field(ge=1)
    size: int = Field(ge=1)
    results: list[SearchResult]
    facets: Facets
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end"
    )
    did_you_mean: str | None = Field(
        description="When the page has fewer than 3 articles: a spelling of the query that finds"
        " an article within the same filters; else null"
    )


class Suggestion(Schema):
    id: str
    title: str


class SuggestResponse(Schema):
    suggestions: list[Suggestion]


class Article(ArticleSummary):
    body: str
    updated_at: str | None


class RelatedResponse(Schema):
    id: str = Field(description="The article the others are related to")
    results: list[ArticleSummary]


class CategoriesResponse(Schema):
    categories: list[CategoryCount]


class HealthResponse(Schema):
    status: str
    documents: int = Field(ge=0)
