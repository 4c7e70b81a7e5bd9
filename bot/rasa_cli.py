"""Rasa's command line (`python -m rasa …`) as this project starts it: `python -m bot.rasa_cli run …`.

TensorFlow 2.12 imports JAX, if it is installed, for TFLite's converter from JAX models; Rasa's dependencies install
it, and importing it is ~0.45 s of every Rasa start here (servers, restarts, `rasa test`). Nothing this project runs
converts a JAX model, so JAX is made unimportable before Rasa imports TensorFlow (TFLite then leaves its JAX
converter unset, as on a machine without JAX). POLICYBOT_RASA_SPEEDUPS=0 leaves it as Rasa ships."""

from __future__ import annotations

import os
import sys


def main() -> None:
    if os.environ.get("POLICYBOT_RASA_SPEEDUPS", "1") != "0":
        sys.modules.setdefault("jax", None)  # `import jax` raises ImportError, which TFLite catches
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
