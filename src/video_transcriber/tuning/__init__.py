"""System facts (cgroup-aware) → execution plan (pure) → recommendations."""
