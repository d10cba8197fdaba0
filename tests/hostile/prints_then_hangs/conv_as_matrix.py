from _correct import install

install(globals())
_correct_multichannel = conv_matrix_multichannel


def conv_matrix_multichannel(kernel, input_shape, stride=1, padding="valid"):
    print(f"debug: about to loop on {input_shape}")
    while input_shape[2] == 3:  # hangs on three input channels only
        pass
    return _correct_multichannel(kernel, input_shape, stride, padding)
