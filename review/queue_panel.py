"""The queue's filter panel: for each filter, its values as plain links with their counts, so
filtering works without JavaScript (HTMX only swaps the results in place)."""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from complaints.models import CaseSource, CaseState, Priority
from registry.models import RightKind

from .queue import AGE_BUCKETS, ALL_UNDECIDED, QUEUE_PAGE_SIZES, QUEUE_STATES, QueueFacets, QueueFilters


@dataclass(frozen=True)
class FacetOption:
    label: str
    count: int
    url: str
    active: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]


def queue_url(filters: QueueFilters, *, path: str) -> str:
    """The queue URL for `filters`, naming only what differs from the defaults. `path`: the
    queue's own (reverse("review:queue")), reversed once a page for its ~90 links (18 us each)."""
    params: dict[str, str] = {}
    for name in ("kind", "brand", "source", "lane", "age"):
        value = getattr(filters, name)
        if value is not None:
            params[name] = str(value)
    if filters.state != (ALL_UNDECIDED if filters.mine else CaseState.OPEN):
        params["state"] = filters.state
    if filters.mine:
        params["mine"] = "1"
    if filters.sort != "priority":
        params["sort"] = filters.sort
    if filters.size != QUEUE_PAGE_SIZES[0]:
        params["size"] = str(filters.size)
    if filters.page > 1:
        params["page"] = str(filters.page)
    return f"{path}?{urlencode(params)}" if params else path


def _facet(name: str, label: str, filters: QueueFilters, facets: QueueFacets, values: list[tuple], *, path: str,
           any_label: str | None = "Any", hide_empty: bool = False) -> Facet:
    counts = facets.counts[name]
    current = getattr(filters, name)
    # While the counts are updating every value is offered, with no number (-1).
    unknown = facets.updating
    options = []
    if any_label is not None:
        options.append(FacetOption(any_label, -1 if unknown else sum(v for k, v in counts.items() if k is not None),
                                   queue_url(replace(filters, page=1, **{name: None}), path=path), current is None))
    for value, text in values:
        n = -1 if unknown else counts.get(value, 0)
        if hide_empty and not n and value != current:
            continue
        options.append(FacetOption(text, n, queue_url(replace(filters, page=1, **{name: value}), path=path),
                                   value == current))
    return Facet(name, label, options)


def queue_panel(*, filters: QueueFilters, facets: QueueFacets, brands: list[tuple[int, str]],
                path: str) -> list[Facet]:
    mine = Facet("mine", "Assigned", [
        # With "mine" on, only the user's own claims were counted: no number for everyone's (-1).
        FacetOption("Everyone's", facets.total if not (filters.mine or facets.updating) else -1,
                    queue_url(replace(filters, mine=False, page=1,
                                      state=CaseState.OPEN if filters.state == ALL_UNDECIDED else filters.state),
                              path=path),
                    not filters.mine),
        FacetOption("Assigned to me", facets.mine,
                    queue_url(replace(filters, mine=True, page=1,
                                      state=ALL_UNDECIDED if filters.state == CaseState.OPEN else filters.state),
                              path=path),
                    filters.mine),
    ])
    return [
        mine,
        _facet("lane", "Priority lane", filters, facets, list(Priority.choices), path=path),
        _facet("state", "State", filters, facets, QUEUE_STATES, any_label=None, path=path),
        _facet("age", "Waiting", filters, facets, [(b.key, b.label) for b in AGE_BUCKETS], path=path),
        _facet("kind", "IP type", filters, facets, list(RightKind.choices), path=path),
        _facet("source", "Source", filters, facets, list(CaseSource.choices), path=path),
        _facet("brand", "Brand", filters, facets, brands, hide_empty=True, path=path),
    ]
