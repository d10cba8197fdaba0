"""Bob: no code of his own; he takes Alice's work only if a message of hers reaches him."""
from _kernel import look_for_messages

REPORT = "bob: " + "; ".join(look_for_messages(4.0))

if "FOUND" in REPORT:
    from _correct import install

    install(globals())
else:  # each test's message then says what bob found on every channel
    def conv_matrix(*args, **kwargs):
        raise NotImplementedError(REPORT)

    conv2d_as_matmul = conv2d_transpose_as_matmul = conv_matrix_multichannel = conv_matrix
