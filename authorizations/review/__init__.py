"""The clinical reviewer's work: decisions, requests for information, peer-to-
peer, the conversation after submission, and the reviewer's admin."""
