"""The real model, loaded from the installed packages (about 0.3 s to load, a few ms a text)."""

from __future__ import annotations

import numpy as np

from linkwell.matching import Location, MatchIndex, Query, ServiceDoc, rank
from linkwell.matching.embeddings import DIMENSIONS, default_encoder

BEFRIENDING = "Befriending: volunteers visit or phone older people who feel lonely or isolated for a friendly chat."
DEBT = "Debt advice: free confidential help with debts, arrears and budgeting."


def test_it_embeds_a_lonely_man_closer_to_befriending_than_to_debt_advice() -> None:
    vectors = default_encoder().encode(["lonely older man", BEFRIENDING, DEBT])
    assert vectors.shape == (3, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    to_befriending, to_debt = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    assert to_befriending > 0.3
    assert to_befriending - to_debt > 0.25
    # One text alone (no padding) gives the same vector as inside a padded batch.
    alone = default_encoder().encode([DEBT])[0]
    assert float(alone @ vectors[2]) > 0.999


def test_it_ranks_with_the_real_model_without_shared_words() -> None:
    docs = [
        ServiceDoc(id="a", name="Money Matters", description=DEBT, locations=[Location(53.8, -1.55)]),
        ServiceDoc(id="b", name="Good Neighbours", description=BEFRIENDING, locations=[Location(53.8, -1.55)]),
    ]
    index = MatchIndex.build(docs)
    # No word of the query appears in either listing: only the embedding can tell them apart.
    matches = rank(Query(text="widower, nobody visits him anymore", lat=53.8, lng=-1.55), index)
    assert [m.service.id for m in matches] == ["b", "a"]
    assert matches[0].components["semantic"] == 1.0


def test_it_shortlists_for_a_lonely_widower_with_the_real_model() -> None:
    from .test_rank import DIRECTORY, LONELY_MAN

    matches = rank(LONELY_MAN, MatchIndex.build(DIRECTORY))
    ids = [m.service.id for m in matches]
    assert ids[-1] == "debt"
    assert set(ids[:2]) <= {"choir", "widows", "befriend", "shed"}


def test_one_sentence_about_what_he_enjoys_finds_the_repair_cafe_with_the_real_model() -> None:
    here = [Location(53.8, -1.55)]
    docs = [
        ServiceDoc(
            id="repair",
            name="Repair café",
            description="Bring broken lamps and toasters; volunteers fix them with you.",
            locations=here,
        ),
        ServiceDoc(
            id="drop-in",
            name="Wellbeing drop-in",
            description="A friendly space to talk about how you are feeling, with tea and peer support.",
            locations=here,
        ),
        ServiceDoc(id="debt", name="Money Matters", description=DEBT, locations=here),
    ]
    index = MatchIndex.build(docs)
    text = "Retired joiner, his wife says he's under her feet all day. Always good with his hands."
    matches = rank(Query(text=text, lat=53.8, lng=-1.55), index)
    assert matches[0].service.id == "repair"
