"""Dev-only parts: what demo mode and the tests use, never production.

- ``simulator``: the Cybersource Invoicing sandbox simulator (loopback HTTP).
- ``openid_provider``: a small OpenID provider (loopback HTTPS) with demo users.
- ``demo_environment``: starts both for ``addin-server serve`` in demo mode and seeds the
  demo organisations' merchant profiles (``demo_merchants``).
- ``loopback``: a WSGI server on 127.0.0.1 for the above and for tests.
- ``gunicorn_process``: the app under real gunicorn instances, for the load test and the
  tests of several instances.

Production code never imports this package (``tests/test_architecture.py`` checks it); the
CLI imports it only when it starts demo mode.
"""
