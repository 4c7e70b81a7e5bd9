"""index/model_cache.py: a built static model is kept by its inputs' hash and the packages' versions, and copied back
only when every file matches its checksum."""

from __future__ import annotations

import os

from index.model_cache import ModelCache

VERSIONS = {"python": "3.11", "torch": "2.13.0"}


def model(directory, weights: bytes = b"\x00\x01weights"):
    (directory / "1_Dense").mkdir(parents=True)
    (directory / "model.safetensors").write_bytes(weights)
    (directory / "1_Dense" / "config.json").write_text('{"in": 256}', encoding="utf-8")
    (directory / "policybot.json").write_text('{"id": "policybot-static-zh"}', encoding="utf-8")
    return directory


def files(directory) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_a_kept_model_comes_back_file_for_file(tmp_path):
    cache = ModelCache(tmp_path / "cache", VERSIONS)
    trained = model(tmp_path / "trained")
    assert not cache.restore("abc", tmp_path / "out0")  # nothing kept yet
    cache.store("abc", trained)
    assert cache.restore("abc", tmp_path / "out")
    assert files(tmp_path / "out") == files(trained)


def test_other_inputs_or_other_versions_are_not_the_kept_model(tmp_path):
    ModelCache(tmp_path / "cache", VERSIONS).store("abc", model(tmp_path / "trained"))
    assert not ModelCache(tmp_path / "cache", VERSIONS).restore("abd", tmp_path / "out1")
    assert not ModelCache(tmp_path / "cache", {**VERSIONS, "torch": "2.14.0"}).restore("abc", tmp_path / "out2")
    assert not (tmp_path / "out1").exists() and not (tmp_path / "out2").exists()


def test_a_damaged_kept_model_is_trained_again_and_dropped(tmp_path):
    cache = ModelCache(tmp_path / "cache", VERSIONS)
    cache.store("abc", model(tmp_path / "trained"))
    kept = next(p for p in (tmp_path / "cache").iterdir())
    weights = kept / "model.safetensors"
    weights.write_bytes(b"\x00\x01weighTs")  # the same size, one byte changed
    assert not cache.restore("abc", tmp_path / "out")
    assert not kept.exists()


def test_only_the_newest_are_kept(tmp_path):
    cache = ModelCache(tmp_path / "cache", VERSIONS, keep=2)
    for i, identity in enumerate(["a", "b", "c"]):
        cache.store(identity, model(tmp_path / f"trained-{identity}", bytes([i])))
        for p in (tmp_path / "cache").iterdir():  # mtimes a second apart, oldest first
            if p.name.startswith(identity):
                os.utime(p, (1000 + i, 1000 + i))
    cache.store("d", model(tmp_path / "trained-d", b"d"))
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()) == ["c", "d"]
    assert cache.restore("c", tmp_path / "out") and not cache.restore("a", tmp_path / "out-a")
