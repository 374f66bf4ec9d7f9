"""The ordered table of persona-fact rules: regular expressions over one sentence.

Patterns are written with placeholders (``<I>``, ``<IM>``, ``<ADV>``, ``<NEG>``, ``<OBJ>``...)
expanded by ``_compile``; every rule names the predicate it yields, its polarity and confidence,
and the cue words without which it cannot match (checked first: most sentences skip most rules).
Order matters: the first rule that yields facts for a subject position claims it (see
``ingest.extract.facts``). Builders named by ``special`` live in ``facts``.
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

P = Predicate
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


def _rule(cues: str, predicate: Predicate, pattern: str, **kw: object) -> Rule:
    """A rule tried only on sentences containing one of ``cues`` ('|'-separated, lower case)."""
    return Rule(predicate, _compile(pattern), cues=tuple(cues.split("|")), **kw)  # type: ignore[arg-type]


_IDENTITY_ALT = "|".join(sorted((re.escape(w) for w in IDENTITY_WORDS), key=len, reverse=True))
_REL_ALT = "|".join(sorted((re.escape(w) for w in RELATIONS), key=len, reverse=True))
_IMPLIED_ALT = "|".join(sorted((re.escape(w) for w in IMPLIED_POSSESSIONS), key=len, reverse=True))
_REL_QUALIFIER = (
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


RULES: tuple[Rule, ...] = (
    # ---- relationships and implied possessions: not tied to the subject "I" ----
    _rule(
        "my ",
        P.RELATIONSHIP,
        rf"\bmy\s+{_REL_QUALIFIER}(?P<rel>{_REL_ALT})(?P<plural>s)?(?:\s*,)?\s+(?:(?:named|called)"
        r"\s+)?(?P<name><NAME>)(?:\s*(?:,\s*)?(?:and|&)\s+(?P<name2><NAME>))?",
        exclusive=False,
        special="relationship",
    ),
    _rule(
        "my ",
        P.RELATIONSHIP,
        rf"(?P<name><NAME>)(?:\s*,\s*|\s+is\s+)my\s+{_REL_QUALIFIER}(?P<rel>{_REL_ALT})\b",
        exclusive=False,
        special="relationship",
    ),
    _rule(
        "named|called",
        P.RELATIONSHIP,
        rf"\b(?:a|an)\s+(?P<rel>{_REL_ALT})\s+(?:named|called)\s+(?P<name><NAME>)",
        exclusive=False,
        confidence=0.8,
        special="relationship",
    ),
    _rule("my ", P.HAS, rf"\bmy\s+(?P<obj>{_IMPLIED_ALT})\b", exclusive=False, confidence=0.7),
    # ---- likes ----
    _rule(
        "fan|into|passionate|obsessed|crazy|love with|lover|addicted|keen",
        P.LIKES,
        r"<IM><NEGBE><ADV>(?:(?:a|an)\s+)?(?:(?:big|huge|great|massive|real|true|total)\s+)?"
        r"(?:fan\s+of|into|passionate\s+about|obsessed\s+with|crazy\s+about|in\s+love\s+with|keen\s+on"
        r"|lover\s+of|addicted\s+to)\s+<OBJ>",
        multi=True,
    ),
    _rule(
        "used to",
        P.LIKES,
        r"<I>\s+<ADV>used\s+to\s+<ADV>(?:like|love|enjoy|adore)\s+<OBJ>",
        polarity=False,
        confidence=0.7,
        multi=True,
    ),
    _rule(
        "loved|liked|enjoyed|adored",
        P.LIKES,
        r"<IVE><ADV>(?:loved|liked|enjoyed|adored)\s+<OBJ>",
        multi=True,
    ),
    _rule(
        "like|love|enjoy|adore|prefer",
        P.LIKES,
        r"<I>\s+<ADV><NEG><ADV>(?:like|love|enjoy|adore|prefer)\s+<OBJ>",
        multi=True,
    ),
    _rule(
        "hate|dislike|detest|loathe|despise|stand|bear",
        P.LIKES,
        r"<I>\s+<ADV><NEG><ADV>(?:hate|dislike|detest|loathe|despise|can't\s+stand"
        r"|cannot\s+stand|can't\s+bear)\s+<OBJ>",
        polarity=False,
        multi=True,
        special="no_double_negative",
    ),
    _rule(
        "fav",
        P.LIKES,
        r"\bmy\s+(?:absolute\s+|all-time\s+)?fav(?:ou?rite)?\s+(?:\w+\s+){0,2}?(?:is|are"
        r"|has\s+to\s+be|would\s+be)\s+<OBJ>",
        multi=True,
    ),
    # ---- studies, work and identity via "I'm a ..." ----
    _rule("major", P.STUDIES, r"<IM><ADV><NEGBE><ADV>(?:a|an)\s+(?P<obj>\w+(?:\s+\w+)?)\s+major\b"),
    _rule(
        "i'm|i am|im ",
        P.WORKS_AS,
        r"<IM><ADV><NEGBE><ADV>(?:a|an)\s+(?P<obj>[^.!?;:,()\"\n]+?)\s+(?:at|for|with)\s+<ORG>",
        special="occupation_at",
    ),
    _rule("old", P.AGE, r"<IM><ADV>(?:a|an)\s+(?P<obj><AGE>)[-\s]years?[-\s]old\b", special="age"),
    _rule(
        "i'm|i am|im ",
        P.IS,
        r"<IM><ADV><NEGBE><ADV>(?:a|an)\s+<OBJ>",
        multi=True,
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_IDENTITY,
        special="identity",
    ),
    _rule("allergic", P.IS, r"<IM><ADV><NEGBE><ADV>(?P<obj>allergic\s+to\s+[^.!?;:()\[\]\"\n]+)"),
    _rule(
        "i'm|i am|im |been",
        P.IS,
        rf"(?:<IM>|<I>(?:'ve|\s+have)\s+been\s+)<ADV><NEGBE><ADV>(?P<obj>{_IDENTITY_ALT})"
        r"(?![\w-])(?P<tail>\s+any\s*more)?",
    ),
    _rule(
        "was a|was an|used to be",
        P.IS,
        r"<I>\s+(?:was|used\s+to\s+be)\s+(?:a|an)\s+<OBJ>",
        polarity=False,
        confidence=0.7,
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_IDENTITY,
        special="identity",
    ),
    # ---- work ----
    _rule(
        "work",
        P.WORKS_AS,
        r"<I>(?:'m\s+|\s+am\s+|'ve\s+been\s+|\s+have\s+been\s+|\s+)<ADV><NEG><ADV>"
        r"(?:work|works|working)\s+as\s+(?:an?\s+)?(?P<obj>[^.!?;:,()\"\n]+?)"
        r"(?:\s+(?:at|for)\s+<ORG>|(?=[.!?;:,()\"\n]|$))",
        cut_preps=True,
        special="work",
    ),
    _rule(
        "work",
        P.WORKS_AS,
        r"<I>\s+<ADV>(?:worked|used\s+to\s+work)\s+as\s+(?:an?\s+)?(?P<obj>[^.!?;:,()\"\n]+?)"
        r"(?:\s+(?:at|for)\s+<ORG>|(?=[.!?;:,()\"\n]|$))",
        polarity=False,
        confidence=0.8,
        cut_preps=True,
        special="work",
    ),
    _rule(
        "job|profession|occupation",
        P.WORKS_AS,
        r"\bmy\s+(?:current\s+|new\s+)?(?:job|profession|occupation)\s+is\s+(?:being\s+)?"
        r"(?:an?\s+)<OBJ>",
        cut_preps=True,
    ),
    _rule(
        "job|position|role|internship",
        P.WORKS_AS,
        r"<I>(?:'ve|\s+have)?\s+<ADV>(?:got|landed|accepted|started|found)\s+(?:a|an|the|my)\s+"
        r"(?:new\s+)?(?:job|position|role|internship)(?:\s+as\s+(?:an?\s+)?(?P<obj>[^.!?;:,()\"\n]+?))?"
        r"(?:\s+(?:at|with)\s+<ORG>|(?=[.!?;:,()\"\n]|$))",
        cut_preps=True,
        special="work",
    ),
    _rule(
        "work",
        P.WORKS_AT,
        r"<I>(?:'m\s+|\s+am\s+|'ve\s+been\s+|\s+have\s+been\s+|\s+)<ADV><NEG><ADV>"
        r"(?:work|works|working)\s+(?:at|for)\s+<OBJ>",
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_WORKPLACE and not o[:1].isdigit(),
    ),
    _rule(
        "work",
        P.WORKS_AT,
        r"<I>\s+<ADV>(?:worked|used\s+to\s+work)\s+(?:at|for)\s+<OBJ>",
        polarity=False,
        confidence=0.8,
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_WORKPLACE and not o[:1].isdigit(),
    ),
    _rule(
        "quit|left",
        P.WORKS_AT,
        r"<I>\s+<ADV>(?:quit|left)\s+my\s+(?:job|position)\s+(?:at|with)\s+<OBJ>",
        polarity=False,
        cut_preps=True,
    ),
    # ---- where they live and come from ----
    _rule(
        "liv",
        P.LIVES_IN,
        r"<WE>(?:'m\s+|\s+am\s+|'re\s+|\s+are\s+|'ve\s+been\s+|\s+have\s+been\s+|\s+)<ADV><NEG>"
        r"<ADV>(?:live|living|lives)\s+in\s+<OBJ>",
        cut_preps=True,
    ),
    _rule(
        "moved|relocated",
        P.LIVES_IN,
        r"<WE>(?:'ve|\s+have)?\s+<ADV>(?:moved|relocated)\s+(?:back\s+)?to\s+<OBJ>",
        cut_preps=True,
    ),
    _rule(  # "we moved from Berlin to Lisbon": the LIVED_IN rule below takes Berlin
        "moved|relocated",
        P.LIVES_IN,
        r"<WE>(?:'ve|\s+have)?\s+<ADV>(?:moved|relocated)\s+(?:here\s+)?from\s+[^.!?;:,]+?\s+to"
        r"\s+<OBJ>",
        cut_preps=True,
        exclusive=False,
    ),
    _rule(
        "based|located",
        P.LIVES_IN,
        r"<IM><ADV>(?:based|located)\s+(?:in|out\s+of)\s+<OBJ>",
        cut_preps=True,
    ),
    _rule(
        "live|grew up",
        P.LIVED_IN,
        r"<WE>\s+<ADV>(?:used\s+to\s+live|lived|grew\s+up|was\s+living|were\s+living)\s+in\s+<OBJ>",
        cut_preps=True,
    ),
    _rule(
        "from",
        P.LIVED_IN,
        r"<WE>\s+<ADV>(?:moved|came|relocated|emigrated|immigrated)\s+(?:here\s+|over\s+)?from\s+"
        r"<OBJ>",
        confidence=0.8,
        cut_preps=True,
    ),
    _rule("from", P.FROM, r"<IM><ADV><NEGBE><ADV>(?:originally\s+)?from\s+<OBJ>", cut_preps=True),
    _rule("from", P.FROM, r"<I>\s+<ADV><NEG>(?:come|hail)\s+from\s+<OBJ>", cut_preps=True),
    _rule(
        "born|raised",
        P.FROM,
        r"<I>\s+was\s+(?:born|raised|born\s+and\s+raised)\s+in\s+<OBJ>",
        cut_preps=True,
    ),
    _rule("town", P.FROM, r"\bmy\s+home\s*town\s+is\s+<OBJ>", cut_preps=True),
    # ---- possessions ----
    _rule(
        "have|has|own|got|'ve",
        P.HAS,
        r"<WE>(?:'ve\s+<ADV>got|\s+have\s+got|\s+<ADV><NEG><ADV>(?:have|has|own))\s+"
        r"(?P<obj><DET>\s+[^.!?;:()\[\]\"\n]+)",
        multi=True,
        cut_preps=True,
        accept=possession,
    ),
    _rule(
        "used to have",
        P.HAS,
        r"<I>\s+used\s+to\s+have\s+(?P<obj><DET>\s+[^.!?;:()\[\]\"\n]+)",
        polarity=False,
        confidence=0.7,
        multi=True,
    ),
    _rule("adopted|rescued", P.HAS, r"<WE>\s+<ADV>(?:adopted|rescued)\s+<OBJ>", multi=True),
    _rule(
        "got",
        P.HAS,
        r"<WE>\s+<ADV>got\s+(?P<obj><DET>\s+[^.!?;:()\[\]\"\n]+)",
        confidence=0.8,
        cut_preps=True,
        accept=lambda o: head(o) in IMPLIED_POSSESSIONS,  # "got a letter" is not owning one
    ),
    _rule(
        "bought|purchased",
        P.HAS,
        r"<WE>\s+<ADV>(?:bought|purchased)\s+(?P<obj><DET>\s+[^.!?;:()\[\]\"\n]+)",
        confidence=0.8,
        multi=True,
        cut_preps=True,
        accept=possession,
    ),
    # ---- plans ----
    _rule("plan", P.PLANS, r"\bmy\s+plan\s+is\s+to\s+<OBJ>"),
    _rule("goal|dream", P.PLANS, r"\bmy\s+(?:goal|dream)\s+is\s+to\s+<OBJ>", confidence=0.7),
    _rule(
        "planning|intending|aiming|about to|going to|gonna|hoping|thinking|considering|forward",
        P.PLANS,
        r"<IM><NEGBE><ADV>(?P<how>planning\s+(?:to|on)|intending\s+to|aiming\s+to|about\s+to"
        r"|going\s+to|gonna|hoping\s+to|thinking\s+(?:about|of)|considering"
        r"|looking\s+forward\s+to)\s+<OBJ>",
        special="plan",
    ),
    _rule(
        "plan|intend|aim",
        P.PLANS,
        r"<I>\s+<ADV><NEG><ADV>(?:plan|intend|aim)\s+(?:to|on)\s+<OBJ>",
        special="plan",
    ),
    _rule(
        "decided",
        P.PLANS,
        r"<I>(?:'ve|\s+have)?\s+<ADV>decided\s+to\s+<OBJ>",
        confidence=0.8,
        special="plan",
    ),
    _rule(
        "hope|want|wanna",
        P.PLANS,
        r"<I>\s+<ADV><NEG><ADV>(?:hope\s+to|want\s+to|wanna)\s+<OBJ>",
        confidence=0.6,
        special="plan",
    ),
    _rule(
        "'d |would",
        P.PLANS,
        r"<I>(?:'d|\s+would)\s+<ADV>(?:like|love)\s+to\s+<OBJ>",
        confidence=0.6,
        special="plan",
    ),
    _rule(
        "'ll|will|won't|wont|shall",
        P.PLANS,
        r"<I>(?:'ll\s+|\s+will\s+|\s+shall\s+|\s+(?P<neg>won't|will\s+not|wont)\s+)<ADV>"
        r"(?:(?P<neg2>not|never)\s+)?<ADV><OBJ>",
        confidence=0.7,
        special="plan",
    ),
    # ---- age and studies ----
    _rule(
        "i'm|i am|im ",
        P.AGE,
        r"<IM>(?:now\s+|already\s+|(?P<hedge>almost|nearly|about)\s+)?(?P<obj><AGE>)"
        r"(?:\s*(?:years?|yrs?)(?:[-\s]*old)?|\s*y/?o)?(?=\s*(?:[.,!;?]|$|and\b|but\b|now\b"
        r"|so\b|too\b|lol\b))",
        special="age",
    ),
    _rule("turned", P.AGE, r"<I>\s+<ADV>(?:just\s+)?turned\s+(?P<obj><AGE>)\b", special="age"),
    _rule(
        "stud|major|minor|learning",
        P.STUDIES,
        r"<I>(?:'m\s+|\s+am\s+|\s+)<ADV><NEG><ADV>(?:(?:started|began|begun)\s+)?(?:study|studying"
        r"|majoring\s+in|major\s+in|minoring\s+in|learning)\s+<OBJ>",
        multi=True,
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_STUDIES,
    ),
    _rule(
        "degree|master|phd|ph.d|bachelor|diploma|certific|course|class",
        P.STUDIES,
        r"<IM><ADV>(?:doing|pursuing|getting|finishing|working\s+on|taking)\s+(?:a|an|my)\s+"
        r"(?:\w+'?s?\s+)?(?:degree|masters?|master's|phd|ph\.d\.?|bachelor'?s?|diploma|certificate"
        r"|certification|course|class|classes|courses)\s+in\s+<OBJ>",
        multi=True,
        cut_preps=True,
    ),
    _rule(
        "studied|majored|used to study",
        P.STUDIES,
        r"<I>\s+<ADV>(?:studied|majored\s+in|used\s+to\s+study)\s+<OBJ>",
        polarity=False,
        confidence=0.8,
        multi=True,
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_STUDIES,
    ),
)
_NUMBERISH = frozenset(NUMBER_WORDS) | {"a", "an", "couple", "few", "of", "several"}
