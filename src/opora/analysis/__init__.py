"""Analyses on the model: plain functions, index-aligned tables in, tables out."""

from opora.analysis.profile import PROFILE_FIELDS, ProfileField, municipality_profile
from opora.model.settlements import SIZE_CLASSES, size_class

__all__ = ["PROFILE_FIELDS", "SIZE_CLASSES", "ProfileField", "municipality_profile", "size_class"]
