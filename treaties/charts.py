"""The world map and the parties-over-time chart of a treaty, built server-side as data for SVG.

Both read the treaty's ratification records once (already loaded by the page) and derive every
status in Python with the same rules as the database (``treaties.status.evaluate``), so stepping
through the years costs no further query.

The map's shapes are the Natural Earth 1:110m countries from the npm package ``world-atlas``,
projected once into SVG path data and vendored in ``static/vendor/world-map/`` (see the README
there). Their ids are ISO 3166-1 numeric codes, mapped to alpha-2 with ``pycountry``. The page
does not repeat that geometry: it draws each shape with ``<use>`` from ``countries-110m.svg``, a
static file written from the same data (``world_sprite_svg``; fingerprinted and cached for a
year in production like every static file), and colours it by class. The map's
"universe" is every UN member state plus every participant in the data (the EU, the Holy See,
the State of Palestine, the Cook Islands, Niue): each has a status, and those too small to be
drawn at this scale are listed beside the map instead of being dropped.
"""

import datetime
import json
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html_join

from common.countries import country_rows

from . import status as status_rules

MAP_FILE = settings.BASE_DIR / "static" / "vendor" / "world-map" / "countries-110m.json"
# The shapes as one SVG file of paths with ids (``world_sprite_svg``), drawn by ``<use>``.
SPRITE_STATIC_PATH = "vendor/world-map/countries-110m.svg"
SPRITE_FILE = settings.BASE_DIR / "static" / SPRITE_STATIC_PATH

# Map classes, in legend order. "other" is a shape that is not a participant in its own right
# (a territory, or an area whose status is disputed); it has no status of its own.
MAP_STATUSES = [
    status_rules.PARTY,
    status_rules.SIGNATORY,
    status_rules.WITHDRAWN,
    status_rules.UNKNOWN,
    status_rules.NONE,
]
MAP_LABELS = {
    status_rules.PARTY: "Party",
    status_rules.SIGNATORY: "Signatory only",
    status_rules.WITHDRAWN: "Withdrawn",
    status_rules.UNKNOWN: "Not known at that date",
    status_rules.NONE: "Not a participant",
}
# The participants table's order of statuses (its status column sorts by this rank).
TABLE_ORDER = [
    status_rules.PARTY,
    status_rules.UNKNOWN,
    status_rules.SIGNATORY,
    status_rules.WITHDRAWN,
    status_rules.NONE,
]
OTHER = "other"
OTHER_LABEL = "Territory or area not a separate participant"
# One letter per status for the compact year-by-year data the map's script steps through.
LETTERS = {
    status_rules.PARTY: "p",
    status_rules.SIGNATORY: "s",
    status_rules.WITHDRAWN: "w",
    status_rules.UNKNOWN: "u",
    status_rules.NONE: "n",
}


@lru_cache(maxsize=1)
def world_shapes():
    """The vendored map: {"width", "height", "source", "shapes": [{"code", "name", "d", "ref"}]}.

    ``ref`` is the shape's id in the sprite: its ISO alpha-2 code, or ``shape-<n>`` for the
    few shapes that have none (Kosovo, N. Cyprus, Somaliland)."""
    with open(MAP_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    shapes = []
    for index, shape in enumerate(data["shapes"]):
        country = pycountry.countries.get(numeric=shape["id"]) if shape["id"] else None
        code = country.alpha_2 if country else ""
        shapes.append(
            {"code": code, "name": shape["name"], "d": shape["d"], "ref": code or f"shape-{index}"}
        )
    return {
        "width": data["width"],
        "height": data["height"],
        "source": data["source"],
        "shapes": shapes,
    }


def world_sprite_svg():
    """The text of ``countries-110m.svg``: every shape as a ``<path id="<ref>">`` in ``<defs>``,
    no fill of its own, so that each ``<use>`` on the page colours it by its class. Written by
    ``manage.py build_world_map_sprite``; a test keeps the committed file equal to this."""
    world = world_shapes()
    paths = "\n".join(f'<path id="{shape["ref"]}" d="{shape["d"]}"/>' for shape in world["shapes"])
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {world["width"]} {world["height"]}">\n'
        f"<!-- {world['source']} -->\n<defs>\n{paths}\n</defs>\n</svg>\n"
    )


@lru_cache(maxsize=1)
def un_member_states():
    """ISO alpha-2 -> short name of every UN member state (country_converter's data table)."""
    return {
        row["ISO2"]: row["name_short"]
        for row in country_rows()
        if row.get("UNmember") and row["UNmember"] != "nan" and row.get("ISO2")
    }


def year_end(year):
    """The date a year is judged at: 31 December, or today for the current year."""
    today = timezone.localdate()
    return today if year >= today.year else datetime.date(year, 12, 31)


def first_year(treaty, ratifications):
    """The first year the treaty's participation can be shown for."""
    candidates = [treaty.opened_for_signature_on, treaty.adopted_on]
    candidates += [r.signature_on for r in ratifications] + [r.consent_on for r in ratifications]
    dates = [d for d in candidates if d]
    return min(dates).year if dates else timezone.localdate().year


def participation_counts(treaty, ratifications, as_of=None, statuses=None):
    """The records of ``treaty`` counted as at ``as_of`` (today when None): per status, plus
    ``in_force`` (parties whose known entry into force has come) and ``in_force_unknown``
    (parties whose entry into force is not known, the treaty itself being in force by then or
    its date not known). ``statuses``: the records' statuses that day, when already derived."""
    counts = {status: 0 for status, _ in status_rules.CHOICES}
    counts.update(in_force=0, in_force_unknown=0)
    day, _current = status_rules.resolve(as_of)
    treaty_in_force = treaty.entry_into_force_on
    if statuses is None:
        statuses = [status_rules.evaluate_on(record, day, _current) for record in ratifications]
    for record, status in zip(ratifications, statuses, strict=True):
        counts[status] += 1
        if status != status_rules.PARTY:
            continue
        if record.entry_into_force_on is not None:
            counts["in_force"] += record.entry_into_force_on <= day
        elif treaty_in_force is None or treaty_in_force <= day:
            counts["in_force_unknown"] += 1
    return counts


@dataclass
class Country:
    code: str
    name: str
    status: str
    drawn: bool = False

    @property
    def label(self):
        return MAP_LABELS[self.status]


@dataclass
class MapShape:
    code: str
    name: str
    ref: str
    status: str

    @property
    def css_class(self):
        return f"map-{self.status}"

    @property
    def title(self):
        if self.status == OTHER:
            return f"{self.name}: {OTHER_LABEL.lower()}"
        return f"{self.name}: {MAP_LABELS[self.status].lower()}"


@dataclass
class WorldMap:
    as_of: datetime.date
    width: int
    height: int
    source: str
    shapes: list
    countries: list
    undrawn: list
    legend: list
    years: list
    year: int
    script_data: dict = field(default_factory=dict)

    @property
    def is_today(self):
        return self.as_of >= timezone.localdate()

    def shapes_markup(self):
        """Every shape as ``<use href="<the map's static file>#<id>" class="map-<status>">``
        with its title: built here rather than by a template loop (176 shapes per page)."""
        sprite = static(SPRITE_STATIC_PATH)
        return format_html_join(
            "\n",
            '<use href="{}#{}" class="{}"><title>{}</title></use>',
            ((sprite, shape.ref, shape.css_class, shape.title) for shape in self.shapes),
        )

    @property
    def previous_year(self):
        return self.year - 1 if self.years and self.year > self.years[0] else None

    @property
    def next_year(self):
        return self.year + 1 if self.years and self.year < self.years[-1] else None

    @property
    def previous_date(self):
        return year_end(self.previous_year) if self.previous_year else None

    @property
    def next_date(self):
        """The next year's date, or None when that is today (the page's default)."""
        if not self.next_year:
            return None
        return year_end(self.next_year)

    @property
    def next_is_today(self):
        return self.next_year == timezone.localdate().year


def map_timeline(treaty, ratifications):
    """The data the page's script steps through the years with (``script_data``): per year, its
    date (31 December, today for the current year), every record's status as one letter per
    year (``codes``) and the page's figures (``figures``: per figure, one value per year, as
    ``participation_counts`` gives them). The same for every date a page shows, so it is built
    once per treaty and data version. Each status is derived once per record and year."""
    today = timezone.localdate()
    years = list(range(first_year(treaty, ratifications), today.year + 1))
    dates = [year_end(y) for y in years]
    by_year = []
    for end in dates:
        day, current = status_rules.resolve(end)
        by_year.append([status_rules.evaluate_on(record, day, current) for record in ratifications])
    figures = {}
    treaty_in_force = treaty.entry_into_force_on
    for end, statuses in zip(dates, by_year, strict=True):
        counts = participation_counts(treaty, ratifications, end, statuses)
        counts["not_in_force"] = int(treaty_in_force is not None and end < treaty_in_force)
        for key, value in counts.items():
            figures.setdefault(key, []).append(value)
    return {
        "years": years,
        "dates": [end.isoformat() for end in dates],
        "today": today.isoformat(),
        "labels": {LETTERS[s]: MAP_LABELS[s] for s in MAP_STATUSES},
        "status_labels": {LETTERS[s]: status_rules.LABELS[s] for s in MAP_STATUSES},
        "classes": {LETTERS[s]: s for s in MAP_STATUSES},
        "ranks": {LETTERS[s]: rank for rank, s in enumerate(TABLE_ORDER)},
        "codes": {
            record.participant.code: "".join(LETTERS[statuses[index]] for statuses in by_year)
            for index, record in enumerate(ratifications)
        },
        "figures": figures,
    }


def build_world_map(treaty, ratifications, participants, as_of=None, timeline=None):
    """The map of ``treaty`` as at ``as_of`` (today when None).

    ``ratifications``: every record of the treaty (loaded rows); ``participants``: an iterable of
    (code, name) for every participant in the data, so that those without a record show as
    "not a participant"; ``timeline``: ``map_timeline``'s data when already built.
    """
    today = timezone.localdate()
    day = as_of or today
    records = {r.participant.code: r for r in ratifications}
    names = dict(un_member_states())
    names.update(dict(participants))

    world = world_shapes()
    drawn_codes = {shape["code"] for shape in world["shapes"] if shape["code"] in names}

    def status_of(code, on):
        record = records.get(code)
        return record.status_at(on) if record else status_rules.NONE

    countries = sorted(
        (
            Country(code=code, name=name, status=status_of(code, day), drawn=code in drawn_codes)
            for code, name in names.items()
        ),
        key=lambda c: c.name,
    )
    by_code = {c.code: c for c in countries}
    shapes = [
        MapShape(
            code=shape["code"] if shape["code"] in by_code else "",
            name=by_code[shape["code"]].name if shape["code"] in by_code else shape["name"],
            ref=shape["ref"],
            status=by_code[shape["code"]].status if shape["code"] in by_code else OTHER,
        )
        for shape in world["shapes"]
    ]
    counts = {status: 0 for status in MAP_STATUSES}
    for country in countries:
        counts[country.status] += 1
    legend = [
        {"status": status, "label": MAP_LABELS[status], "count": counts[status]}
        for status in MAP_STATUSES
    ]

    if timeline is None:
        timeline = map_timeline(treaty, ratifications)
    years = timeline["years"]
    return WorldMap(
        as_of=day,
        width=world["width"],
        height=world["height"],
        source=world["source"],
        shapes=shapes,
        countries=countries,
        undrawn=[c for c in countries if not c.drawn],
        legend=legend,
        years=years,
        year=day.year,
        script_data=timeline,
    )


@dataclass
class ChartBar:
    year: int
    parties: int
    unknown: int
    new: int
    x: float
    y: float
    height: float
    label: bool
    unknown_y: float = 0
    unknown_height: float = 0

    @property
    def title(self):
        if self.unknown:
            return (
                f"{self.year}: at least {self.parties}, up to {self.parties + self.unknown} parties"
            )
        noun = "party" if self.parties == 1 else "parties"
        return f"{self.year}: {self.parties} {noun}"


@dataclass
class PartiesChart:
    bars: list
    ticks: list
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    bar_width: float
    maximum: int
    undated: int
    first_year: int
    last_year: int

    @property
    def latest(self):
        return self.bars[-1] if self.bars else None


def nice_step(maximum, ticks=5):
    """A round tick interval (1, 2, 5 × 10^n) giving about ``ticks`` gridlines."""
    if maximum <= 0:
        return 1
    raw = maximum / ticks
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for step in (1, 2, 5, 10):
        if raw <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def build_parties_chart(treaty, ratifications, timeline=None):
    """Number of parties at the end of each year (today for the current year), from the
    figures of ``map_timeline`` (given, or built here)."""
    rows = []
    if ratifications or treaty.opened_for_signature_on:
        timeline = timeline or map_timeline(treaty, ratifications)
        figures, previous = timeline["figures"], 0
        for index, year in enumerate(timeline["years"]):
            parties = figures[status_rules.PARTY][index]
            rows.append((year, parties, figures[status_rules.UNKNOWN][index], parties - previous))
            previous = parties
    years = [row[0] for row in rows]

    width, height = 720, 260
    plot_left, plot_right, plot_top, plot_bottom = 44, 8, 12, 228
    maximum = max((row[1] + row[2] for row in rows), default=0)
    step = nice_step(maximum)
    top = max(step, -(-maximum // step) * step)
    slot = (width - plot_left - plot_right) / max(len(rows), 1)
    bar_width = max(slot * 0.72, 1)
    scale = (plot_bottom - plot_top) / top
    label_every = 1 if len(rows) <= 12 else 5
    bars = []
    for index, (year, parties, unknown, new) in enumerate(rows):
        bar_height = parties * scale
        unknown_height = unknown * scale
        bars.append(
            ChartBar(
                year=year,
                parties=parties,
                unknown=unknown,
                new=new,
                x=round(plot_left + index * slot + (slot - bar_width) / 2, 1),
                y=round(plot_bottom - bar_height, 1),
                height=round(bar_height, 1),
                unknown_y=round(plot_bottom - bar_height - unknown_height, 1),
                unknown_height=round(unknown_height, 1),
                label=index == len(rows) - 1
                or (year % label_every == 0 and rows[-1][0] - year >= label_every / 2),
            )
        )
    ticks = [
        {"value": value, "y": round(plot_bottom - value * scale, 1)}
        for value in range(0, top + 1, step)
    ]
    undated = sum(1 for r in ratifications if r.consent_kind and not r.consent_on)
    return PartiesChart(
        bars=bars,
        ticks=ticks,
        width=width,
        height=height,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        plot_left=plot_left,
        bar_width=round(bar_width, 1),
        maximum=maximum,
        undated=undated,
        first_year=years[0] if years else None,
        last_year=years[-1] if years else None,
    )
