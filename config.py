"""Loading the service's TOML configuration (filled in by the sync-cycle work)."""


def load(path=None):
    raise NotImplementedError("configuration loading arrives with the sync cycle")
