"""How the tool recognises what it made on a server it shares with others: the comments it puts on
its databases and roles, and the name of its registry of named demos. Nothing that lacks its mark
is ever dropped or replaced by the named-demo commands."""

CONTROL = "cpd_demo_control"  # the registry of a server's named demos and templates
DEMO = "cpd-demo-db named demo"
TEMPLATE = "cpd-demo-db template"
CONTROL_COMMENT = "cpd-demo-db registry of named demos and templates"
ROLE = "cpd-demo-db named demo login"
NAMED = frozenset({DEMO, TEMPLATE, CONTROL_COMMENT})
