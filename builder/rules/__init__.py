"""The rules a project declares for its dated columns, read from its config, checked against the
schema, and compiled into the rows of the rule table the build writes into the dump (the rebase,
the digest and the checks read those rows; none of them knows the project).

kinds (the vocabulary) <- model (columns, keys, the rule row) <- holidays, together (spans and
groups) <- compiler (the grammar: compiler.py's docstring). Imports go that way only.
"""

from builder.rules.compiler import Compiler, describe
from builder.rules.kinds import DATED_TYPES, KINDS, PLAIN, REWRITING, SHIFTS, TABLE_RULES, fails_closed
from builder.rules.model import Column, ForeignKey, Rule, Schema, ident

__all__ = ["Compiler", "describe", "DATED_TYPES", "KINDS", "PLAIN", "REWRITING", "SHIFTS", "TABLE_RULES",
           "fails_closed", "Column", "ForeignKey", "Rule", "Schema", "ident"]
