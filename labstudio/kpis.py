"""The overview's KPI cards as plain data: label, value, change, trend. Rendered by labstudio.ui.

Kept apart from Streamlit so the wording and arithmetic of every card is tested directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from labstudio.labels import label


@dataclass(frozen=True)
class Card:
    section: str
    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"  # normal: up is good; inverse: up is bad; off: grey
    delta_description: str | None = None
    help: str | None = None
    trend: list[float] = field(default_factory=list)


def money(amount: float, lang: str = "zh") -> str:
    """Yuan as leaders read them: 万元 in Chinese, plain yuan in English."""
    if lang == "en":
        return f"{amount:,.0f} yuan"
    if abs(amount) >= 10_000:
        return f"{amount / 10_000:,.2f} 万元"
    return f"{amount:,.2f} 元"


def count(number: int, lang: str = "zh") -> str:
    unit = label("unit.studios", lang)
    return f"{number} {unit}".strip() if unit else str(number)


def signed(number: float, suffix: str = "", places: int = 0) -> str:
    text = f"{number:+,.{places}f}"
    return f"{text}{suffix}"


def cards(overview: dict, lang: str = "zh") -> list[Card]:
    """The cards for one overview (labstudio.queries.overview) in `lang`."""
    year = overview["year"]
    studios = overview["studios"]
    this_year = overview["assessed"]
    last_year = overview["assessed_previous"]
    funds = overview["funds"]
    previous_funds = overview["funds_previous"]
    trend = overview.get("trend", {})
    vs_last = label("kpi.vs_last_year", lang)
    section_studios = label("kpi.section.studios", lang)
    section_assessment = label("kpi.section.assessment", lang)
    section_funds = label("kpi.section.funds", lang)
    result = [
        # The total first, its two parts beside it: a filtered batch reads 21, not 20 + 1.
        Card(section_studios, label("kpi.total", lang), count(studios["total"], lang)),
        Card(
            section_studios, label("kpi.active", lang), count(studios["by_status"]["active"], lang)
        ),
        Card(
            section_studios,
            label("kpi.revoked", lang),
            count(studios["by_status"]["revoked"], lang),
            delta=signed(overview["revoked_in_year"])
            if year and overview["revoked_in_year"]
            else None,
            delta_color="inverse",
            delta_description=label("kpi.in_year", lang, year=year)
            if year and overview["revoked_in_year"]
            else None,
        ),
    ]

    def change(current: float | None, previous: float | None, suffix: str = "", places: int = 0):
        if current is None or previous is None or not last_year["count"]:
            return None
        # No change shows no arrow: "+0" would draw a green (or, inverted, red) one.
        if round(current - previous, places) == 0:
            return None
        return signed(current - previous, suffix, places)

    if year is None or not this_year["count"]:
        result.append(
            Card(
                section_assessment,
                label("kpi.assessed", lang, year=year or "—"),
                "—",
                help=label("kpi.no_assessment", lang),
            )
        )
    else:
        result += [
            Card(
                section_assessment,
                label("kpi.assessed", lang, year=year),
                count(this_year["count"], lang),
                delta=change(this_year["count"], last_year["count"]),
                delta_color="off",
                delta_description=vs_last,
                trend=trend.get("count", []),
            ),
            Card(
                section_assessment,
                label("kpi.pass_rate", lang, year=year),
                f"{this_year['pass_rate']:.1f}%" if this_year["pass_rate"] is not None else "—",
                delta=change(
                    this_year["pass_rate"], last_year["pass_rate"], label("kpi.pp", lang), 1
                ),
                delta_description=vs_last,
                trend=trend.get("pass_rate", []),
            ),
            Card(
                section_assessment,
                label("kpi.excellent", lang, year=year),
                count(this_year["excellent"], lang),
                delta=change(this_year["excellent"], last_year["excellent"]),
                delta_description=vs_last,
                trend=trend.get("excellent", []),
            ),
        ]

    scope = (
        label("kpi.in_year", lang, year=overview["money_year"])
        if overview.get("money_year")
        else label("kpi.all_years", lang)
    )

    def money_change(key: str) -> str | None:
        if previous_funds is None:
            return None
        difference = funds[key] - previous_funds[key]
        if round(difference, 2) == 0:
            return None
        return ("+" if difference >= 0 else "-") + money(abs(difference), lang)

    result += [
        Card(
            section_funds,
            label("kpi.granted", lang),
            money(funds["granted"], lang),
            delta=money_change("granted"),
            delta_color="off",
            delta_description=vs_last if previous_funds else scope,
        ),
        Card(
            section_funds,
            label("kpi.spent", lang),
            money(funds["spent"], lang),
            delta=money_change("spent"),
            delta_color="off",
            delta_description=vs_last if previous_funds else scope,
        ),
        Card(
            section_funds,
            label("kpi.prohibited", lang),
            money(funds["prohibited"], lang),
            delta=money_change("prohibited"),
            delta_color="inverse",
            delta_description=vs_last if previous_funds else scope,
        ),
        Card(
            section_funds,
            label("kpi.over_budget", lang),
            count(funds["studios_over_budget"], lang),
        ),
    ]
    return result
