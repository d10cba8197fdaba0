from _correct import install

install(globals())
import autograder.probes.common as common

# The grader's own conversion runs in the worker, beside student code: skip it, and send
# back a ragged list where an array is expected. The grader's checks must not break.
_as_array = common.as_array


def as_array(result, what=""):
    if what.startswith("conv_matrix("):
        return [[1.0, 2.0], [3.0], "x", {"k": [1]}]
    return _as_array(result, what=what)


common.as_array = as_array
