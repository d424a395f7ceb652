"""Every e-mail's subject starts with the site's prefix, from one function."""

from pathlib import Path

from config.emails import subject_line

ROOT = Path(__file__).resolve().parents[2]


def test_every_email_template_gets_the_prefix():
    names = sorted(p.parent.name for p in (ROOT / "templates" / "emails").glob("*/subject.txt"))

    subjects = [subject_line(name, {"contact": None}) for name in names]

    assert names
    assert all(subject.startswith("[First Step] ") for subject in subjects), subjects
    assert all("\n" not in subject for subject in subjects)


def test_no_other_module_renders_a_subject_itself():
    renderers = [
        str(path.relative_to(ROOT))
        for app in (
            "config",
            "directory",
            "bookings",
            "calendars",
            "content",
            "messaging",
            "privacy",
            "insights",
            "matching",
        )
        for path in (ROOT / app).rglob("*.py")
        if "subject.txt" in path.read_text(encoding="utf-8")
    ]

    assert renderers == ["config/emails.py"]
