"""Flask application factory: dashboard, intake, track, hooks and API are blueprints registered here."""
from flask import Flask, jsonify


def create_app(config=None):
    """Build the web app; `config` is a mapping overriding the defaults (tests pass their own)."""
    app = Flask(__name__, template_folder="templates")
    app.config.from_mapping(SECRET_KEY="dev")
    if config:
        app.config.from_mapping(config)
    from web import metrics_page
    metrics_page.init_app(app)

    @app.get("/healthz")
    def healthz():
        from importlib.metadata import version
        return jsonify(status="ok", version=version("jiesu"), last_cycle=None)

    return app
