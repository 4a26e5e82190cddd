"""Provenance section: the method of the settlement populations is stated."""

from __future__ import annotations

from opora.model.population import SCALING_METHOD, population_provenance
from opora.model.provenance import Provenance, provenance_frame
from opora.report.labels.provenance import LABELS
from opora.report.sections.provenance import template_data


def test_population_method_stated_when_scaled() -> None:
    plain = Provenance("settlements", "register", "GPL-3.0", "2010", "real")
    data = template_data(provenance_frame([plain, population_provenance()]))
    assert data["population_method"] == "1"
    assert {"table": "settlement_population", "source": population_provenance().source} in data[
        "modelled"
    ]
    assert template_data(provenance_frame([plain]))["population_method"] == ""


def test_method_labels_in_both_languages() -> None:
    assert SCALING_METHOD["ru"] in LABELS["ru"]["provenance_population_method"]
    assert SCALING_METHOD["en"] in LABELS["en"]["provenance_population_method"]
    assert "urban and rural parts separately" in LABELS["en"]["provenance_population_method"]
    assert "отдельно для городского и сельского" in LABELS["ru"]["provenance_population_method"]
