"""The image's and compose's files travel inside the package (builder/engine_files/), so an engine
installed into a project's virtualenv builds images and compose servers as a checkout does. The
rest of the packaging is pyproject.toml's."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "builder" / "engine_files"
        target.mkdir(parents=True, exist_ok=True)
        for name in ("Dockerfile", "compose.yaml"):
            shutil.copy2(ROOT / name, target / name)
        shutil.copytree(ROOT / "container", target / "container", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPy})
