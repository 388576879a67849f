"""The admin home's work list (review_selectors.work_items), for the admin
index template, which the admin renders without a view of ours."""

from django import template

from authorizations.review import selectors as review_selectors

register = template.Library()


@register.simple_tag
def work_items():
    return review_selectors.work_items()
