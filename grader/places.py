"""Places a résumé writes beside an employer or a school ("Initech, Austin, TX", "Staff Engineer - Seattle", "Hooli ·
London, UK"), so that grader/resume_affiliations.py does not take one for an organisation: a region (a US state's or
a Canadian province's code, a country's name or code) after a comma, and the cities résumés name most (`CITIES`).
A place taken for an organisation would be replaced as one wherever it is said."""

from __future__ import annotations

import re

# US states and Canadian provinces by code; countries and their codes as résumés write them.
REGION_CODES = frozenset(
    """
    AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK
    OR PA RI SC SD TN TX UT VT VA WA WV WI WY ON QC BC AB MB NS NB NL PE SK UK US USA UAE EU
    """.split()  # noqa: SIM905  # a word list reads better as text
)
COUNTRIES = frozenset(
    """
    usa america canada mexico brazil argentina chile colombia peru uk england scotland wales ireland france germany
    spain portugal italy netherlands belgium switzerland austria poland czechia sweden norway denmark finland
    estonia ukraine romania greece turkey israel egypt nigeria kenya ghana morocco india pakistan bangladesh
    nepal china japan korea taiwan singapore malaysia indonesia vietnam thailand philippines australia zealand uae
    emirates qatar saudi
    """.split()  # noqa: SIM905
)
# Cities résumés name most, as the one word or words written ("San Francisco", "New York", "Bengaluru").
CITIES = frozenset(
    """
    seattle redmond bellevue portland sunnyvale cupertino oakland austin dallas houston denver boulder
    chicago boston atlanta miami phoenix pittsburgh philadelphia detroit minneapolis toronto vancouver
    montreal ottawa london manchester edinburgh dublin paris berlin munich hamburg amsterdam zurich geneva
    stockholm copenhagen oslo helsinki warsaw prague vienna madrid barcelona lisbon milan rome tallinn kyiv
    bengaluru bangalore hyderabad pune chennai mumbai delhi gurgaon gurugram noida kolkata shanghai beijing
    shenzhen hangzhou tokyo osaka seoul taipei singapore sydney melbourne auckland dubai cairo lagos nairobi
    remote hybrid onsite
    """.split()  # noqa: SIM905
) | frozenset(
    {
        "san francisco", "san jose", "mountain view", "palo alto", "menlo park", "los angeles", "san diego",
        "new york", "new york city", "washington", "salt lake city", "tel aviv", "hong kong", "sao paulo",
        "mexico city", "buenos aires", "bay area", "silicon valley", "new delhi", "cape town",
    }
)  # fmt: skip
_REGION = re.compile(r"[A-Z]{2,3}|[A-Z][a-z]+(?: [A-Z][a-z]+)?")


def region(part: str) -> bool:
    """A region written after a place's comma: a state's or country's code ("TX", "UK"), or a country ("Germany")."""
    part = part.strip().rstrip(".")
    return part in REGION_CODES or (_REGION.fullmatch(part) is not None and part.lower() in COUNTRIES)


def place(name: str) -> bool:
    """A city, a region or a work arrangement ("Seattle", "San Francisco", "Germany", "Remote"): no organisation."""
    low = " ".join(name.lower().split()).rstrip(".")
    return low in CITIES or low in COUNTRIES or name.strip() in REGION_CODES
