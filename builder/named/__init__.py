"""Named demos on one server, for a sales team: a database and a login per demo, copied from a
template database per snapshot version, reset in about a second, kept live through a day of calls.

names      what a demo may be called and what a prospect may be (builder.grammar, shared with the image)
registry   the control database: what the tool made on this server, read in one query
templates  a template database per snapshot version, restored once
demos      new, reset, drop, the demo's URL and login
upkeep     gc and repair: the registry and the server brought back into agreement
keep_live  rebasing every demo to now, round after round, one stuck demo never stopping the rest
"""
