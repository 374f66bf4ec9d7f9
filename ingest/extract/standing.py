"""Standing instructions: what a person asks an assistant to do from now on, found by rules.

"Always answer in metric units", "from now on call me Sam", "please never suggest seafood",
"I'd like your replies short": a turn that says how the assistant should behave beyond the
moment. The planner answers questions about the user's instructions and preferences from these
turns first (``query/intents.py``). Only turns of the memory's people count (not the
assistant's, not tool output): an instruction is the owner's to give.
"""

from __future__ import annotations

import re

_STANDING = re.compile(
    r"\b(?:from now on|going forward|in (?:the )?future|for future (?:reference|answers)|"
    r"(?:please |you should |make sure (?:to |you )?)?(?:always|never) (?:\w+ ){0,2}?"
    r"(?:answer|reply|respond|use|write|give|include|suggest|recommend|call|address|mention|"
    r"show|format|keep|add|start|end|put|list|ask|remind)|"
    r"(?:don't|do not) ever|every time (?:you|i ask)|whenever (?:you|i ask)|"
    r"(?:i(?:'d| would) like|i want|i prefer) (?:you to |your |all |the )?"
    r"(?:answers?|repl(?:y|ies)|responses?|summaries|explanations?|code|examples?)|"
    r"remember (?:that i|to always|to never)|"
    r"please (?:don't|do not|stop) (?:use|give|recommend|suggest|send|include|add)|"
    r"keep (?:your|the) (?:answers?|repl(?:y|ies)|responses?|messages?)|"
    r"when(?:ever)? you (?:give|write|show|send|quote|list) (?:me )?(?:\w+ )?"
    r"(?:prices|amounts|figures|numbers|times|dates|references|phrases|answers|examples)|"
    r"call me (?-i:[A-Z]))",
    re.I,
)


def is_standing_instruction(text: str) -> bool:
    return _STANDING.search(text) is not None
