"""Which organisations' names are kept out of the grader's input, and which words beside one make it a technology:
well-known employers and schools (`EMPLOYERS`, `SCHOOLS`), their ambiguous names (`CUE_ONLY`: a product, a fruit or
a key as often as a company), the words after a name that make it a product or a technique (`TECH_AFTER`: "Amazon
S3", "Meta key", "MIT license", "Berkeley sockets"), and whether a name is a school's (`kind`)."""

from __future__ import annotations

import re

from grader.everyday_words import COMMON_WORDS
from grader.tech_names import TECH_NAMES

SCHOOL, COMPANY = "[school]", "[company]"

# Names as written. Those that are also a technology's, a product's, a place's or an everyday word's stay out
# unless in `CUE_ONLY`, where they are read only beside an affiliation ("at Amazon we", "my Apple interview").
EMPLOYERS = frozenset(
    """
    Google Alphabet DeepMind Microsoft Facebook Netflix IBM Intel Nvidia NVIDIA Qualcomm Cisco Salesforce Adobe Uber
    Lyft Airbnb Stripe Twitter Pinterest Dropbox Spotify Palantir Databricks OpenAI Anthropic Tesla SpaceX ByteDance
    TikTok Tencent Alibaba Baidu Huawei Samsung Infosys Wipro Accenture Deloitte McKinsey Citadel Bloomberg Atlassian
    Yandex Flipkart Coinbase Robinhood JPMorgan Googler Googlers Amazonian Amazonians Microsoftie Microsofties
    """.split()  # noqa: SIM905  # a word list reads better as text
) | {
    "Goldman Sachs",
    "Morgan Stanley",
    "Jane Street",
    "Two Sigma",
    "Hudson River Trading",
    "Tata Consultancy Services",
}
SCHOOLS = frozenset(
    """
    MIT Stanford Harvard Berkeley Caltech Princeton Yale Cornell Oxford Cambridge CMU UCLA UCSD UIUC EPFL Tsinghua
    NUS KAIST Technion Purdue McGill NYU UPenn Northwestern Waterloo Sorbonne Polytechnique Columbia Duke
    """.split()  # noqa: SIM905
) | {
    "Carnegie Mellon",
    "Georgia Tech",
    "UC Berkeley",
    "ETH Zurich",
    "Johns Hopkins",
    "BITS Pilani",
    "UT Austin",
}
# As often a product, a fruit, a key or a place as an employer: replaced only beside an affiliation cue.
CUE_ONLY = frozenset({"Amazon", "Apple", "Meta", "Oracle", "Columbia", "Duke", "Square", "Snap"})

# After a name (or its "'s"), a word that makes it a product or a technique, not where someone worked or studied.
TECH_AFTER = (
    frozenset(
        """
    s3 ec2 sqs sns ebs rds aurora kinesis lambda dynamo dynamodb redshift web services cloud sheets docs drive maps
    colab search translate guava gson protobuf protocol closure style excel sql azure visual key keys tag
    tags llama silicon pay music watch swift database db jdk jvm java login graph api apis sdk sdks license licence
    licensed licenses syntax cpu cpus chip chips processor processors mkl gpu gpus parser corenlp bunny sockets socket
    unix bsd terminal h3 checkout watson format formatter paper papers algorithm algorithms dataset datasets model
    models benchmark library libraries framework console store stack engine clone test tests mock architecture
    comma box dictionary english referencing
    """.split()  # noqa: SIM905
    )
    | TECH_NAMES
)

_SCHOOL_WORDS = re.compile(
    r"Universit|College|Institute|School|Academy|Polytechn|\bIIT\b|\bIIIT\b|\bNIT\b|Hochschule|Universidad|Universidade"
)
_WORD_AFTER = re.compile(r"(?:'s)?\s+([A-Za-z0-9]+)")


def kind(name: str) -> str:
    """`SCHOOL` for a school's name (a known one, or one with a school's word), else `COMPANY`."""
    return SCHOOL if name in SCHOOLS or _SCHOOL_WORDS.search(name) else COMPANY


def product_after(text: str, end: int) -> bool:
    """Whether the word after a name ending at `end` (after its "'s") makes it a product: "Amazon S3", "Google's
    Guava"."""
    m = _WORD_AFTER.match(text, end)
    return m is not None and m.group(1).lower() in TECH_AFTER


def ambiguous(name: str) -> bool:
    """A name that is also a technology's or an everyday word ("Oracle", "Slack", "Square"), but for the employers
    listed (`EMPLOYERS`: "Google" is said of a search far less than of a job): read only beside an affiliation cue."""
    lower = name.lower()
    return (
        name in CUE_ONLY or lower in COMMON_WORDS or (lower in TECH_NAMES and name not in EMPLOYERS | SCHOOLS)
    )
