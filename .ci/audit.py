"""`make audit`: known vulnerabilities in the pinned dependencies, with pip-audit.

pip-audit asks its vulnerability service about each pinned version. Where that service
cannot be reached (a closed network) it audits nothing: then this prints "Dependency audit
NOT RUN" and exits 0, so CI says the audit did not run rather than passing it. Any finding,
or a dependency that could not be audited while others could, exits 1.
"""

import json
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> int:
    audit = subprocess.run(  # noqa: S603 - our own command
        [
            *(str(BIN / "pip-audit"), "--no-deps", "--disable-pip", "--progress-spinner", "off"),
            *("--format", "json", "-r", "requirements.lock"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(audit.stdout)
    except json.JSONDecodeError:
        print(audit.stderr, file=sys.stderr)
        print("== Dependency audit FAILED: pip-audit gave no report")
        return 1
    code, lines = verdict(report)
    print("\n".join(lines))
    return code


def verdict(report: dict) -> tuple[int, list[str]]:
    """The exit status and the lines to print for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if dependencies and len(skipped) == len(dependencies):
        return 0, ["== Dependency audit NOT RUN: vulnerability data unreachable"]
    findings = [(d, vuln) for d in dependencies for vuln in d.get("vulns", [])]
    lines = []
    for dependency, vuln in findings:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
        name = f"{dependency['name']} {dependency['version']}"
        lines.append(f"{name}: {vuln['id']} (fixed in {fixed})")
    lines += [f"{d['name']}: not audited ({d['skip_reason']})" for d in skipped]
    if findings or skipped:
        lines.append(
            f"== Dependency audit FAILED: {len(findings)} known vulnerabilities, "
            f"{len(skipped)} dependencies not audited"
        )
        return 1, lines
    return 0, [f"== Dependency audit passed: {len(dependencies)} dependencies, none vulnerable"]


if __name__ == "__main__":
    sys.exit(main())
