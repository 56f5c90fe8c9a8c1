"""Speech map → chunk plan. Pure functions over VAD probabilities and speech spans."""
