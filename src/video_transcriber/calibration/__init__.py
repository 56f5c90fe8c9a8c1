"""Calibration: measure how fast this machine transcribes, and remember it.

`runner.calibrate` runs the real model in warm pools of every shape the machine allows on a
sample of real speech taken from a recording on this machine (`sample`); `fingerprint` says
which machine the figures belong to; `store.calibration_store` keeps them in the job store. The
figures themselves are plain data in `tuning.measured`, so the planner can prefer them without
depending on this package.
"""
