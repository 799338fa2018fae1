"""`{% staff_nav %}`: the header links to the staff sections the person's roles allow."""

from django import template

from ..navigation import staff_sections

register = template.Library()


@register.inclusion_tag("lms/staff_nav.html", takes_context=True)
def staff_nav(context):
    return {"sections": staff_sections(context.get("user"))}
