from _correct import install

install(globals())


def conv2d_transpose_as_matmul(y, kernel, output_shape, stride=1, padding="valid"):
    print("debug: entering the transpose")
    raise ValueError("I am still working on this one")
