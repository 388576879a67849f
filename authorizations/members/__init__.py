"""The payer's member roster: who is covered, by which kind of plan, where
their letters are mailed and in which language."""
