"""The admin home's work list (selectors_review.work_items), for the admin
index template, which the admin renders without a view of ours."""

from django import template

from .. import selectors_review

register = template.Library()


@register.simple_tag
def work_items():
    return selectors_review.work_items()
