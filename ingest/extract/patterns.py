"""The pattern language of the persona-fact rules (``ingest.extract.rules`` holds the table).

Patterns are written with placeholders (``<I>``, ``<IM>``, ``<ADV>``, ``<NEG>``, ``<OBJ>``...)
expanded by ``rule``, which also records the cue words without which a rule cannot match; the
word lists and object tests here are what rules use to accept or refuse an object.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from strata.ingest.extract.lexicon import (
    IDENTITY_WORDS,
    IMPLIED_POSSESSIONS,
    NOT_POSSESSIONS,
    RELATIONS,
    words,
)
from strata.ingest.models import Predicate

_ADV = (
    r"(?:(?:really|truly|absolutely|also|just|totally|still|actually|genuinely|definitely"
    r"|honestly|seriously|currently|now|recently|finally|already|always|even|mostly|especially"
    r"|certainly|generally|usually|kinda|kind\s+of|sort\s+of|pretty\s+much|so|simply|literally"
    r"|personally|do|does|did|obviously|particularly|very|super|mainly|originally|only"
    r"|officially|proudly|happily|secretly)\s+)*"
)
_NEG = (
    r"(?P<neg>(?:do\s+not|don't|dont|does\s+not|doesn't|did\s+not|didn't|didnt|never|no\s+longer"
    r"|not|can't\s+say\s+(?:that\s+)?i|won't|will\s+not|wouldn't|can't|cannot|ain't)\s+)?"
)
_NEGBE = r"(?P<neg>(?:not|no\s+longer|never)\s+)?"
_DET = (
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+|several|some|any|no|my\s+own"
    r"|our\s+own|a\s+couple\s+of|a\s+few|two\s+little)"
)
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_AGE = (
    r"(?:\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_TEMPLATE = {
    "<I>": r"(?<![\w'])I(?![\w.])",
    "<WE>": r"(?<![\w'])(?:I|we)(?![\w.])",
    "<IM>": r"(?<![\w'])I(?:'m|\s+am|m)\s+",
    "<IVE>": r"(?<![\w'])(?:I|we)(?:'ve|\s+have)\s+",
    "<ADV>": _ADV,
    "<NEG>": _NEG,
    "<NEGBE>": _NEGBE,
    "<DET>": _DET,
    "<OBJ>": r"(?P<obj>\"?[^.!?;:()\[\]\"\n]+)",
    "<ORG>": r"(?P<org>[^.!?;:()\[\]\"\n]+)",
    "<NAME>": r"(?-i:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)",
    "<AGE>": _AGE,
}
NOT_IDENTITY = words(
    "bit|mix|little|lot|kind|sort|mess|wreck|sucker|tad|couple|few|while|part|fan|total|bunch|"
    "ball|huge|big|great|good|proud|firm|strong|lucky|fool|kid|child|teenager|teen|baby|boy|"
    "girl|young|student|nervous|complete"
)
DESTINATION_START = words(
    "the|a|an|my|our|his|her|their|some|this|that|school|church|work|college|class|"
    "university|bed|the|gym"
)


def _compile(pattern: str) -> re.Pattern[str]:
    for name, value in _TEMPLATE.items():
        pattern = pattern.replace(name, value)
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    predicate: Predicate
    pattern: re.Pattern[str]
    polarity: bool = True
    confidence: float = 0.9
    multi: bool = False  # coordinated objects give one fact each
    exclusive: bool = True  # claims its subject position
    cut_preps: bool = False  # objects also end at prepositions ("nurse in Boston")
    accept: Callable[[str], bool] | None = None  # extra test on the tidy object
    special: str = ""  # name of a rule-specific builder, see _SPECIAL
    cues: tuple[str, ...] = ()  # the rule can only match if the sentence contains one of these


def first_word(obj: str) -> str:
    words = obj.lower().split()
    return words[0] if words else ""


def noun_start(obj: str) -> str:
    """The first word that is not a number or quantity ("two weeks off" -> "weeks")."""
    return next((w for w in obj.lower().split() if w not in _NUMBERISH), "")


def head(obj: str) -> str:
    words = obj.lower().split()
    return words[-1] if words else ""


def rule(cues: str, predicate: Predicate, pattern: str, **kw: object) -> Rule:
    """A rule tried only on sentences containing one of ``cues`` ('|'-separated, lower case)."""
    return Rule(predicate, _compile(pattern), cues=tuple(cues.split("|")), **kw)  # type: ignore[arg-type]


IDENTITY_ALT = "|".join(sorted((re.escape(w) for w in IDENTITY_WORDS), key=len, reverse=True))
REL_ALT = "|".join(sorted((re.escape(w) for w in RELATIONS), key=len, reverse=True))
IMPLIED_ALT = "|".join(sorted((re.escape(w) for w in IMPLIED_POSSESSIONS), key=len, reverse=True))
REL_QUALIFIER = (
    r"(?:(?P<best>best)\s+|(?:older|younger|little|big|baby|twin|late|dear|oldest|youngest"
    r"|eldest|new|lovely|sweet)\s+)?"
)

NOT_WORKPLACE = words(
    "home|myself|living|night|nights|free|hours|now|moment|while|weeks|years|months|long|"
    "least|most|it|this|that|them|him|her|you|a|an|the|one|two|three|several|many|some"
)
NOT_STUDIES = words(
    "for|to|at|with|hard|abroad|up|together|from|how|a|an|the|lot|lots|ton|tons|bunch|so|more|"
    "all|it|this|that|what|something|things|stuff|every|new"
)
# Any of these in a "have" object makes it an event or an abstraction, not a possession.
NOT_POSSESSION_WORDS = words(
    "meeting|meetings|tournament|game|games|match|show|concert|conference|event|events|party|"
    "appointment|interview|exam|test|deadline|story|stories|news|idea|ideas|question|questions|"
    "plan|plans|feeling|feelings|doubt|surge|project|projects|works|coming|going|happening|"
    "offer|offers|chance|problem|problems|issue|issues|reason|reasons|time|times|day|days|"
    "letter|endorsement|lead|leads|opportunity|opportunities|memories|memory|experience|"
    "experiences|thought|thoughts|sense|purpose|passion|love|fun|blast|break|rest|lot|lots"
)


def possession(obj: str) -> bool:
    """A "have" object that names something owned ("two kids"), not "a great time"."""
    low = obj.lower().split()
    return noun_start(obj) not in NOT_POSSESSIONS and not NOT_POSSESSION_WORDS.intersection(low)


_NUMBERISH = frozenset(NUMBER_WORDS) | {"a", "an", "couple", "few", "of", "several"}
