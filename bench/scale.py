from bench.results import skipped

TITLE = "scale"


def run(ctx):
    return skipped("scale", TITLE, "not written yet")
