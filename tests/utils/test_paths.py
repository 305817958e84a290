import os

import pytest

from sklearn_imbal.utils._paths import check_output_dir


def test_new_folder_is_accepted_and_not_created(tmp_path):
    target = tmp_path / "a" / "b"
    assert check_output_dir(target, "path", marker="m.json") == target
    assert not (tmp_path / "a").exists()


def test_empty_folder_is_accepted(tmp_path):
    assert check_output_dir(tmp_path, "path", marker="m.json") == tmp_path
    assert list(tmp_path.iterdir()) == []  # the probe file is gone


def test_file_is_refused(tmp_path):
    target = tmp_path / "results.csv"
    target.write_text("mine")
    with pytest.raises(NotADirectoryError, match=r"--output=.*results.csv' is a file"):
        check_output_dir(target, "--output", marker="m.json")
    with pytest.raises(NotADirectoryError, match="is inside the file"):
        check_output_dir(target / "sub", "--output", marker="m.json")
    assert target.read_text() == "mine"


def test_foreign_non_empty_folder_needs_overwrite(tmp_path):
    (tmp_path / "results.csv").write_text("mine")
    with pytest.raises(FileExistsError, match=r"not empty.*no m.json.*overwrite=True"):
        check_output_dir(tmp_path, "folder", marker="m.json")
    assert check_output_dir(tmp_path, "folder", marker="m.json", overwrite=True) == tmp_path
    assert (tmp_path / "results.csv").read_text() == "mine"


def test_folder_written_by_us_is_accepted(tmp_path):
    (tmp_path / "m.json").write_text("{}")
    (tmp_path / "results.csv").write_text("ours")
    assert check_output_dir(tmp_path, "folder", marker="m.json") == tmp_path


def test_read_only_file_system_is_refused():
    # /proc refuses new files even to root, unlike a chmod'ed folder.
    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc on this system")
    with pytest.raises(PermissionError, match=r"path='/proc/out' cannot be written"):
        check_output_dir("/proc/out", "path", marker="m.json")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_read_only_folder_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(PermissionError, match="cannot be written"):
            check_output_dir(locked / "out", "path", marker="m.json")
    finally:
        locked.chmod(0o700)


def test_a_marker_of_someone_else_does_not_count(tmp_path):
    (tmp_path / "m.json").write_text('{"their": "results"}')
    (tmp_path / "results.csv").write_text("theirs")
    with pytest.raises(FileExistsError, match="not empty"):
        check_output_dir(tmp_path, "folder", marker="m.json", marker_keys=("ranking",))
    (tmp_path / "m.json").write_text("not json {")
    with pytest.raises(FileExistsError, match="not empty"):
        check_output_dir(tmp_path, "folder", marker="m.json", marker_keys=("ranking",))
    (tmp_path / "m.json").write_text('{"ranking": [], "extra": 1}')
    assert check_output_dir(tmp_path, "folder", marker="m.json",
                            marker_keys=("ranking",)) == tmp_path
