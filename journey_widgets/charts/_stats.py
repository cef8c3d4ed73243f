"""The statistics the charts use, from :mod:`journey_widgets.stats` (which loads without Altair)."""

from journey_widgets.stats import Z_95, holm, two_proportion_z_test, wilson_interval

__all__ = ["Z_95", "holm", "two_proportion_z_test", "wilson_interval"]
