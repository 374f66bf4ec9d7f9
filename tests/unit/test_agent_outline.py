"""The recall outline: calls most successful runs agree on, in their usual order, with the
arguments the new task names in place of the past task's."""

from __future__ import annotations

from strata.query.agent_outline import adapt_arguments, consensus

REFUND = ("refund_order", {"id": 3})
NOTIFY = ("notify", {"text": "your refund is on its way"})


def test_a_call_only_one_of_three_runs_made_is_left_out() -> None:
    runs = [[REFUND], [REFUND, NOTIFY], [REFUND]]
    assert consensus(runs) == [REFUND]


def test_calls_most_runs_agree_on_keep_their_usual_order_and_repeats() -> None:
    cancel = ("cancel_order", {"id": 3})
    book = ("book_order", {"id": 4})
    runs = [[cancel, book, book], [cancel, book, book], [book, cancel]]
    assert consensus(runs) == [cancel, book, book]


def test_different_arguments_are_different_calls() -> None:
    runs = [[("refund_order", {"id": 3})], [("refund_order", {"id": 4})]]
    assert consensus(runs) == []  # two runs, no majority on either
    assert consensus([[REFUND]]) == [REFUND]  # one run is its own majority


def test_an_id_the_past_task_named_is_replaced_by_the_new_tasks_own() -> None:
    args = {"reservation_id": "H9ZU1C", "cabin": "economy", "legs": [{"flight": "HAT039"}]}
    past = "cancel reservation H9ZU1C, I was on HAT039"
    new = "please cancel reservation Q2XJ7P, I was on HAT112"
    assert adapt_arguments(args, past, new) == {
        "reservation_id": "Q2XJ7P",
        "cabin": "economy",
        "legs": [{"flight": "HAT112"}],
    }


def test_numbers_are_adapted_and_unmentioned_or_ambiguous_values_kept() -> None:
    assert adapt_arguments({"id": 3}, "refund order 3", "refund order 12") == {"id": 12}
    # the past task never said 5: it came from the conversation, not the task
    assert adapt_arguments({"id": 5}, "refund my order", "refund order 12") == {"id": 5}
    # two candidates of the same shape: no guess
    assert adapt_arguments({"id": 3}, "refund order 3", "refund order 8 or 9") == {"id": 3}
    # the same task again: nothing changes
    assert adapt_arguments({"id": 3}, "refund order 3", "please refund order 3") == {"id": 3}
