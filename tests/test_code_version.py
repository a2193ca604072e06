"""The digest of the deciding code: any change to a package's source changes it, caches do not."""
from jobs.code_version import DECIDING, ROOT, code_digest, running_code_digest


def _tree(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def test_digest_follows_source_files_only(tmp_path):
    _tree(tmp_path, {"domain/__init__.py": "", "domain/rules.py": "LIMIT = 5\n", "jobs/cycle.py": "x = 1\n",
                     "profiles/a.toml": "limit = 5\n", "web/page.py": "y = 1\n"})
    packages = ("domain", "jobs", "profiles")
    first = code_digest(tmp_path, packages)
    assert first == code_digest(tmp_path, packages) and len(first) == 32
    # Not code: caches, compiled files, other packages.
    _tree(tmp_path, {"domain/__pycache__/rules.cpython-311.pyc": "junk", "domain/notes.txt": "text",
                     "web/page.py": "y = 2\n"})
    assert code_digest(tmp_path, packages) == first
    changed = {}
    for rel, text in (("domain/rules.py", "LIMIT = 6\n"), ("profiles/a.toml", "limit = 6\n"),
                      ("jobs/new.py", "")):
        _tree(tmp_path, {rel: text})
        changed[rel] = code_digest(tmp_path, packages)
    assert len({first, *changed.values()}) == 4          # each change gives a new digest
    # A file's bytes moving to another name is a change too (names are part of the digest).
    (tmp_path / "jobs" / "new.py").rename(tmp_path / "jobs" / "renamed.py")
    assert code_digest(tmp_path, packages) != changed["jobs/new.py"]


def test_the_running_digest_is_the_repositorys_deciding_code():
    assert set(DECIDING) >= {"domain", "sheets_schema", "jobs"}
    assert all((ROOT / p).is_dir() for p in DECIDING)
    assert running_code_digest() == code_digest()
