"""After approval: the authorization's life, the infusion, five years of
follow-up, their pages and admin."""
