from _correct import install

install(globals())
