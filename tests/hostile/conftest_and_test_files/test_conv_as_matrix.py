import os

open("/tmp/student-test-ran", "w").write("collected")


def test_everything_passes():
    assert True
