import time

time.sleep(600)  # longer than any import limit
from _correct import install

install(globals())
