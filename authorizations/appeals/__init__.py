"""Appeals of a denial: filing, the clocks, the decision by a second reviewer,
their pages and admin."""
