"""Time zones: forgiving lookup of a typed place or offset, a shared location, and labels."""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from babel.core import get_global

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder

# Longer than any place name or offset a person types; bounds the fuzzy matching work.
MAX_LENGTH = 64
# High enough that "berln" finds Berlin but keyboard mashing finds nothing.
FUZZY_CUTOFF = 0.8
# Shorter keys are too easy to match by accident ("x" is one edit from many things).
FUZZY_MIN_LENGTH = 4

# The regions IANA keeps current names under; the rest (US/Eastern, Japan, GB...) are
# backward-compatible links we only return when nothing better matches.
_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)
# In available_timezones() on some systems, but not places anyone lives.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})

# Places people type that are not (or not only) the city in a zone name. Keys are normalised
# the same way as input (see _key). Modest on purpose: the zone names cover most cities.
_ALIASES = {
    # Korea
    "korea": "Asia/Seoul",
    "south korea": "Asia/Seoul",
    "republic of korea": "Asia/Seoul",
    "한국": "Asia/Seoul",
    "대한민국": "Asia/Seoul",
    "서울": "Asia/Seoul",
    "부산": "Asia/Seoul",
    "busan": "Asia/Seoul",
    "인천": "Asia/Seoul",
    "incheon": "Asia/Seoul",
    "대구": "Asia/Seoul",
    "daegu": "Asia/Seoul",
    "대전": "Asia/Seoul",
    "daejeon": "Asia/Seoul",
    "광주": "Asia/Seoul",
    "gwangju": "Asia/Seoul",
    "제주": "Asia/Seoul",
    "jeju": "Asia/Seoul",
    "kst": "Asia/Seoul",
    # Japan, China, the rest of Asia
    "japan": "Asia/Tokyo",
    "일본": "Asia/Tokyo",
    "도쿄": "Asia/Tokyo",
    "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo",
    "jst": "Asia/Tokyo",
    "china": "Asia/Shanghai",
    "중국": "Asia/Shanghai",
    "beijing": "Asia/Shanghai",
    "베이징": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai",
    "taiwan": "Asia/Taipei",
    "홍콩": "Asia/Hong_Kong",
    "싱가포르": "Asia/Singapore",
    "india": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata",
    "vietnam": "Asia/Ho_Chi_Minh",
    "hanoi": "Asia/Ho_Chi_Minh",
    "thailand": "Asia/Bangkok",
    "philippines": "Asia/Manila",
    "indonesia": "Asia/Jakarta",
    "uae": "Asia/Dubai",
    "abu dhabi": "Asia/Dubai",
    "israel": "Asia/Jerusalem",
    "tel aviv": "Asia/Jerusalem",
    "turkey": "Europe/Istanbul",
    # Europe
    "uk": "Europe/London",
    "united kingdom": "Europe/London",
    "england": "Europe/London",
    "britain": "Europe/London",
    "great britain": "Europe/London",
    "scotland": "Europe/London",
    "영국": "Europe/London",
    "런던": "Europe/London",
    "manchester": "Europe/London",
    "edinburgh": "Europe/London",
    "bst": "Europe/London",
    "ireland": "Europe/Dublin",
    "germany": "Europe/Berlin",
    "deutschland": "Europe/Berlin",
    "독일": "Europe/Berlin",
    "베를린": "Europe/Berlin",
    "munich": "Europe/Berlin",
    "münchen": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "cologne": "Europe/Berlin",
    "köln": "Europe/Berlin",
    "france": "Europe/Paris",
    "프랑스": "Europe/Paris",
    "파리": "Europe/Paris",
    "spain": "Europe/Madrid",
    "barcelona": "Europe/Madrid",
    "italy": "Europe/Rome",
    "milan": "Europe/Rome",
    "netherlands": "Europe/Amsterdam",
    "holland": "Europe/Amsterdam",
    "belgium": "Europe/Brussels",
    "switzerland": "Europe/Zurich",
    "austria": "Europe/Vienna",
    "poland": "Europe/Warsaw",
    "portugal": "Europe/Lisbon",
    "sweden": "Europe/Stockholm",
    "norway": "Europe/Oslo",
    "denmark": "Europe/Copenhagen",
    "finland": "Europe/Helsinki",
    "greece": "Europe/Athens",
    "russia": "Europe/Moscow",
    "ukraine": "Europe/Kyiv",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    # The Americas
    "usa": "America/New_York",
    "us": "America/New_York",
    "미국": "America/New_York",
    "nyc": "America/New_York",
    "ny": "America/New_York",
    "뉴욕": "America/New_York",
    "시카고": "America/Chicago",
    "boston": "America/New_York",
    "washington": "America/New_York",
    "washington dc": "America/New_York",
    "philadelphia": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "dallas": "America/Chicago",
    "houston": "America/Chicago",
    "austin": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "san jose": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles",
    "california": "America/Los_Angeles",
    "로스앤젤레스": "America/Los_Angeles",
    "샌프란시스코": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "hawaii": "Pacific/Honolulu",
    "canada": "America/Toronto",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "mexico": "America/Mexico_City",
    "brazil": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "argentina": "America/Argentina/Buenos_Aires",
    # Oceania, Africa, Middle East
    "australia": "Australia/Sydney",
    "canberra": "Australia/Sydney",
    "호주": "Australia/Sydney",
    "시드니": "Australia/Sydney",
    "new zealand": "Pacific/Auckland",
    "nz": "Pacific/Auckland",
    "wellington": "Pacific/Auckland",
    "south africa": "Africa/Johannesburg",
    "cape town": "Africa/Johannesburg",
    "egypt": "Africa/Cairo",
    "nigeria": "Africa/Lagos",
    "kenya": "Africa/Nairobi",
    "두바이": "Asia/Dubai",
    "모스크바": "Europe/Moscow",
}

# Offsets that aren't whole hours have no Etc/ zone; these are places that use them
# year-round (no DST), so the offset stays what the user typed.
_FRACTIONAL = {
    (3 * 60 + 30): "Asia/Tehran",
    (4 * 60 + 30): "Asia/Kabul",
    (5 * 60 + 30): "Asia/Kolkata",
    (5 * 60 + 45): "Asia/Kathmandu",
    (6 * 60 + 30): "Asia/Yangon",
    (8 * 60 + 45): "Australia/Eucla",
    (9 * 60 + 30): "Australia/Darwin",
    -(9 * 60 + 30): "Pacific/Marquesas",
}

# "UTC+9", "utc+09:00", "GMT-3", "+5:30", "-5", "+0530", "UTC", "Z". The sign is required
# without a prefix, so a bare "5" is not read as an offset.
_OFFSET = re.compile(
    r"^(?:(?P<prefix>utc|gmt|z)\s*(?:(?P<sign1>[+-])?\s*(?P<h1>[0-9]{1,2})(?::?(?P<m1>[0-9]{2}))?)?"
    r"|(?P<sign2>[+-])\s*(?P<h2>[0-9]{1,2})(?::?(?P<m2>[0-9]{2}))?)$"
)
_PARENTHETICAL = re.compile(r"^(?P<outer>.*?)\s*\((?P<inner>[^()]*)\)$")
_SEPARATORS = re.compile(r"[\s_\-]+")


def resolve_zone(text: str) -> str | None:
    """The IANA zone name meant by a typed place or UTC offset, or None when unsure."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return None
    cleaned = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    if not cleaned:
        return None
    # "Seoul (UTC+9)" is how we show zones, so users paste it back; try the outer part first.
    match = _PARENTHETICAL.match(cleaned)
    if match:
        return _resolve_plain(match["outer"]) or _resolve_plain(match["inner"])
    return _resolve_plain(cleaned)


def _resolve_plain(text: str) -> str | None:
    """resolve_zone for text without a parenthetical: offset, exact, alias, then fuzzy."""
    text = text.strip()
    if not text:
        return None
    offset = _OFFSET.match(text.lower())
    if offset:
        # Something shaped like an offset is never fuzzy-matched to a place name.
        return _offset_zone(offset)
    index = _index()
    key = _key(text)
    if key in index:
        return index[key]
    # "Berlin, Germany" or "Seoul, Korea": the place before the comma is usually enough.
    if "," in key:
        head = key.split(",", 1)[0].strip()
        if head in index:
            return index[head]
        key = head
    if len(key) < FUZZY_MIN_LENGTH:
        return None
    close = difflib.get_close_matches(key, _fuzzy_keys().get(key[0], ()), n=1, cutoff=FUZZY_CUTOFF)
    return index[close[0]] if close else None


def _offset_zone(match: re.Match[str]) -> str | None:
    """A zone with the typed fixed UTC offset, or None when it is no offset we serve."""
    sign = match["sign1"] or match["sign2"] or "+"
    hours = int(match["h1"] or match["h2"] or 0)
    minutes = int(match["m1"] or match["m2"] or 0)
    if minutes > 59:
        return None
    total = (hours * 60 + minutes) * (-1 if sign == "-" else 1)
    if not -12 * 60 <= total <= 14 * 60:
        return None
    if total == 0:
        return "Etc/UTC"
    if minutes == 0:
        # POSIX sign convention: Etc/GMT-9 is nine hours *ahead* of UTC.
        return f"Etc/GMT{'-' if total > 0 else '+'}{abs(hours)}"
    return _FRACTIONAL.get(total)


def _key(text: str) -> str:
    """Lookup form: case-folded, with spaces, underscores and hyphens all one space."""
    key = _SEPARATORS.sub(" ", text.casefold()).strip()
    return re.sub(r"\s*/\s*", "/", key)


@functools.cache
def _valid_zones() -> frozenset[str]:
    """Every zone name we are willing to return."""
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in _NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


@functools.cache
def _index() -> dict[str, str]:
    """Lookup key -> zone name, built once: full names, city parts, then aliases."""
    zones = _valid_zones()
    index: dict[str, str] = {}
    # Current names first so "singapore" finds Asia/Singapore rather than the old "Singapore".
    ordered = sorted(zones, key=lambda name: (not name.startswith(_REGIONS), name))
    links = _links(zones)
    for name in ordered:
        current = links.get(name, name)  # "US/Arizona" is shown back as America/Phoenix
        index.setdefault(_key(name), current)
        index.setdefault(_key(name.rsplit("/", 1)[-1]), current)
    for alias, name in _ALIASES.items():
        if name in zones:
            # Aliases win over legacy names ("japan" -> Asia/Tokyo, not the old "Japan" link).
            current = index.get(alias)
            if current is None or not current.startswith(_REGIONS):
                index[alias] = name
    return index


def _links(zones: Collection[str]) -> dict[str, str]:
    """Old zone names (tzdata's backward links: "US/Arizona", "Europe/Kiev") -> the current
    name, from CLDR's list (via Babel), where both are zones we serve."""
    aliases = get_global("zone_aliases")
    return {old: new for old, new in aliases.items() if new in zones and old != new}


@functools.cache
def _fuzzy_keys() -> dict[str, tuple[str, ...]]:
    """Keys worth fuzzy-matching, by first character.

    Only keys long enough that a near miss is a typo, not a coincidence; and people rarely
    mistype the first letter, while matching on it keeps "earth" from becoming Perth.
    """
    by_initial: dict[str, list[str]] = {}
    for key in _index():
        if len(key) >= FUZZY_MIN_LENGTH:
            by_initial.setdefault(key[0], []).append(key)
    return {initial: tuple(keys) for initial, keys in by_initial.items()}


@functools.cache
def _finder() -> TimezoneFinder:
    """One TimezoneFinder per process: it loads its polygon data on creation."""
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_for_location(latitude: float, longitude: float) -> str | None:
    """The zone at a shared location, looked up offline, or None when there is none."""
    try:
        latitude, longitude = float(latitude), float(longitude)
        if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
            return None
        name = _finder().timezone_at(lng=longitude, lat=latitude)
    except (TypeError, ValueError, OverflowError):
        return None
    if not name:
        return None
    if name in _valid_zones():
        return name
    # The finder's data and tzdata are released separately; only return what we can load.
    try:
        zone_info(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return name


@functools.lru_cache(maxsize=1024)
def zone_info(name: str) -> zoneinfo.ZoneInfo:
    """The ZoneInfo for a stored zone name."""
    return zoneinfo.ZoneInfo(name)


def utc_offset_label(name: str, at: datetime) -> str:
    """The zone's offset at an aware instant, as "UTC", "UTC+9", "UTC+5:30" or "UTC-4"."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be timezone-aware")
    offset = at.astimezone(zone_info(name)).utcoffset() or timedelta(0)
    # Historic local mean times have seconds in their offset; minutes are enough to show.
    total_minutes = math.trunc(offset.total_seconds() / 60)
    if total_minutes == 0:
        return "UTC"
    sign = "+" if total_minutes > 0 else "-"
    hours, minutes = divmod(abs(total_minutes), 60)
    return f"UTC{sign}{hours}:{minutes:02d}" if minutes else f"UTC{sign}{hours}"
