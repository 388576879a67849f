"""`{% table_region "caption-id" "table classes" %}…{% endtable_region %}`: a
table in a region that scrolls sideways on a narrow screen (WCAG 1.4.10,
reflow), named by its caption or heading (the id given) and focusable, so
that it scrolls by keyboard (WCAG 2.1.1). Between the two tags: the table's
caption, head and body."""

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.html import format_html

register = template.Library()


class TableRegionNode(template.Node):
    def __init__(self, labelled_by: FilterExpression, classes: FilterExpression,
                 nodelist: NodeList):
        self.labelled_by = labelled_by
        self.classes = classes
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        return format_html(
            '<div class="table-responsive" role="region" aria-labelledby="{}" tabindex="0">\n'
            '<table class="{}">{}</table>\n</div>',
            self.labelled_by.resolve(context), self.classes.resolve(context),
            self.nodelist.render(context))


@register.tag
def table_region(parser: Parser, token: Token) -> TableRegionNode:
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes the id of the table's label and the table's classes")
    nodelist = parser.parse(("endtable_region",))
    parser.delete_first_token()
    return TableRegionNode(parser.compile_filter(bits[1]), parser.compile_filter(bits[2]),
                           nodelist)
