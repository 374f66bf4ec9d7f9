"""Injection flags: text that addresses an AI or agent with instructions, found without an LLM.

Memory is an attack surface: a tool result, a pasted page or a forged message can carry
instructions meant for the agent that will later read it back as memory. These rules flag
such spans with the kind ``instruction``; flagged units are kept (they are evidence of an
attack) but never promoted on their own into facts, insights or lessons, and search shows the
flag and weighs them down. Each rule names what it saw, so a flag can be explained.

System messages are not checked (``ingest/pipeline.py``, ``ingest/agent_steps.py``): they are
the operator's instructions, where orders to an assistant belong; tau-bench's airline policy,
for one, is full of "the agent must".

The rules want two things together, an instruction and an AI addressee or a channel
pretending to be one, so that ordinary talk ("you must try that café") is not flagged:
- overriding earlier instructions: "ignore / disregard / forget (all) previous instructions";
- an AI addressed with a duty: "as an AI (assistant) you must", "Assistant, you should always";
- role-play of a system or developer message: a line opening with "system:", "[system]",
  "<|im_start|>system", "### Instruction";
- hidden text: Unicode tag characters, bidirectional overrides, runs of zero-width characters;
- in tool output and external content only, also instructions to the agent about what to do
  next ("you should now call", "do not tell the user", "the assistant must": in a chat that
  last one is talk about AI, in a tool result it is an order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INSTRUCTION = "instruction"

_AI = r"(?:ai|a\.i\.|assistant|agent|chatbot|bot|language model|llm|model|gpt|claude)"
_PRIOR = r"(?:previous|prior|above|earlier|preceding|all|any|your|the|these|those|system)"
_DIRECTIVES = r"(?:instructions?|prompts?|directions|rules|guidelines|messages|context)"

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "override",
        re.compile(
            rf"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+)?(?:of\s+)?"
            rf"(?:{_PRIOR}\s+){{1,2}}{_DIRECTIVES}\b",
            re.I,
        ),
    ),
    ("new_instructions", re.compile(r"\b(?:new|updated|real|hidden)\s+instructions\s*:", re.I)),
    (
        "ai_duty",
        re.compile(
            rf"(?:\bas\s+(?:an?|the)\s+(?:\w+\s+)?{_AI},?|(?:^|[.!?:\n]\s*)(?:dear\s+|hey\s+)?"
            rf"{_AI}\s*,)\s*(?:\w+\s+){{0,3}}?you\s+(?:must|should|shall|have to|need to)\b",
            re.I,
        ),
    ),
    (
        "role_play",
        re.compile(
            r"(?:^|\n)\s*(?:\[\s*(?:system|developer|admin)\s*\]|<\|\s*im_start\s*\|>\s*"
            r"(?:system|developer)\b|<\|?\s*system\s*\|?>|#{2,}\s*(?:system|instruction)s?\b|"
            r"(?:system|developer)\s*(?:prompt)?\s*:\s*(?:you|ignore|from now|always|never))",
            re.I,
        ),
    ),
    # Unicode tag characters (invisible ASCII) and bidirectional overrides hide text outright;
    # zero-width characters only in runs (single ones join emoji and scripts, or come from math).
    ("hidden_text", re.compile("[\U000e0000-\U000e007f\u202a-\u202e\u2066-\u2069]+")),
    ("hidden_text", re.compile("[\u200b-\u200d\u2060\ufeff]{3,}")),
)

# Only in content that did not come from a person talking: tool results, pages, attachments.
_TOOL_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "ai_directive",
        re.compile(
            rf"\b(?:the|this|you,?\s+the)\s+{_AI}\s+(?:must|shall|should always|is required to)\b",
            re.I,
        ),
    ),
    (
        "agent_next_step",
        re.compile(
            r"\b(?:you|the agent|the assistant)\s+(?:should|must|need to|have to)\s+(?:now\s+|"
            r"immediately\s+|first\s+|also\s+)?(?:call|invoke|run|execute|use|send|transfer|"
            r"refund|cancel|book|delete|grant|reveal|email|forward)\b",
            re.I,
        ),
    ),
    (
        "conceal",
        re.compile(
            r"\b(?:do not|don't|never)\s+(?:tell|inform|mention|reveal|show)\s+(?:this\s+to\s+)?"
            r"(?:the\s+)?(?:user|customer|human)\b",
            re.I,
        ),
    ),
)


@dataclass(frozen=True)
class Flag:
    kind: str  # INSTRUCTION
    rule: str  # which rule saw it
    start: int
    end: int


def flags(text: str, *, external: bool = False) -> list[Flag]:
    """The instruction spans of ``text``; ``external`` adds the rules for tool output and
    external content (what a person says to an assistant is not an agent's next step)."""
    rules = _RULES + (_TOOL_RULES if external else ())
    found = [
        Flag(INSTRUCTION, name, m.start(), m.end())
        for name, pattern in rules
        for m in pattern.finditer(text)
    ]
    return sorted(found, key=lambda f: (f.start, f.end, f.rule))
