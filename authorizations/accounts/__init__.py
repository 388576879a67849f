"""People and places: users, groups, profiles, the HTC directory, password reset."""
