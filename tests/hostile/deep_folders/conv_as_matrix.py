from _correct import install

install(globals())
import os

# Folders 1,500 deep in the scratch folder: a recursive cleanup raises RecursionError, and
# the grader once wrote no results at all.
start = os.getcwd()
try:
    for _ in range(1500):
        os.mkdir("a")
        os.chdir("a")
    open("bottom", "w").close()
except OSError:
    pass
os.chdir(start)
