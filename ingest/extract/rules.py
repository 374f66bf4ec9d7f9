"""The ordered table of persona-fact rules: regular expressions over one sentence.

Patterns use the placeholders of ``ingest.extract.patterns``; every rule names the predicate it
yields, its polarity and confidence, and the cue words without which it cannot match (checked
first: most sentences skip most rules). Order matters: the first rule that yields facts for a
subject position claims it (see ``ingest.extract.facts``). Builders named by ``special`` live in
``facts``.
"""

from __future__ import annotations

from strata.ingest.extract.lexicon import IMPLIED_POSSESSIONS
from strata.ingest.extract.patterns import (
    IDENTITY_ALT,
    IMPLIED_ALT,
    NOT_IDENTITY,
    NOT_STUDIES,
    NOT_WORKPLACE,
    REL_ALT,
    REL_QUALIFIER,
    Rule,
    first_word,
    head,
    possession,
    rule,
)
from strata.ingest.models import Predicate

P = Predicate

RULES: tuple[Rule, ...] = (
    # ---- relationships and implied possessions: not tied to the subject "I" ----
    rule(
        "my ",
        P.RELATIONSHIP,
        rf"\bmy\s+{REL_QUALIFIER}(?P<rel>{REL_ALT})(?P<plural>s)?(?:\s*,)?\s+(?:(?:named|called)"
        r"\s+)?(?P<name><NAME>)(?:\s*(?:,\s*)?(?:and|&)\s+(?P<name2><NAME>))?",
        exclusive=False,
        special="relationship",
    ),
    rule(
        "my ",
        P.RELATIONSHIP,
        rf"(?P<name><NAME>)(?:\s*,\s*|\s+is\s+)my\s+{REL_QUALIFIER}(?P<rel>{REL_ALT})\b",
        exclusive=False,
        special="relationship",
    ),
    rule(
        "named|called",
        P.RELATIONSHIP,
        rf"\b(?:a|an)\s+(?P<rel>{REL_ALT})\s+(?:named|called)\s+(?P<name><NAME>)",
        exclusive=False,
        confidence=0.8,
        special="relationship",
    ),
    rule("my ", P.HAS, rf"\bmy\s+(?P<obj>{IMPLIED_ALT})\b", exclusive=False, confidence=0.7),
    # ---- likes ----
    rule(
        "fan|into|passionate|obsessed|crazy|love with|lover|addicted|keen",
        P.LIKES,
        r"<IM><NEGBE><ADV>(?:(?:a|an)\s+)?(?:(?:big|huge|great|massive|real|true|total)\s+)?"
        r"(?:fan\s+of|into|passionate\s+about|obsessed\s+with|crazy\s+about|in\s+love\s+with|keen\s+on"
        r"|lover\s+of|addicted\s+to)\s+<OBJ>",
        multi=True,
    ),
    rule(
        "used to",
        P.LIKES,
        r"<I>\s+<ADV>used\s+to\s+<ADV>(?:like|love|enjoy|adore)\s+<OBJ>",
        polarity=False,
        confidence=0.7,
        multi=True,
    ),
    rule(
        "loved|liked|enjoyed|adored",
        P.LIKES,
        r"<IVE><ADV>(?:loved|liked|enjoyed|adored)\s+<OBJ>",
        multi=True,
    ),
    rule(
        "like|love|enjoy|adore|prefer",
        P.LIKES,
        r"<I>\s+<ADV><NEG><ADV>(?:like|love|enjoy|adore|prefer)\s+<OBJ>",
        multi=True,
    ),
    rule(
        "hate|dislike|detest|loathe|despise|stand|bear",
        P.LIKES,
        r"<I>\s+<ADV><NEG><ADV>(?:hate|dislike|detest|loathe|despise|can't\s+stand"
        r"|cannot\s+stand|can't\s+bear)\s+<OBJ>",
        polarity=False,
        multi=True,
        special="no_double_negative",
    ),
    rule(
        "fav",
        P.LIKES,
        r"\bmy\s+(?:absolute\s+|all-time\s+)?fav(?:ou?rite)?\s+(?:\w+\s+){0,2}?(?:is|are"
        r"|has\s+to\s+be|would\s+be)\s+<OBJ>",
        multi=True,
    ),
    # ---- studies, work and identity via "I'm a ..." ----
    rule("major", P.STUDIES, r"<IM><ADV><NEGBE><ADV>(?:a|an)\s+(?P<obj>\w+(?:\s+\w+)?)\s+major\b"),
    rule(
        "i'm|i am|im ",
        P.WORKS_AS,
        r"<IM><ADV><NEGBE><ADV>(?:a|an)\s+(?P<obj>[^.!?;:,()\"\n]+?)\s+(?:at|for|with)\s+<ORG>",
        special="occupation_at",
    ),
    rule("old", P.AGE, r"<IM><ADV>(?:a|an)\s+(?P<obj><AGE>)[-\s]years?[-\s]old\b", special="age"),
    rule(
        "i'm|i am|im ",
        P.IS,
        r"<IM><ADV><NEGBE><ADV>(?:a|an)\s+<OBJ>",
        multi=True,
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_IDENTITY,
        special="identity",
    ),
    rule("allergic", P.IS, r"<IM><ADV><NEGBE><ADV>(?P<obj>allergic\s+to\s+[^.!?;:()\[\]\"\n]+)"),
    rule(
        "i'm|i am|im |been",
        P.IS,
        rf"(?:<IM>|<I>(?:'ve|\s+have)\s+been\s+)<ADV><NEGBE><ADV>(?P<obj>{IDENTITY_ALT})"
        r"(?![\w-])(?P<tail>\s+any\s*more)?",
    ),
    rule(  # "I became a nurse", "I've just become a dad": IS from then on
        "became|become",
        P.IS,
        r"<I>(?:'ve|\s+have)?\s+<ADV>(?:became|become)\s+(?:a|an)\s+<OBJ>",
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_IDENTITY,
        special="identity",
    ),
    rule(
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
    rule(
        "work",
        P.WORKS_AS,
        r"<I>(?:'m\s+|\s+am\s+|'ve\s+been\s+|\s+have\s+been\s+|\s+)<ADV><NEG><ADV>"
        r"(?:work|works|working)\s+as\s+(?:an?\s+)?(?P<obj>[^.!?;:,()\"\n]+?)"
        r"(?:\s+(?:at|for)\s+<ORG>|(?=[.!?;:,()\"\n]|$))",
        cut_preps=True,
        special="work",
    ),
    rule(
        "work",
        P.WORKS_AS,
        r"<I>\s+<ADV>(?:worked|used\s+to\s+work)\s+as\s+(?:an?\s+)?(?P<obj>[^.!?;:,()\"\n]+?)"
        r"(?:\s+(?:at|for)\s+<ORG>|(?=[.!?;:,()\"\n]|$))",
        polarity=False,
        confidence=0.8,
        cut_preps=True,
        special="work",
    ),
    rule(
        "job|profession|occupation",
        P.WORKS_AS,
        r"\bmy\s+(?:current\s+|new\s+)?(?:job|profession|occupation)\s+is\s+(?:being\s+)?"
        r"(?:an?\s+)<OBJ>",
        cut_preps=True,
    ),
    rule(
        "job|position|role|internship",
        P.WORKS_AS,
        r"<I>(?:'ve|\s+have)?\s+<ADV>(?:got|landed|accepted|started|found)\s+(?:a|an|the|my)\s+"
        r"(?:new\s+)?(?:job|position|role|internship)(?:\s+as\s+(?:an?\s+)?(?P<obj>[^.!?;:,()\"\n]+?))?"
        r"(?:\s+(?:at|with)\s+<ORG>|(?=[.!?;:,()\"\n]|$))",
        cut_preps=True,
        special="work",
    ),
    rule(
        "work",
        P.WORKS_AT,
        r"<I>(?:'m\s+|\s+am\s+|'ve\s+been\s+|\s+have\s+been\s+|\s+)<ADV><NEG><ADV>"
        r"(?:work|works|working)\s+(?:at|for)\s+<OBJ>",
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_WORKPLACE and not o[:1].isdigit(),
    ),
    rule(
        "work",
        P.WORKS_AT,
        r"<I>\s+<ADV>(?:worked|used\s+to\s+work)\s+(?:at|for)\s+<OBJ>",
        polarity=False,
        confidence=0.8,
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_WORKPLACE and not o[:1].isdigit(),
    ),
    rule(
        "quit|left",
        P.WORKS_AT,
        r"<I>\s+<ADV>(?:quit|left)\s+my\s+(?:job|position)\s+(?:at|with)\s+<OBJ>",
        polarity=False,
        cut_preps=True,
    ),
    # ---- where they live and come from ----
    rule(
        "liv",
        P.LIVES_IN,
        r"<WE>(?:'m\s+|\s+am\s+|'re\s+|\s+are\s+|'ve\s+been\s+|\s+have\s+been\s+|\s+)<ADV><NEG>"
        r"<ADV>(?:live|living|lives)\s+in\s+<OBJ>",
        cut_preps=True,
    ),
    rule(
        "moved|relocated",
        P.LIVES_IN,
        r"<WE>(?:'ve|\s+have)?\s+<ADV>(?:moved|relocated)\s+(?:back\s+)?to\s+<OBJ>",
        cut_preps=True,
    ),
    rule(  # "we moved from Berlin to Lisbon": the LIVED_IN rule below takes Berlin
        "moved|relocated",
        P.LIVES_IN,
        r"<WE>(?:'ve|\s+have)?\s+<ADV>(?:moved|relocated)\s+(?:here\s+)?from\s+[^.!?;:,]+?\s+to"
        r"\s+<OBJ>",
        cut_preps=True,
        exclusive=False,
    ),
    rule(
        "home",
        P.LIVES_IN,
        r"\bmy\s+(?:new\s+)?home\s+is\s+(?:now\s+)?(?:in|back\s+in)\s+<OBJ>",
        cut_preps=True,
    ),
    rule(
        "based|located",
        P.LIVES_IN,
        r"<IM><ADV>(?:based|located)\s+(?:in|out\s+of)\s+<OBJ>",
        cut_preps=True,
    ),
    rule(
        "live|grew up",
        P.LIVED_IN,
        r"<WE>\s+<ADV>(?:used\s+to\s+live|lived|grew\s+up|was\s+living|were\s+living)\s+in\s+<OBJ>",
        cut_preps=True,
    ),
    rule(
        "from",
        P.LIVED_IN,
        r"<WE>\s+<ADV>(?:moved|came|relocated|emigrated|immigrated)\s+(?:here\s+|over\s+)?from\s+"
        r"<OBJ>",
        confidence=0.8,
        cut_preps=True,
    ),
    rule("from", P.FROM, r"<IM><ADV><NEGBE><ADV>(?:originally\s+)?from\s+<OBJ>", cut_preps=True),
    rule("from", P.FROM, r"<I>\s+<ADV><NEG>(?:come|hail)\s+from\s+<OBJ>", cut_preps=True),
    rule(
        "born|raised",
        P.FROM,
        r"<I>\s+was\s+(?:born|raised|born\s+and\s+raised)\s+in\s+<OBJ>",
        cut_preps=True,
    ),
    rule("town", P.FROM, r"\bmy\s+home\s*town\s+is\s+<OBJ>", cut_preps=True),
    # ---- possessions ----
    rule(
        "have|has|own|got|'ve",
        P.HAS,
        r"<WE>(?:'ve\s+<ADV>got|\s+have\s+got|\s+<ADV><NEG><ADV>(?:have|has|own))\s+"
        r"(?P<obj><DET>\s+[^.!?;:()\[\]\"\n]+)",
        multi=True,
        cut_preps=True,
        accept=possession,
    ),
    rule(
        "used to have",
        P.HAS,
        r"<I>\s+used\s+to\s+have\s+(?P<obj><DET>\s+[^.!?;:()\[\]\"\n]+)",
        polarity=False,
        confidence=0.7,
        multi=True,
    ),
    rule("adopted|rescued", P.HAS, r"<WE>\s+<ADV>(?:adopted|rescued)\s+<OBJ>", multi=True),
    rule(
        "got",
        P.HAS,
        r"<WE>\s+<ADV>got\s+(?P<obj><DET>\s+[^.!?;:()\[\]\"\n]+)",
        confidence=0.8,
        cut_preps=True,
        accept=lambda o: head(o) in IMPLIED_POSSESSIONS,  # "got a letter" is not owning one
    ),
    rule(
        "bought|purchased",
        P.HAS,
        r"<WE>\s+<ADV>(?:bought|purchased)\s+(?P<obj><DET>\s+[^.!?;:()\[\]\"\n]+)",
        confidence=0.8,
        multi=True,
        cut_preps=True,
        accept=possession,
    ),
    # ---- plans ----
    rule("plan", P.PLANS, r"\bmy\s+plan\s+is\s+to\s+<OBJ>"),
    rule("goal|dream", P.PLANS, r"\bmy\s+(?:goal|dream)\s+is\s+to\s+<OBJ>", confidence=0.7),
    rule(
        "planning|intending|aiming|about to|going to|gonna|hoping|thinking|considering|forward",
        P.PLANS,
        r"<IM><NEGBE><ADV>(?P<how>planning\s+(?:to|on)|intending\s+to|aiming\s+to|about\s+to"
        r"|going\s+to|gonna|hoping\s+to|thinking\s+(?:about|of)|considering"
        r"|looking\s+forward\s+to)\s+<OBJ>",
        special="plan",
    ),
    rule(
        "plan|intend|aim",
        P.PLANS,
        r"<I>\s+<ADV><NEG><ADV>(?:plan|intend|aim)\s+(?:to|on)\s+<OBJ>",
        special="plan",
    ),
    rule(
        "decided",
        P.PLANS,
        r"<I>(?:'ve|\s+have)?\s+<ADV>decided\s+to\s+<OBJ>",
        confidence=0.8,
        special="plan",
    ),
    rule(
        "hope|want|wanna",
        P.PLANS,
        r"<I>\s+<ADV><NEG><ADV>(?:hope\s+to|want\s+to|wanna)\s+<OBJ>",
        confidence=0.6,
        special="plan",
    ),
    rule(
        "'d |would",
        P.PLANS,
        r"<I>(?:'d|\s+would)\s+<ADV>(?:like|love)\s+to\s+<OBJ>",
        confidence=0.6,
        special="plan",
    ),
    rule(
        "'ll|will|won't|wont|shall",
        P.PLANS,
        r"<I>(?:'ll\s+|\s+will\s+|\s+shall\s+|\s+(?P<neg>won't|will\s+not|wont)\s+)<ADV>"
        r"(?:(?P<neg2>not|never)\s+)?<ADV><OBJ>",
        confidence=0.7,
        special="plan",
    ),
    # ---- age and studies ----
    rule(
        "i'm|i am|im ",
        P.AGE,
        r"<IM>(?:now\s+|already\s+|(?P<hedge>almost|nearly|about)\s+)?(?P<obj><AGE>)"
        r"(?:\s*(?:years?|yrs?)(?:[-\s]*old)?|\s*y/?o)?(?=\s*(?:[.,!;?]|$|and\b|but\b|now\b"
        r"|so\b|too\b|lol\b))",
        special="age",
    ),
    rule("turned", P.AGE, r"<I>\s+<ADV>(?:just\s+)?turned\s+(?P<obj><AGE>)\b", special="age"),
    rule(
        "stud|major|minor|learning",
        P.STUDIES,
        r"<I>(?:'m\s+|\s+am\s+|\s+)<ADV><NEG><ADV>(?:(?:started|began|begun)\s+)?(?:study|studying"
        r"|majoring\s+in|major\s+in|minoring\s+in|learning)\s+<OBJ>",
        multi=True,
        cut_preps=True,
        accept=lambda o: first_word(o) not in NOT_STUDIES,
    ),
    rule(
        "degree|master|phd|ph.d|bachelor|diploma|certific|course|class",
        P.STUDIES,
        r"<IM><ADV>(?:doing|pursuing|getting|finishing|working\s+on|taking)\s+(?:a|an|my)\s+"
        r"(?:\w+'?s?\s+)?(?:degree|masters?|master's|phd|ph\.d\.?|bachelor'?s?|diploma|certificate"
        r"|certification|course|class|classes|courses)\s+in\s+<OBJ>",
        multi=True,
        cut_preps=True,
    ),
    rule(
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
