"""Agent runs as they come in: OpenAI chat messages with tool calls, a task, an outcome.

A run is validated whole before anything is written: every ``tool`` message must answer a
``tool_call_id`` an assistant message issued earlier in the same run, and tool-call arguments
must be JSON objects (given as a JSON string, as OpenAI logs them, or as an object).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_TASK_CHARS = 20_000  # a task or feedback; message content may be of any length
Role = Literal["system", "user", "assistant", "tool"]


class ToolFunction(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(min_length=1, max_length=200)
    arguments: dict[str, Any] = Field(default_factory=dict)

    @field_validator("arguments", mode="before")
    @classmethod
    def _json_arguments(cls, v: Any) -> Any:
        if v is None or v == "":
            return {}
        if isinstance(v, str):
            try:
                v = json.loads(v)
            except json.JSONDecodeError as e:
                raise ValueError(f"arguments are not JSON: {e.msg}") from None
        if not isinstance(v, dict):
            raise ValueError("arguments must be a JSON object")
        return v


class ToolCall(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1, max_length=200)
    type: str = Field(default="function", max_length=40)
    function: ToolFunction


class AgentMessage(BaseModel):
    """One chat message; ``name`` is the agent (or tool) that spoke, for multi-agent runs."""

    model_config = ConfigDict(extra="ignore")
    role: Role
    content: str | None = None  # any length: tool output and pasted logs are kept whole
    name: str | None = Field(default=None, max_length=200)
    tool_calls: list[ToolCall] = Field(default_factory=list, max_length=100)
    tool_call_id: str | None = Field(default=None, max_length=200)

    @field_validator("tool_calls", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return [] if v is None else v

    @model_validator(mode="after")
    def _shape(self) -> AgentMessage:
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("a tool message needs tool_call_id")
        if self.tool_calls and self.role != "assistant":
            raise ValueError("only assistant messages carry tool_calls")
        if self.role in ("system", "user") and not (self.content or "").strip():
            raise ValueError(f"empty {self.role} message")
        return self


class Outcome(BaseModel):
    """How a run ended; either field may be missing, and the whole may arrive later."""

    model_config = ConfigDict(extra="forbid")
    success: bool | None = None
    reward: float | None = Field(default=None, allow_inf_nan=False)
    feedback: str | None = Field(default=None, max_length=MAX_TASK_CHARS)

    @property
    def succeeded(self) -> bool | None:
        if self.success is not None:
            return self.success
        return None if self.reward is None else self.reward > 0.5


class RunIn(BaseModel):
    """One agent run: its owner (agent or team), task text, messages, optional outcome."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, min_length=1, max_length=200)
    user_id: str = Field(min_length=1, max_length=200)
    task: str = Field(min_length=1, max_length=MAX_TASK_CHARS)
    task_id: str | None = Field(default=None, max_length=200)
    outcome: Outcome | None = None
    used_lessons: list[str] = Field(default_factory=list, max_length=100)  # ids from recall
    messages: list[AgentMessage] = Field(min_length=1, max_length=5_000)

    @model_validator(mode="after")
    def _tool_results_answer_calls(self) -> RunIn:
        issued: set[str] = set()
        for i, m in enumerate(self.messages):
            issued.update(c.id for c in m.tool_calls)
            if m.role == "tool" and m.tool_call_id not in issued:
                raise ValueError(f"messages.{i}: tool_call_id {m.tool_call_id!r} answers no call")
        if not self.task.strip():
            raise ValueError("task: empty text")
        return self
