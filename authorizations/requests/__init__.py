"""A prior authorization request: the draft and its wizard, the submission and
its evaluation against the policy, the prescriber's pages."""
