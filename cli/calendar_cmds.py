"""Commands about time: `jiesu deadline` and `jiesu due` (filled in by the calendar work)."""


def register(group):
    pass
