"""Local stand-ins for external services, scripted by the tests that use them."""
