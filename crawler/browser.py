"""Which Chromium the crawl drives for challenges and JavaScript-built lists."""

from __future__ import annotations

import os
import shutil

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium on a closed network retries Google services at every start, and as root it
# needs --no-sandbox; these flags keep it quiet and working in containers.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_browser(env: dict[str, str] | None = None) -> str | None:
    """NIANBAO_BROWSER if set, else the first system Chromium on PATH.

    None lets Playwright use its own browser (``playwright install chromium``).
    """
    env = os.environ if env is None else env
    if env.get("NIANBAO_BROWSER"):
        return env["NIANBAO_BROWSER"]
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


def launch_options(executable: str | None) -> dict:
    """PLAYWRIGHT_LAUNCH_OPTIONS for a browser path (None: Playwright's own)."""
    options: dict = {"headless": True, "args": list(LAUNCH_ARGS)}
    if executable:
        options["executable_path"] = executable
    return options
