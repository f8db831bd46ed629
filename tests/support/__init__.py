"""What the tests share that is not a fixture: the CPD project and its constants, running commands as
a user does, reading a database, builds with the tests' clock, the console, Docker images, S3.
Fixtures live in tests/conftest.py and use these; a test imports these, never conftest."""
