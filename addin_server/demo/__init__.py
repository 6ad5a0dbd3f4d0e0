"""Demo mode: the whole flow on one machine with no Microsoft or Cybersource account.

``start_demo(settings)`` starts the built-in OpenID provider (HTTPS, loopback) and the
Cybersource sandbox simulator (HTTP, loopback), points the settings at them, and gives each
demo organisation a verified merchant profile. Nothing skips validation: sign-in tokens go
through the real token checks and the profile through the real verification and encryption.
"""

from addin_server.demo.environment import DemoEnvironment, start_demo

__all__ = ["DemoEnvironment", "start_demo"]
