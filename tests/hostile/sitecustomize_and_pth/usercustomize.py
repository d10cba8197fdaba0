open("/tmp/usercustomize-ran", "w").write("loaded")
