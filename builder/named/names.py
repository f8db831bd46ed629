"""What a named demo may be called and what its prospect may be (the grammar of builder.grammar,
which the image shares), and the name of a snapshot version's template."""

from builder.grammar import TEMPLATE_PREFIX, check_prospect, validate

__all__ = ["TEMPLATE_PREFIX", "check_prospect", "template_name", "validate"]


def template_name(version: str) -> str:
    return TEMPLATE_PREFIX + version.lower().replace("-", "_")
