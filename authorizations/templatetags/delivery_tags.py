"""The admin home's delivery line (letters/selectors.waiting_deliveries), for
the admin index template, which the admin renders without a view of ours."""

from django import template

from authorizations.letters import selectors as letter_selectors

register = template.Library()


@register.simple_tag
def waiting_deliveries():
    return letter_selectors.waiting_deliveries()
