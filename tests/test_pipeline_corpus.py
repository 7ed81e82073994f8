"""The scan fits its embedder on the same corpus whether or not the enterprise texts are handed in."""

from __future__ import annotations

from procure_match.pipeline import corpus_texts, load_inputs
from procure_match.settings import Settings
from procure_match.texts import enterprise_text


def test_corpus_with_given_enterprise_texts_is_the_corpus_built_from_scratch(fixtures):
    settings = Settings()
    inputs = load_inputs([fixtures / "scan" / "notices.json"], fixtures / "scan" / "directory.csv", settings)
    assert inputs.enterprises and inputs.tenders
    ent_texts = [enterprise_text(e, inputs.cpv, inputs.sic) for e in inputs.enterprises]
    built = corpus_texts(inputs, settings)
    assert corpus_texts(inputs, settings, ent_texts) == built
    assert built[-len(ent_texts) :] == ent_texts  # notices first, then one text per enterprise in order
