"""The admin home's work list (review_selectors.work_items), for the admin
index template, which the admin renders without a view of ours."""

from django import template

from authorizations.core import access
from authorizations.review import selectors as review_selectors

register = template.Library()


@register.simple_tag
def work_items():
    return review_selectors.work_items()


@register.simple_tag(takes_context=True)
def may_see_operations(context) -> bool:
    """Issue 20: the admin home links the operations and outcomes pages for
    whoever may open them."""
    return access.may_see_operations(context["request"].user)
