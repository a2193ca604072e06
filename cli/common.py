"""What every subcommand shares: the lazily loaded config and the bilingual error exit."""
import click


class Context:
    """Carries the --config path; the config itself is read only when a command needs it."""

    def __init__(self, config_path):
        self.config_path = config_path
        self._config = None

    @property
    def config(self):
        """The loaded config; a mistake in it ends the command with the key to fix (exit 2)."""
        if self._config is None:
            import config as config_module
            try:
                self._config = config_module.load(self.config_path)
            except config_module.ConfigError as exc:
                where = f"{exc.source}: " if exc.source else ""
                fail(f"{where}配置项 {exc.key}: {exc.zh}", f"{where}config key {exc.key}: {exc.en}", 2)
        return self._config


def fail(message_zh: str, message_en: str, code: int = 2):
    """Exit with a message in Chinese and English, the way every command reports bad input."""
    click.echo(f"错误: {message_zh}\nerror: {message_en}", err=True)
    raise SystemExit(code)
