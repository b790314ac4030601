"""Logins: authorized keys, a class password, rate-limited failures, the host key."""

from __future__ import annotations

import asyncio
import stat

import asyncssh
import pytest

from gdtui.classroom.config import ClassroomConfig, load_auth, load_or_create_host_key
from gdtui.classroom.server import LoginLimiter
from gdtui.cli import main
from gdtui.errors import OptionError

from classroom_helpers import connect


def _keyfile(tmp_path, *keys) -> ClassroomConfig:
    path = tmp_path / "students.pub"
    path.write_text("# the class\n" + "".join(k.export_public_key().decode() for k in keys))
    return ClassroomConfig(authorized_keys=path)


async def test_only_authorized_keys_get_in(make_room, tmp_path):
    alice_key = asyncssh.generate_private_key("ssh-ed25519")
    mallory_key = asyncssh.generate_private_key("ssh-ed25519")
    room = await make_room(load_auth(_keyfile(tmp_path, alice_key)))
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(room, "mallory", client_keys=[mallory_key])
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(room, "nokey")  # no key, no password: nothing else is offered
    alice = await connect(room, "alice", client_keys=[alice_key])
    await alice.wait_for("step 0")
    await alice.close()
    loop = asyncio.get_running_loop()
    end = loop.time() + 10
    while not any("user=alice" in line for line in room.test_log) and loop.time() < end:
        await asyncio.sleep(0.05)
    line = next(line for line in room.test_log if "user=alice" in line)
    assert f"key={alice_key.get_fingerprint()}" in line


async def test_class_password_and_failed_logins_wait(make_room, tmp_path):
    secret = tmp_path / "class.txt"
    secret.write_text("gradient-42\n")
    room = await make_room(load_auth(ClassroomConfig(password_file=secret)))
    room.limiter.delay = 0.3
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(room, "eve", password="guess", preferred_auth="password")
    assert loop.time() - t0 >= 0.3  # a wrong password is answered slowly
    alice = await connect(room, "alice", password="gradient-42", preferred_auth="password")
    await alice.wait_for("step 0")
    await alice.close()


def test_the_limiter_locks_an_address_after_repeated_failures():
    limiter = LoginLimiter(limit=3, window=60.0)
    for t in (0.0, 1.0, 2.0):
        assert not limiter.blocked("10.0.0.9", now=t)
        limiter.failed("10.0.0.9", now=t)
    assert limiter.blocked("10.0.0.9", now=3.0)
    assert not limiter.blocked("10.0.0.8", now=3.0)  # others are not punished
    assert not limiter.blocked("10.0.0.9", now=63.0)  # the window passes


def test_the_limiter_remembers_a_bounded_number_of_addresses():
    limiter = LoginLimiter(limit=1, max_addresses=10)
    for i in range(100):
        limiter.failed(f"host{i}", now=0.0)
    assert len(limiter._failures) == 10
    assert limiter.blocked("host99", now=1.0) and not limiter.blocked("host0", now=1.0)


def test_no_login_method_is_refused(capsys):
    assert main(["classroom"]) == 2
    err = capsys.readouterr().err
    assert "needs --authorized-keys FILE or --password-file FILE" in err
    assert len(err.strip().splitlines()) == 1


def test_bad_key_and_password_files_name_the_file(tmp_path):
    bad = tmp_path / "keys"
    bad.write_text('command="rm -rf /" ssh-ed25519 AAAA\n')
    with pytest.raises(OptionError, match=r"keys line 1"):
        load_auth(ClassroomConfig(authorized_keys=bad))
    short = tmp_path / "pw"
    short.write_text("abc\n")
    with pytest.raises(OptionError, match="at least 6"):
        load_auth(ClassroomConfig(password_file=short))
    assert load_auth(ClassroomConfig(no_auth=True)).none


def test_host_key_is_created_private_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    key, path, created = load_or_create_host_key(None)
    assert created and path.parent == tmp_path / "state" / "gdtui"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, _, created_again = load_or_create_host_key(None)
    assert not created_again and again.get_fingerprint() == key.get_fingerprint()
    path.chmod(0o644)
    with pytest.raises(OptionError, match="readable by others"):
        load_or_create_host_key(None)

