"""Rule-based extraction: the facts, entities, events and queries a user would see for a turn."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pytest
import spacy

from strata.ingest.extract import BLANK_MODEL, Extractor, normalise_key
from strata.ingest.models import EntityKind, EntityRef, Extraction, Predicate, Turn

# Saturday 20 May 2023: the session time relative expressions are read against.
ANCHOR = datetime(2023, 5, 20, 14, 30)
SPEAKER = "Caroline"
PEOPLE = {"Caroline", "Melanie"}
P = Predicate
K = EntityKind


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def turn(
    text: str,
    *,
    speaker: str = SPEAKER,
    time: datetime | None = ANCHOR,
    attachments: Iterable[str] = (),
    seq: int = 0,
) -> Turn:
    return Turn(
        id=f"t{seq}",
        interaction_id="i1",
        user_id="u1",
        seq=seq,
        speaker=speaker,
        role="user",
        text=text,
        time=time,
        source_id=None,
        attachments=tuple(attachments),
    )


def run(extractor: Extractor, text: str, **kw: object) -> Extraction:
    return extractor.extract_many([turn(text, **kw)], PEOPLE)[0]  # type: ignore[arg-type]


_NUMBERS = {
    Predicate.BORN,
    Predicate.OLDER_THAN,
    Predicate.COUNT,
    Predicate.SINCE,
    Predicate.EVENT_DATE,
    Predicate.EVENT_OFFSET,
}  # tests/unit/test_numbers.py, tests/unit/test_relations.py


def facts(extractor: Extractor, text: str) -> set[tuple[Predicate, str, bool]]:
    return {
        (f.predicate, f.object, f.polarity)
        for f in run(extractor, text).facts
        if f.predicate not in _NUMBERS
    }


def entities(extractor: Extractor, text: str, **kw: object) -> set[tuple[EntityKind, str]]:
    return {(e.kind, e.key) for e in run(extractor, text, **kw).entities}


# ---- persona facts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I love hiking.", {(P.LIKES, "hiking", True)}),
        ("I really like jazz!", {(P.LIKES, "jazz", True)}),
        ("I enjoy painting, camping and long walks.",
         {(P.LIKES, "painting", True), (P.LIKES, "camping", True), (P.LIKES, "long walks", True)}),
        ("I'm a huge fan of Taylor Swift.", {(P.LIKES, "taylor swift", True)}),
        ("I'm really into pottery these days.", {(P.LIKES, "pottery", True)}),
        ("I've always loved the ocean.", {(P.LIKES, "ocean", True)}),
        ("My favorite band is Queen.", {(P.LIKES, "queen", True)}),
        ("I love to paint.", {(P.LIKES, "paint", True)}),
        ("I don't like coffee.", {(P.LIKES, "coffee", False)}),
        ("I do not enjoy crowds.", {(P.LIKES, "crowds", False)}),
        ("I never liked horror movies.", set()),  # simple past "liked" is not a lasting preference
        ("I no longer like spicy food.", {(P.LIKES, "spicy food", False)}),
        ("I don't like coffee anymore.", {(P.LIKES, "coffee", False)}),
        ("I hate waiting in line.", {(P.LIKES, "waiting in line", False)}),
        ("I can't stand loud music.", {(P.LIKES, "loud music", False)}),
        ("I'm not a fan of sushi.", {(P.LIKES, "sushi", False)}),
        ("I used to love skateboarding.", {(P.LIKES, "skateboarding", False)}),
    ],
)  # fmt: skip
def test_likes_with_negation_and_tense(
    extractor: Extractor, text: str, expected: set[tuple[Predicate, str, bool]]
) -> None:
    assert facts(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm a nurse.", {(P.IS, "nurse", True), (P.WORKS_AS, "nurse", True)}),
        ("I am an artist.", {(P.IS, "artist", True), (P.WORKS_AS, "artist", True)}),
        ("I'm vegan.", {(P.IS, "vegan", True)}),
        ("I'm a transgender woman.", {(P.IS, "transgender woman", True)}),
        ("I'm not a vegetarian.", {(P.IS, "vegetarian", False)}),
        ("I'm not vegan anymore.", {(P.IS, "vegan", False)}),
        ("I was a teacher for ten years.",
         {(P.IS, "teacher", False), (P.WORKS_AS, "teacher", False)}),
        ("I'm allergic to peanuts.", {(P.IS, "allergic to peanuts", True)}),
        ("I'm so happy for you!", set()),
        ("When I was a kid I loved dinosaurs.", set()),
    ],
)  # fmt: skip
def test_identity(
    extractor: Extractor, text: str, expected: set[tuple[Predicate, str, bool]]
) -> None:
    assert facts(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I work as a software engineer.", {(P.WORKS_AS, "software engineer", True)}),
        ("I work as a software engineer at Google.",
         {(P.WORKS_AS, "software engineer", True), (P.WORKS_AT, "google", True)}),
        ("I'm a nurse at General Hospital.",
         {(P.WORKS_AS, "nurse", True), (P.IS, "nurse", True),
          (P.WORKS_AT, "general hospital", True)}),
        ("I work at a bakery.", {(P.WORKS_AT, "bakery", True)}),
        ("I've been working for Acme Corp since March.", {(P.WORKS_AT, "acme corp", True)}),
        ("I no longer work at Microsoft.", {(P.WORKS_AT, "microsoft", False)}),
        ("I worked at Walmart in college.", {(P.WORKS_AT, "walmart", False)}),
        ("I used to work as a barista.", {(P.WORKS_AS, "barista", False)}),
        ("I quit my job at the bank.", {(P.WORKS_AT, "bank", False)}),
        ("I got a new job as a designer at Pixar.",
         {(P.WORKS_AS, "designer", True), (P.WORKS_AT, "pixar", True)}),
        ("I became a teacher last year.", {(P.IS, "teacher", True), (P.WORKS_AS, "teacher", True)}),
        ("I've just become a dad!", {(P.IS, "dad", True)}),
        ("I became aware of it.", set()),
        ("I work from home.", set()),
        ("I work at night.", set()),
    ],
)  # fmt: skip
def test_work(extractor: Extractor, text: str, expected: set[tuple[Predicate, str, bool]]) -> None:
    assert facts(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I live in Boston.", {(P.LIVES_IN, "boston", True)}),
        ('I live in "Paris".', {(P.LIVES_IN, "paris", True)}),
        ("We live in a small town in Ohio.", {(P.LIVES_IN, "small town", True)}),
        ("I'm currently living in New York City with my wife.",
         {(P.LIVES_IN, "new york city", True), (P.HAS, "wife", True)}),
        ("I just moved to Seattle!", {(P.LIVES_IN, "seattle", True)}),
        ("My home is in Denver now.", {(P.LIVES_IN, "denver", True)}),
        ("My new home is in a quiet suburb.", {(P.LIVES_IN, "quiet suburb", True)}),
        ("My home is where my heart is.", set()),
        ("I don't live in Paris anymore.", {(P.LIVES_IN, "paris", False)}),
        ("I no longer live in Denver.", {(P.LIVES_IN, "denver", False)}),
        ("I used to live in Chicago.", {(P.LIVED_IN, "chicago", True)}),
        ("I lived in Tokyo for two years.", {(P.LIVED_IN, "tokyo", True)}),
        ("I grew up in Ohio.", {(P.LIVED_IN, "ohio", True)}),
        ("I'm from Sweden originally.", {(P.FROM, "sweden", True)}),
        ("I am originally from Brazil.", {(P.FROM, "brazil", True)}),
        ("I come from a small village.", {(P.FROM, "small village", True)}),
        ("I was born in Dublin.", {(P.FROM, "dublin", True)}),
        ("I'm not from around here.", {(P.FROM, "around here", False)}),
        ("I moved here from Canada.", {(P.LIVED_IN, "canada", True)}),
    ],
)  # fmt: skip
def test_places(
    extractor: Extractor, text: str, expected: set[tuple[Predicate, str, bool]]
) -> None:
    assert facts(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I have a dog.", {(P.HAS, "dog", True)}),
        ("I have two kids.", {(P.HAS, "two kids", True)}),
        ("We have three cats and a parrot.",
         {(P.HAS, "three cats", True), (P.HAS, "parrot", True)}),
        ("I've got a new car.", {(P.HAS, "car", True)}),
        ("I adopted a puppy!", {(P.HAS, "puppy", True)}),
        ("I bought a guitar and two amps.", {(P.HAS, "guitar", True), (P.HAS, "two amps", True)}),
        ("I don't have any pets.", {(P.HAS, "pets", False)}),
        ("I have no kids.", {(P.HAS, "kids", False)}),
        ("I used to have a horse.", {(P.HAS, "horse", False)}),
        ("My dog loves the beach.", {(P.HAS, "dog", True)}),
        ("I have to go now.", set()),
        ("I have a great time with you.", set()),
        ("I have been there before.", set()),
        ("I have two weeks off.", set()),
        ("I've got a funny story.", set()),
        ("I have a community meeting coming up.", set()),
        ("I got a rejection letter.", set()),
        ("I got a puppy two weeks ago!", {(P.HAS, "puppy", True)}),
    ],
)  # fmt: skip
def test_has(extractor: Extractor, text: str, expected: set[tuple[Predicate, str, bool]]) -> None:
    assert facts(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My sister Anna is visiting.", {(P.RELATIONSHIP, "sister:anna", True)}),
        ("My best friend, Tom, called.", {(P.RELATIONSHIP, "best friend:tom", True)}),
        ("My friends Tom and Lisa came over.",
         {(P.RELATIONSHIP, "friend:tom", True), (P.RELATIONSHIP, "friend:lisa", True)}),
        ("Anna is my sister.", {(P.RELATIONSHIP, "sister:anna", True)}),
        ("I have a dog named Max.", {(P.HAS, "dog", True), (P.RELATIONSHIP, "dog:max", True)}),
        ("My husband John cooked dinner.",
         {(P.RELATIONSHIP, "husband:john", True), (P.HAS, "husband", True)}),
    ],
)  # fmt: skip
def test_relationships(
    extractor: Extractor, text: str, expected: set[tuple[Predicate, str, bool]]
) -> None:
    assert facts(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm planning to run a marathon.", {(P.PLANS, "run a marathon", True)}),
        ("I'm going to visit my parents next week.", {(P.PLANS, "visit my parents", True)}),
        ("I'm going to Paris in June.", {(P.PLANS, "go to paris", True)}),
        ("I will start a pottery class.", {(P.PLANS, "start a pottery class", True)}),
        ("I plan to adopt a cat.", {(P.PLANS, "adopt a cat", True)}),
        ("I'm not going to quit.", {(P.PLANS, "quit", False)}),
        ("I won't move again.", {(P.PLANS, "move", False)}),
        ("I'll let you know.", set()),
        ("I'll try.", set()),
        ("I'll never forget that day.", set()),
        ("I'll do my best!", set()),
        ("I hope you're okay.", set()),
        ("I'm thinking of moving to Denver.", {(P.PLANS, "moving to denver", True)}),
        ("I'm gonna make it happen!", {(P.PLANS, "make it happen", True)}),
    ],
)  # fmt: skip
def test_plans(extractor: Extractor, text: str, expected: set[tuple[Predicate, str, bool]]) -> None:
    assert facts(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm 32.", {(P.AGE, "32", True)}),
        ("I am 45 years old.", {(P.AGE, "45", True)}),
        ("I'm thirty-two years old and loving it.", {(P.AGE, "32", True)}),
        ("I just turned 40!", {(P.AGE, "40", True)}),
        ("I'm 5 minutes away.", set()),
        ("I study psychology.", {(P.STUDIES, "psychology", True)}),
        ("I'm studying computer science at MIT.", {(P.STUDIES, "computer science", True)}),
        ("I'm majoring in biology.", {(P.STUDIES, "biology", True)}),
        ("I'm a history major.", {(P.STUDIES, "history", True)}),
        ("I'm doing a master's degree in education.", {(P.STUDIES, "education", True)}),
        ("I'm learning Spanish.", {(P.STUDIES, "spanish", True)}),
        ("I recently started learning the guitar.", {(P.STUDIES, "guitar", True)}),
        ("I studied law in college.", {(P.STUDIES, "law", False)}),
        ("I'm studying for my exam.", set()),
    ],
)  # fmt: skip
def test_age_and_studies(
    extractor: Extractor, text: str, expected: set[tuple[Predicate, str, bool]]
) -> None:
    assert facts(extractor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Do you like hiking?",
        "If I like it, I'll buy it.",
        "You love painting.",
        "She lives in Paris.",
        "Can you remind me where I live?",
        "That's what I like to hear!",
        "I'd get a dog if I weren't allergic.",
    ],
)
def test_questions_conditionals_and_other_people_yield_no_persona_facts(
    extractor: Extractor, text: str
) -> None:
    assert run(extractor, text).facts == []


def test_fact_carries_speaker_time_and_confidence(extractor: Extractor) -> None:
    [fact] = run(extractor, "I live in Boston.").facts
    assert fact.subject == EntityRef("Caroline", K.PERSON, "caroline")
    assert fact.valid_from == ANCHOR
    assert fact.confidence == 0.9


def test_since_dates_the_fact(extractor: Extractor) -> None:
    found = run(extractor, "I've been vegetarian since 2015.").facts
    [fact] = [f for f in found if f.predicate not in _NUMBERS]
    assert [f.object for f in found if f.predicate is P.SINCE] == ["vegetarian in 2015"]
    assert (fact.predicate, fact.object, fact.valid_from) == (
        P.IS,
        "vegetarian",
        datetime(2015, 1, 1),
    )


def test_moving_from_one_place_to_another(extractor: Extractor) -> None:
    assert facts(extractor, "We moved from Berlin to Lisbon in 2021.") == {
        (P.LIVED_IN, "berlin", True),
        (P.LIVES_IN, "lisbon", True),
    }


@pytest.mark.parametrize(
    "text", ["I think I like jazz.", "Maybe I like jazz.", "I kind of like jazz."]
)
def test_hedged_statements_get_lower_confidence(extractor: Extractor, text: str) -> None:
    [fact] = run(extractor, text).facts
    assert (fact.predicate, fact.object, fact.polarity, fact.confidence) == (
        P.LIKES,
        "jazz",
        True,
        0.6,
    )


def test_objects_are_trimmed_and_capped_at_six_words(extractor: Extractor) -> None:
    text = "I love long slow walks on the empty beach at sunset with my dog, honestly."
    [like] = [f for f in run(extractor, text).facts if f.predicate is P.LIKES]
    assert like.object == "long slow walks on the empty"


# ---- entities ---------------------------------------------------------------------------------


def test_first_person_resolves_to_the_speaker(extractor: Extractor) -> None:
    out = run(extractor, "My day was long and I am tired.", speaker="Dr. Mel Jones")
    assert out.entities == [EntityRef("Dr. Mel Jones", K.PERSON, "dr mel jones")]


def test_no_first_person_no_speaker_entity(extractor: Extractor) -> None:
    assert run(extractor, "That sounds lovely.").entities == []


def test_known_people_are_found_by_name_first_name_and_unique_prefix(extractor: Extractor) -> None:
    out = run(extractor, "Thanks, Mel! Melanie and Caroline are the best.", speaker="Bob")
    assert [(e.name, e.kind) for e in out.entities] == [
        ("Melanie", K.PERSON),
        ("Caroline", K.PERSON),
    ]


def test_duplicates_within_a_turn_are_merged(extractor: Extractor) -> None:
    out = run(extractor, "I love Paris. Paris in May is the best, and I'll go back to Paris.")
    keys = [e.key for e in out.entities]
    assert keys.count("paris") == 1
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I went to Sweden last year.", {(K.PLACE, "sweden")}),
        ("We moved to Tahoe.", {(K.PLACE, "tahoe")}),
        ("I had lunch with Anna.", {(K.PERSON, "anna")}),
        ("I talked to Jordan about it.", {(K.PERSON, "jordan")}),
        ("Jordan said hi.", {(K.PERSON, "jordan")}),
        ("I spent a week in Jordan.", {(K.PLACE, "jordan")}),
        ("My sister Anna called.", {(K.PERSON, "anna")}),
        ("She works at Acme Corp.", {(K.ORG, "acme corp")}),
        ("She studies at the University of Michigan.", {(K.ORG, "university of michigan")}),
        ("She loves Google.", {(K.ORG, "google")}),
        ("I ate turkey and broke the china.", set()),  # lower case is not the country
        ("Yesterday was fun. Pottery is relaxing.", set()),
    ],
)  # fmt: skip
def test_people_places_and_orgs(
    extractor: Extractor, text: str, expected: set[tuple[EntityKind, str]]
) -> None:
    found = {(k, key) for k, key in entities(extractor, text) if k is not K.DATE}
    assert found - {(K.PERSON, "caroline")} == expected


def test_things_come_from_likes_and_possessions_not_from_relatives(extractor: Extractor) -> None:
    found = entities(extractor, "I love hiking and my husband has two dogs. I have three cats.")
    assert (K.THING, "hiking") in found
    assert (K.THING, "cats") in found
    assert (K.THING, "husband") not in found


def test_pet_names_are_things_not_people(extractor: Extractor) -> None:
    found = entities(extractor, "My dog Max loves the beach.")
    assert (K.THING, "max") in found
    assert (K.PERSON, "max") not in found


def test_dates_are_keyed_by_the_resolved_day(extractor: Extractor) -> None:
    out = run(extractor, "I went there yesterday and again last week.")
    dates = [(e.name, e.key) for e in out.entities if e.kind is K.DATE]
    assert dates == [("2023-05-19", "2023-05-19"), ("2023-W19", "2023-W19")]


def test_relative_dates_without_a_turn_time_give_no_date_entity(extractor: Extractor) -> None:
    out = run(extractor, "I went there yesterday, and in 2019.", time=None)
    assert [e.key for e in out.entities if e.kind is K.DATE] == ["2019"]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("The Beatles", "beatles"),
        ("  My   Dog!! ", "dog"),
        ("O\u2019Brien", "obrien"),
        ("CAROLINE", "caroline"),
        ("St. Louis", "st louis"),
        ("the", "the"),
        ("Caf\u00e9  du Monde", "caf\u00e9 du monde"),
    ],
)
def test_normalise_key(raw: str, key: str) -> None:
    assert normalise_key(raw) == key
    assert normalise_key(key) == key  # idempotent


# ---- events -----------------------------------------------------------------------------------


def test_the_design_example_event(extractor: Extractor) -> None:
    out = run(extractor, "I went to a LGBTQ support group yesterday and it was so powerful.")
    [event] = out.events
    assert event.what == "went to a LGBTQ support group"
    assert event.when == datetime(2023, 5, 19)
    assert event.when_text == "yesterday"
    assert event.who == (EntityRef("Caroline", K.PERSON, "caroline"),)


def test_time_before_the_clause_still_dates_it(extractor: Extractor) -> None:
    [event] = run(extractor, "Last Saturday I ran a charity race for mental health.").events
    assert (event.what, event.when) == (
        "ran a charity race for mental health",
        datetime(2023, 5, 13),
    )


def test_event_lists_people_in_the_clause(extractor: Extractor) -> None:
    [event] = run(extractor, "I had dinner with Anna last night.").events
    assert event.what == "had dinner with Anna"
    assert event.when == datetime(2023, 5, 19, 21)
    assert [p.key for p in event.who] == ["caroline", "anna"]


def test_future_event_resolves_forward(extractor: Extractor) -> None:
    [event] = run(extractor, "I'm going to visit my parents next week.").events
    assert (event.what, event.when) == ("visit my parents", datetime(2023, 5, 22))
    [event] = run(extractor, "We'll meet on Friday.").events
    assert event.when == datetime(2023, 5, 26)


def test_abbreviated_weekdays_and_approximate_offsets(extractor: Extractor) -> None:
    out = run(extractor, "I joined a new activist group last Tues. I moved here about a year ago.")
    assert [(e.what, e.when, e.when_text) for e in out.events] == [
        ("joined a new activist group", datetime(2023, 5, 16), "last Tues."),
        ("moved here", datetime(2022, 1, 1), "about a year ago"),
    ]


def test_first_person_action_without_time_is_an_event_without_when(extractor: Extractor) -> None:
    [event] = run(extractor, "I adopted a puppy!").events
    assert (event.what, event.when, event.when_text) == ("adopted a puppy", None, None)


def test_named_person_with_time_is_an_event_about_them(extractor: Extractor) -> None:
    [event] = run(extractor, "Melanie went to Paris last week.", speaker="Bob").events
    assert event.what == "went to Paris"
    assert [p.key for p in event.who] == ["melanie"]


@pytest.mark.parametrize(
    "text",
    [
        "She went to the store.",  # third person, no time
        "I was tired yesterday.",  # a mood, not an event
        "I think about it a lot.",
        "Did you go to the park yesterday?",
        "The concert was amazing.",
        "I felt so proud.",
        "The help I got from friends was invaluable.",  # relative clause: "got" has no object
        "That was a show I went to.",
        "I won't give up!",  # "won't" is not the past of "win"
        "I'll make it happen.",  # undated future: talk, not an event
    ],
)
def test_no_event_without_time_or_first_person_action(extractor: Extractor, text: str) -> None:
    assert run(extractor, text).events == []


# ---- queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What did you do last weekend?", [("question", "What did you do last weekend?")]),
        ("Can you remind me about my dentist appointment?",
         [("request", "Can you remind me about my dentist appointment?")]),
        ("Please book a table for two.", [("request", "Please book a table for two.")]),
        ("Remind me to call Anna tomorrow.", [("request", "Remind me to call Anna tomorrow.")]),
        ("Hey, could you tell me a joke?", [("request", "Hey, could you tell me a joke?")]),
        ("Can you believe it happened again?",
         [("question", "Can you believe it happened again?")]),
        ("I went hiking. How about you?", [("question", "How about you?")]),
        ("Really?", []),
        ("Will you give it another go?", [("question", "Will you give it another go?")]),
        ("Let me know how it goes!", [("request", "Let me know how it goes!")]),
        ("I love that.", []),
    ],
)  # fmt: skip
def test_queries(extractor: Extractor, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(q.kind, q.text) for q in run(extractor, text).queries] == expected


# ---- whole turns ------------------------------------------------------------------------------


def test_locomo_like_turn_with_a_caption(extractor: Extractor) -> None:
    caption = "a photo of a golden retriever sitting on a couch in Paris"
    out = run(
        extractor,
        "I finished this one last week! I love painting animals.",
        attachments=[caption],
    )
    assert [(e.kind, e.key) for e in out.entities] == [
        (K.PERSON, "caroline"),
        (K.THING, "painting animals"),
        (K.DATE, "2023-W19"),
        (K.PLACE, "paris"),
        (K.THING, "golden retriever"),
    ]
    assert [(f.predicate, f.object) for f in out.facts] == [(P.LIKES, "painting animals")]
    [event] = out.events
    assert (event.what, event.when, event.when_text) == (
        "finished this one",
        datetime(2023, 5, 8),
        "last week",
    )
    assert out.queries == []


def test_caption_statements_are_not_the_speakers_facts(extractor: Extractor) -> None:
    out = run(extractor, "Here it is.", attachments=["I love this photo of a cat I adopted"])
    assert out.facts == [] and out.events == [] and out.queries == []


def test_one_extraction_per_turn_in_order_and_deterministic(extractor: Extractor) -> None:
    turns = [turn(t, seq=i) for i, t in enumerate(["I live in Oslo.", "Hi!", "I love tea."])]
    first = extractor.extract_many(turns, PEOPLE)
    again = extractor.extract_many(turns, PEOPLE)
    assert first == again
    assert [[f.object for f in x.facts] for x in first] == [["oslo"], [], ["tea"]]


def test_speakers_of_the_batch_count_as_known_people(extractor: Extractor) -> None:
    turns = [turn("Hi there.", speaker="Zoltan"), turn("Zoltan is great.", speaker="Bob", seq=1)]
    out = extractor.extract_many(turns, set())
    assert [e.key for e in out[1].entities] == ["zoltan"]


def test_unknown_model_falls_back_to_blank_rules() -> None:
    ex = Extractor(model="no_such_spacy_pipeline_xyz")
    assert ex.model_name == BLANK_MODEL
    assert [f.object for f in ex.extract(turn("I live in Oslo.")).facts] == ["oslo"]


def test_a_loadable_pipeline_is_used_and_its_ner_feeds_the_rules(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("entity_ruler", name="ner")
    ner.add_patterns(  # type: ignore[attr-defined]
        [{"label": "PERSON", "pattern": "Zed"}, {"label": "GPE", "pattern": "Atlantis"}]
    )
    nlp.to_disk(tmp_path / "pipe")
    ex = Extractor(model=str(tmp_path / "pipe"))
    assert ex.model_name == str(tmp_path / "pipe")
    found = {(e.kind, e.key) for e in ex.extract(turn("Zed is great. Atlantis rocks.")).entities}
    assert found == {(K.PERSON, "zed"), (K.PLACE, "atlantis")}
    blank = {(e.kind, e.key) for e in Extractor().extract(turn("Zed is great.")).entities}
    assert blank == set()


def test_a_cut_off_phrase_gives_no_fact_with_an_empty_object(extractor: Extractor) -> None:
    # "I really want to / ..." once stored a "plans" fact whose object was "", and every later
    # search that met it failed in the contradiction check.
    ex = run(extractor, "(I really want to / I'm really looking forward to it)")
    assert all(f.object.strip() for f in ex.facts)
