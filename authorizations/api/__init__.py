"""The API for machines: token-authenticated JSON (Django REST framework) per
HTC. Tokens (djangorestframework-api-key, stored hashed) are created and
revoked in the admin by a superuser; each is scoped to one HTC, throttled and
audited. See README.md, "API for EHRs"."""
