"""The CPD Events demo: the first product plugged into the engine, through cpd-demo.toml like any
Django project. The plan and the world as data, the scenario, its rules, checks, status, logins and
tailoring. It reaches the engine only through that config file."""
