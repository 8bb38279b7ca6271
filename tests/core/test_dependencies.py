from digital_resilience.core import dependencies
from digital_resilience.core.dependencies import Problem, pip_command, problems, version_tuple


def test_version_tuple_reads_leading_numbers():
    assert version_tuple("2.9.0") == (2, 9, 0)
    assert version_tuple("1.26.4") == (1, 26, 4)
    assert version_tuple("2.10.0rc1") == (2, 10, 0)
    assert version_tuple("4.14.1.post2") == (4, 14, 1)
    assert version_tuple("2.10") > version_tuple("2.9")


def test_problems_finds_missing_and_old_packages(monkeypatch):
    versions = {"highspy": None, "spreg": "1.2.0", "libpysal": "4.14.1"}
    monkeypatch.setattr(dependencies, "installed_version", lambda name: versions.get(name))
    found = problems(("highspy", "spreg", "libpysal"))
    assert [p.package for p in found] == ["highspy", "spreg"]
    assert found[0].describe() == "highspy (missing; needs >= 1.7)"
    assert found[1].describe() == "spreg 1.2.0 (too old; needs >= 1.4)"


def test_everything_needed_is_installed_in_the_test_environment():
    assert problems() == []


def test_pip_command_names_each_package_and_keeps_numpy_1(monkeypatch):
    monkeypatch.setattr(dependencies, "python_executable", lambda: "/usr/bin/python3.11")
    monkeypatch.setattr(dependencies, "installed_version", lambda name: "1.24.2" if name == "numpy" else None)
    command = pip_command([Problem("esda", "2.5", None), Problem("spopt", "0.5", "0.4")])
    assert command.startswith("/usr/bin/python3.11 -m pip install --upgrade")
    assert '"esda>=2.5"' in command and '"spopt>=0.5"' in command
    assert '"numpy<2"' in command
