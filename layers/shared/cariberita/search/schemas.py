"""The one definition of every search response: the service builds these, the OpenAPI document
describes them. Every string in them is HTML-escaped by the code that fills them."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Total(BaseModel):
    value: int = Field(ge=0, description="Matching articles, counted exactly up to 10,000")
    exact: bool = Field(description="False when there are at least `value` matches")


class ArticleSummary(BaseModel):
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


class SearchResult(ArticleSummary):
    title_html: str
    snippet_html: str


class CategoryCount(BaseModel):
    value: str = Field(description="Use as the `category` parameter")
    label: str
    count: int = Field(ge=0)


class MonthCount(BaseModel):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Month in WIB, yyyy-MM")
    count: int = Field(ge=0)


class Facets(BaseModel):
    categories: list[CategoryCount] = Field(description="Counts ignore the category filter itself")
    months: list[MonthCount]


class SearchResponse(BaseModel):
    total: Total
    took_ms: int = Field(ge=0)
    page: int = Field(ge=1)
    size: int = Field(ge=1)
    results: list[SearchResult]
    facets: Facets
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end"
    )
    did_you_mean: str | None = Field(description="A spelling that finds more articles")


class Suggestion(BaseModel):
    id: str
    title: str


class SuggestResponse(BaseModel):
    suggestions: list[Suggestion]


class Article(ArticleSummary):
    body: str
    updated_at: str | None


class CategoriesResponse(BaseModel):
    categories: list[CategoryCount]


class HealthResponse(BaseModel):
    status: str
    documents: int = Field(ge=0)
