"""What every subcommand shares: the lazily loaded config and the bilingual error exit."""
import click


class Context:
    """Carries the --config path; the config itself is read only when a command needs it."""

    def __init__(self, config_path):
        self.config_path = config_path
        self._config = None

    @property
    def config(self):
        if self._config is None:
            import config as config_module
            self._config = config_module.load(self.config_path)
        return self._config


def fail(message_zh: str, message_en: str, code: int = 2):
    """Exit with a message in Chinese and English, the way every command reports bad input."""
    click.echo(f"错误: {message_zh}\nerror: {message_en}", err=True)
    raise SystemExit(code)
