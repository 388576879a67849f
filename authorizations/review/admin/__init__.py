"""The reviewer's Django admin: the request queue and page, the decision forms,
the read-only records."""
