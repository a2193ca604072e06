"""District profiles: one TOML file per district in this folder, loaded and validated into a Profile."""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from domain.profiles import Profile, ProfileError, from_mapping

__all__ = ["load", "load_path", "ids", "Profile", "ProfileError", "UnknownProfileError"]

HERE = Path(__file__).resolve().parent


class UnknownProfileError(ProfileError):
    """No profile file has that id."""

    def __init__(self, profile_id: str):
        known = ", ".join(ids())
        super().__init__(f"profiles/{profile_id}.toml", "id",
                         f"没有名为 {profile_id} 的区配置(可选: {known}) / unknown profile {profile_id!r} (known: {known})")
        self.profile_id = profile_id


def ids() -> list[str]:
    """The ids of the profiles shipped in this folder, sorted."""
    return sorted(p.stem for p in HERE.glob("*.toml"))


def load_path(path) -> Profile:
    """Read and validate one profile file anywhere on disk (a new district's draft, or a test's)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(str(path), "(file)", f"无法读取 / cannot read: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(str(path), "(syntax)", f"TOML 语法错误 / TOML syntax error: {exc}") from exc
    profile = from_mapping(data, str(path))
    if profile.id != path.stem:
        raise ProfileError(str(path), "id", f"应与文件名一致 / must equal the file name: {path.stem!r}, got {profile.id!r}")
    return profile


@lru_cache(maxsize=None)
def load(profile_id: str) -> Profile:
    """The shipped profile `profile_id` (e.g. 'zibo'); UnknownProfileError when there is none."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", profile_id or "") or not (HERE / f"{profile_id}.toml").is_file():
        raise UnknownProfileError(profile_id)
    return load_path(HERE / f"{profile_id}.toml")
