"""A small, realistic memory for the dashboard tests: ingested through the real pipeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from strata.ingest.models import InteractionIn, MessageIn

# Seven sessions over three weeks. Session 3 moves Caroline from Paris to Berlin (an update);
# session 6 has no message times, so its two tea statements share one instant (a conflict).
SESSIONS: list[list[tuple[str, str]]] = [
    [
        ("Caroline", "I live in Paris with my sister Anna."),
        ("Melanie", "Paris sounds lovely. Does Anna like it there?"),
        ("Caroline", "Anna loves Paris. We often walk along the Seine with Marco."),
        ("Melanie", "Who is Marco?"),
        ("Caroline", "Marco is a friend from Rome. Marco works at Google in Zurich."),
        ("Melanie", "Zurich is close to the Alps."),
    ],
    [
        ("Caroline", "I went hiking with Anna and Marco in the Alps last Saturday."),
        ("Melanie", "The Alps are beautiful in spring."),
        ("Caroline", "Anna took photos of Marco near Zermatt."),
        ("Melanie", "Did Anna bring her camera from Paris?"),
        ("Caroline", "Yes, Anna brought her camera. Marco carried the tent."),
    ],
    [
        ("Caroline", "I moved to Berlin. I live in Berlin now."),
        ("Melanie", "Berlin! Is Anna still in Paris?"),
        ("Caroline", "Anna stayed in Paris, but she visits Berlin often."),
        ("Melanie", "And Marco?"),
        ("Caroline", "Marco visited Berlin with Anna last week."),
    ],
    [
        ("Caroline", "I work as a nurse at Charite in Berlin."),
        ("Melanie", "That must be demanding."),
        ("Caroline", "It is. Anna says I should rest more."),
        ("Caroline", "Marco sent me a book from Zurich."),
    ],
    [
        ("Caroline", "I love coffee."),
        ("Melanie", "Do you drink it at Charite?"),
        ("Caroline", "Every morning at Charite, with Anna on the phone from Paris."),
    ],
    [
        ("Caroline", "I love tea."),
        ("Caroline", "I don't like tea."),
        ("Melanie", "Make up your mind!"),
    ],
    [
        ("Caroline", "Anna and Marco are coming to Berlin for my birthday."),
        ("Melanie", "Will you show them Berlin?"),
        ("Caroline", "Yes, Anna wants to see the museums in Berlin and Marco wants to eat."),
    ],
]
START = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
SESSION_DAYS = [0, 2, 5, 9, 12, 16, 20]


def interactions(user_id: str) -> list[InteractionIn]:
    out = []
    for n, (session, offset) in enumerate(zip(SESSIONS, SESSION_DAYS, strict=True)):
        started = START + timedelta(days=offset)
        timed = n != 5  # session 6: every message at the session's start
        out.append(
            InteractionIn(
                id=f"session-{n + 1}",
                user_id=user_id,
                started_at=started,
                messages=[
                    MessageIn(
                        id=f"s{n + 1}-m{i + 1}",
                        speaker=speaker,
                        text=text,
                        timestamp=started + timedelta(minutes=i) if timed else None,
                    )
                    for i, (speaker, text) in enumerate(session)
                ],
            )
        )
    return out


def ingest(graph: object, user_id: str) -> None:
    """Ingest the sessions with the project's pipeline, then fit scenes (small data: forced)."""
    from strata.api.runtime import embedder, pipeline
    from strata.ingest.memory import Maintainer

    pipeline(graph).ingest(interactions(user_id))  # type: ignore[arg-type]
    Maintainer(graph, embedder()).refresh_scenes([user_id], force=True)  # type: ignore[arg-type]
