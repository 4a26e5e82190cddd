"""Differentiated town types with reasons: documented rules, and a clustering beside them.

:mod:`~opora.typology.rules` gives every municipality (and town) zero or more types of
the differentiated model (inter-district centre, single-enterprise economy, Arctic, Far
North, border, agglomeration satellite, life-support economy, agro-service, tourism,
industrial), each with its rule, figures and reasons; thresholds live in
``opora/data/typology.toml``; the single-enterprise type follows the monotown criteria
of decree No. 709 as far as the data allow (:mod:`~opora.typology.monotown`).
:mod:`~opora.typology.cluster` groups the same rows by a
seeded k-means on standardised features and compares the groups with the rules.
:mod:`~opora.typology.towns` builds the town rows and :mod:`~opora.typology.lists`
matches users' lists (official monotowns, border municipalities) to the rows.
"""

from opora.typology.cluster import (
    CLUSTER_FEATURES,
    ClusterResult,
    RuleComparison,
    adjusted_rand_index,
    cluster,
    cluster_inputs,
    compare_with_rules,
)
from opora.typology.lists import match_list
from opora.typology.rules import LONG_COLUMNS, STATUSES, TYPES, WIDE_COLUMNS, classify, types_table
from opora.typology.towns import town_rows

__all__ = [
    "CLUSTER_FEATURES",
    "LONG_COLUMNS",
    "STATUSES",
    "TYPES",
    "WIDE_COLUMNS",
    "ClusterResult",
    "RuleComparison",
    "adjusted_rand_index",
    "classify",
    "cluster",
    "cluster_inputs",
    "compare_with_rules",
    "match_list",
    "town_rows",
    "types_table",
]
