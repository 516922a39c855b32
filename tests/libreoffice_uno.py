"""Open an .xlsx in LibreOffice through UNO with a password, and print what its first sheet shows.

An independent reader of the Office encryption that Excel uses (ECMA-376 agile): the test of
password-protected exports runs this with the system Python that has LibreOffice's ``uno``
module (Debian: python3-uno), not with the app's virtual environment::

    /usr/bin/python3 tests/libreoffice_uno.py FILE.xlsx PASSWORD PROFILE_DIR

Prints ``OPENED``, the sheet names (tab-separated) and the first five rows of columns A–F, or
``REFUSED`` when LibreOffice will not open the file with that password.  Exit status 2 when
LibreOffice did not start.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe: str) -> object | None:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):  # up to a minute for LibreOffice to start
        with contextlib.suppress(Exception):
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        time.sleep(0.25)
    return None


def main() -> int:
    source, password, profile = Path(sys.argv[1]).resolve(), sys.argv[2], Path(sys.argv[3]).resolve()
    pipe = "jusou" + uuid.uuid4().hex
    office = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        context = _connect(pipe)
        if context is None:
            print("NO OFFICE")
            return 2
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)  # type: ignore[attr-defined]
        document = None
        with contextlib.suppress(Exception):  # a wrong password: LibreOffice refuses to load
            document = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(str(source)),
                "_blank",
                0,
                (_prop("Hidden", True), _prop("Password", password), _prop("Silent", True)),
            )
        if document is None:
            print("REFUSED")
        else:
            print("OPENED")
            sheets = document.Sheets
            print("\t".join(sheets.ElementNames))
            first = sheets.getByIndex(0)
            for row in range(1, 6):
                print("\t".join(first.getCellRangeByName(f"{column}{row}").String for column in "ABCDEF"))
            document.close(True)
        with contextlib.suppress(Exception):
            desktop.terminate()
        return 0
    finally:
        try:
            office.wait(60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    sys.exit(main())
