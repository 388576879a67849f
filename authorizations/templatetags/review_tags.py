"""The admin home's work list (review_selectors.work_items), for the admin
index template, which the admin renders without a view of ours."""

from django import template

from authorizations.core import access
from authorizations.review import desk_services
from authorizations.review import selectors as review_selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def work_items(context):
    """The work counts; for a reviewer (who may decide), the exceptions
    awaiting their signature first."""
    user = context["request"].user
    to_sign = len(desk_services.exceptions_to_sign(user)) \
        if user.has_perm(desk_services.DECIDE_PERMISSION) else None
    return review_selectors.work_items(to_sign=to_sign)


@register.simple_tag(takes_context=True)
def may_see_operations(context) -> bool:
    """Issue 20: the admin home links the operations and outcomes pages for
    whoever may open them."""
    return access.may_see_operations(context["request"].user)
