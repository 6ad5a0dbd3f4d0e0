"""The tests: a package (as is each folder) so every conftest.py has its own module name and
mypy checks the tests as one tree; helpers are imported as ``tests.<folder>.<module>``."""
