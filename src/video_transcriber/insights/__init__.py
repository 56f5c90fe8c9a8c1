"""Study insights from a transcript: keywords, questions, emphasis cues, totals."""
