"""Demo data (filled in below)."""
class DemoRefused(Exception):
    pass


def seed_demo() -> list[tuple[str, str, str]]:
    raise DemoRefused("not yet")
