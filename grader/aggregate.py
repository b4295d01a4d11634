"""Self-consistency: several independent, verified scorecards of one interview become one.

- Each dimension's score is the median of the samples' scores (with an even number of samples, the lower middle
  one: a tie leans to caution); its justification and evidence come from a sample that gave that score.
- The recommendation is the median band the same way, kept within what the combined scores support (between their
  lowest and highest bands, strong_hire only with every dimension at 3 or more): samples that each weigh their own
  scores consistently can still have a median "hire" over four median "no_hire" dimensions. Moving it there also
  asks for a human.
- Each rubric item takes the samples' majority mark.
- Strengths, areas to improve and advice come from the sample closest to the medians (the representative).
- `needs_human_review`: on some dimension or on the recommendation, two samples are two bands or more apart, or
  the median recommendation was not one the combined scores support.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import median_low

from grader.schemas import BANDS, DIMENSIONS, Dimensions, Scorecard, supported_recommendations

REVIEW_SPREAD = 2  # bands apart


@dataclass(frozen=True)
class Aggregate:
    scorecard: Scorecard
    needs_human_review: bool
    spread: int  # the widest disagreement between samples, in bands (0 with one sample)


def _recommendation(card: Scorecard) -> int:
    return BANDS.index(card.recommendation) + 1


def _scores(card: Scorecard) -> list[int]:
    return [getattr(card.dimensions, name).score for name in DIMENSIONS] + [_recommendation(card)]


def aggregate(cards: list[Scorecard]) -> Aggregate:
    if not cards:
        raise ValueError("nothing to aggregate")
    columns = list(zip(*(_scores(c) for c in cards), strict=True))
    spread = max(max(col) - min(col) for col in columns)
    if len(cards) == 1:
        return Aggregate(cards[0], False, 0)
    medians = [median_low(col) for col in columns]
    representative = min(
        cards, key=lambda c: sum(abs(s - m) for s, m in zip(_scores(c), medians, strict=True))
    )  # the first of the closest
    dimensions = {}
    for name, target in zip(DIMENSIONS, medians, strict=False):
        pool = [representative, *cards]
        dimensions[name] = next(
            getattr(c.dimensions, name) for c in pool if getattr(c.dimensions, name).score == target
        )
    rubric = []
    for item in representative.rubric:
        marks = Counter(i.mark for c in cards for i in c.rubric if i.id == item.id)
        best = max(marks.values())
        mark = item.mark if marks[item.mark] == best else next(m for m, n in marks.items() if n == best)
        rubric.append(
            item
            if item.mark == mark
            else next(i for c in cards for i in c.rubric if i.id == item.id and i.mark == mark)
        )
    low, high = supported_recommendations(medians[:-1])
    recommendation = min(max(medians[-1], low), high)
    card = Scorecard(
        recommendation=BANDS[recommendation - 1],
        dimensions=Dimensions(**dimensions),
        rubric=rubric,
        strengths=list(representative.strengths),
        areas_to_improve=list(representative.areas_to_improve),
        candidate_advice=representative.candidate_advice,
    )
    return Aggregate(card, spread >= REVIEW_SPREAD or recommendation != medians[-1], spread)
