"""The web service's blueprints: accounts, dashboard, intake, progress lookup, webhook and JSON API."""
